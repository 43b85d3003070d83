"""The one sanitiser of what the CLI prints: device-supplied text never drives the terminal.

A hostile agent's sysName, an nmap banner or a file's content may hold an escape
sequence (``ESC]0;...BEL`` sets the terminal's title, ``ESC[2J`` clears it), a C1
control (``U+009B`` is CSI on some terminals), a bidirectional override that makes
``exe.txt`` read as ``txt.exe``, or a lone surrogate that cannot be encoded at all.
Every line the CLI prints goes through :func:`echo`, which shows each such character
as its JSON escape (``\\u001b``): readable, and JSON output stays valid JSON meaning the
same data.  Line breaks and tabs of our own messages are kept; :func:`field` also shows
them escaped, for a device value inside a line (a sysName cannot fake a second line).
The progress bar's own ``\\r`` and erase-line sequence are written by :func:`echo_raw`,
the one exception, around text cleaned here.
"""

from __future__ import annotations

import re

import click

# C0 controls but tab and line feed, DEL, C1 controls, bidi marks, overrides and isolates,
# line and paragraph separators, and lone surrogates.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029"
    "\u2066-\u2069\ud800-\udfff]"
)
_UNSAFE_IN_FIELD = re.compile(_UNSAFE.pattern[:-1] + "\t\n]")


def _escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def clean(text: str) -> str:
    """``text`` with every character that could drive a terminal shown escaped."""
    return _UNSAFE.sub(_escaped, text)


def field(text: object) -> str:
    """A value from a device or a file, for use inside one line: line breaks escaped too."""
    return _UNSAFE_IN_FIELD.sub(_escaped, str(text))


def echo(message: object = "", *, err: bool = False, nl: bool = True) -> None:
    """``click.echo`` of cleaned text: what every command prints goes through here."""
    click.echo(clean(str(message)), err=err, nl=nl)


def echo_raw(message: str, *, err: bool = False, nl: bool = True) -> None:
    """For the progress bar only: ``message`` is our own control sequence around clean text."""
    click.echo(message, err=err, nl=nl)
