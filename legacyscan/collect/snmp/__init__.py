"""SNMP: the sweep over addresses (credentials tried in order), the one module with
pysnmp types (``session``), the MIB columns we read and their decoder, walk files.

The names below are imported when first used: reading a walk file (``identify
--snmpwalk``, ``import``) should not load pysnmp, which only the sweep needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from legacyscan.collect.snmp.credentials import Credential, load_credentials
    from legacyscan.collect.snmp.sweep import SnmpOptions, SnmpResult, run_sweep
    from legacyscan.collect.snmp.walkfile import WalkFileError, read_walk

_WHERE = {
    "Credential": "credentials",
    "load_credentials": "credentials",
    "SnmpOptions": "sweep",
    "SnmpResult": "sweep",
    "run_sweep": "sweep",
    "WalkFileError": "walkfile",
    "read_walk": "walkfile",
}

__all__ = [
    "Credential",
    "SnmpOptions",
    "SnmpResult",
    "WalkFileError",
    "load_credentials",
    "read_walk",
    "run_sweep",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
