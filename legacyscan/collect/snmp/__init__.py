"""SNMP: the sweep over addresses (credentials tried in order), the one module with
pysnmp types (``session``), the MIB columns we read and their decoder, walk files.
"""

from legacyscan.collect.snmp.credentials import Credential, load_credentials
from legacyscan.collect.snmp.sweep import SnmpOptions, SnmpResult, run_sweep
from legacyscan.collect.snmp.walkfile import WalkFileError, read_walk

__all__ = [
    "Credential",
    "SnmpOptions",
    "SnmpResult",
    "WalkFileError",
    "load_credentials",
    "read_walk",
    "run_sweep",
]
