"""Lifecycle stage: end-of-life records (data in ``fingerprints/eol/``, plus the user's
overlay and KEV marks) turned into a dated verdict per identity, relative to an as-of date;
the hardware's own verdict (``fingerprints/eol-hardware/``); components that follow their
platform or their distribution (``fingerprints/eol-components.yaml``); the EOL horizon; the
check that rules and records name the same products.
"""

from legacyscan.lifecycle.database import EolDatabase
from legacyscan.lifecycle.horizon import eol_horizon
from legacyscan.lifecycle.records import EolDataError

__all__ = ["EolDataError", "EolDatabase", "eol_horizon"]
