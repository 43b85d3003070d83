"""The one base class for mistakes a user can fix: the CLI prints them in one line.

Every stage raises a subclass of :class:`UserError` (bad scope, unreadable file, missing
program, lab already running...) with a complete message; anything else reaching the
command line is a bug and is reported as an internal error.
"""

from __future__ import annotations


class UserError(Exception):
    """An error whose message, alone on one line, tells the user what to fix."""
