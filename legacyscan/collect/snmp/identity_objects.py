"""The MIB scalars that name a device, read from ``fingerprints/tables/snmp-identity-objects.yaml``.

Many agents say little in sysDescr ("Linux nas 4.4.59", "UPS SNMP Card") and everything
in a scalar of a standard or vendor MIB: the UPS-MIB model, a NAS's DSM version, a
firewall's firmware.  The table lists those scalars; the live collector GETs them once
per agent and the decoder files them from a walk file the same way, as ``IdentityValue``
records named by the observation field the identify stage reads them under.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from legacyscan.collect.snmp.mib_values import Value, text
from legacyscan.errors import UserError
from legacyscan.files import load_mapping
from legacyscan.model import IdentityValue
from legacyscan.paths import fingerprints_dir

#: an observation field of this table: "snmp." and a MIB object name, optionally after
#: the vendor's name ("snmp.synology.version": two vendors' MIBs both call it "modelName")
FIELD = re.compile(r"^snmp\.(?:[a-z]+\.)?[a-z][A-Za-z0-9]+$")
INSTANCE_OID = re.compile(r"^1(?:\.\d+)+$")
#: longest value kept: these strings come from devices we do not control
MAX_VALUE = 256


class IdentityObjectsError(UserError, ValueError):
    """The table of identity objects does not follow its format."""


@dataclass(frozen=True)
class IdentityObject:
    field: str  # the observation field: "snmp.upsIdentModel"
    oid: str  # the instance read: "1.3.6.1.2.1.33.1.1.2.0"
    mib: str  # the module and object, as cited


def table_path() -> Path:
    return fingerprints_dir() / "tables" / "snmp-identity-objects.yaml"


@cache
def identity_objects(path: Path | None = None) -> tuple[IdentityObject, ...]:
    """Every object of the table, checked as read (field and OID unique, well formed)."""
    where = path or table_path()
    rows = load_mapping(where, IdentityObjectsError).get("objects")
    if not isinstance(rows, list) or not rows:
        raise IdentityObjectsError(f"{where}: expected a non-empty list under 'objects'")
    found: list[IdentityObject] = []
    for number, row in enumerate(rows, 1):
        if not isinstance(row, dict):
            raise IdentityObjectsError(f"{where}: object {number} is not a mapping")
        field, oid, mib = (str(row.get(k, "")).strip() for k in ("field", "oid", "mib"))
        if not FIELD.match(field) or not INSTANCE_OID.match(oid) or not mib:
            raise IdentityObjectsError(
                f"{where}: object {number} needs a field 'snmp.<object>', an instance OID "
                f"and the MIB it comes from (got field {field!r}, oid {oid!r})"
            )
        found.append(IdentityObject(field, oid, mib))
    for key in ("field", "oid"):
        values = [getattr(o, key) for o in found]
        doubles = sorted({v for v in values if values.count(v) > 1})
        if doubles:
            raise IdentityObjectsError(f"{where}: {key} listed twice: {', '.join(doubles)}")
    return tuple(found)


def identity_oids() -> tuple[str, ...]:
    """The instance OIDs the collector asks every agent for."""
    return tuple(o.oid for o in identity_objects())


def identity_fields() -> frozenset[str]:
    """The observation fields these objects are read as."""
    return frozenset(o.field for o in identity_objects())


def identity_values(values: Mapping[str, Value]) -> tuple[IdentityValue, ...]:
    """The identity objects among one agent's values, as text, in table order; an empty or
    non-text value (an agent's placeholder, an integer) says nothing and is left out."""
    found = []
    for item in identity_objects():
        value = values.get(item.oid)
        if isinstance(value, (bytes, str)):
            said = " ".join((text(value) or "").split())[:MAX_VALUE]
            if said:
                found.append(IdentityValue(item.field, said))
    return tuple(found)
