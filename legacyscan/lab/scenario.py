"""Lab scenarios: read a scenario file, or generate a network of any size, as LabDevices.

A scenario (``hospital.yaml``, ``minimal.yaml`` or a user's own file, see docs/lab.md)
lists segments, device *profiles* (what a kind of device announces and really is) and
devices (a profile placed at an address, with its own names).  A device may also carry
everything inline, without a profile.  ``--scale N`` reuses a scenario's profiles and
segments and places N devices with the same mix, on as many /24 blocks as needed.

Everything here is plain data: the SNMP data files are written by ``snmpdata``, the
processes started by ``runner``.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from legacyscan.errors import UserError
from legacyscan.files import load_yaml

SCENARIO_DIR = Path(__file__).resolve().parent
#: Every lab address lives in loopback; a scaled lab spills over into 127.43-127.49.
LAB_NETWORKS = tuple(ipaddress.ip_network(f"127.{n}.0.0/16") for n in range(42, 50))
SNMP_V3_USER = {"user": "legacyscan-lab", "auth": "lab-auth-key-1", "priv": "lab-priv-key-1"}
_DEVICE_KEYS = {"class", "type", "truth", "snmp", "services", "oui", "software", "entity",
                "flows", "role", "switch", "interface", "lldp"}  # fmt: skip


class LabError(UserError, RuntimeError):
    """A lab operation that cannot go on; the message says what to do."""


@dataclass(frozen=True)
class LabSegment:
    name: str
    cidr: str  # the first /24 of the segment (a scaled segment spans more, see blocks)
    vlan: int
    description: str = ""
    #: The VLAN's name as the switches publish it (dot1qVlanStaticName); "" = NAME upper-cased.
    vlan_name: str = ""


@dataclass(frozen=True)
class LabDevice:
    """One simulated device: where it is, what it announces, and what it really is."""

    name: str
    address: str
    segment: str
    truth: dict[str, str]
    snmp: dict[str, str] | None  # the system group; None: no SNMP agent at all
    services: tuple[dict[str, Any], ...]
    mac: str = ""
    #: How its agent is reached: "v2c:<community>" or "v3:<user>"; "" without SNMP.
    snmp_access: str = ""
    #: Data for the SNMP tables (software, entity, flows, switch role...), JSON-safe.
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def community(self) -> str | None:
        return self.snmp_access[4:] if self.snmp_access.startswith("v2c:") else None


@dataclass(frozen=True)
class Scenario:
    name: str
    snmp_port: int
    segments: tuple[LabSegment, ...]
    devices: tuple[LabDevice, ...]


def _in_lab(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return any(ip in net for net in LAB_NETWORKS)


def mac_for(oui: str, address: str) -> str:
    """A stable MAC under the vendor's OUI: the low 3 octets come from the address."""
    digest = hashlib.sha256(address.encode()).digest()
    prefix = oui.replace("-", ":").lower()
    return prefix + "".join(f":{b:02x}" for b in digest[:3])


def _path_of(name_or_path: str) -> Path:
    path = Path(name_or_path)
    if not path.suffix:
        path = SCENARIO_DIR / f"{name_or_path}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml")))
        raise LabError(f"no lab scenario {name_or_path!r} (built-in: {known}; or give a file)")
    return path


def _read(path: Path) -> dict[str, Any]:
    data = load_yaml(path, LabError)
    if not isinstance(data, dict) or not isinstance(data.get("devices"), list):
        raise LabError(f"{path}: a scenario needs a 'devices' list")
    return data


def _segments(data: dict[str, Any], where: str) -> dict[str, LabSegment]:
    segments = {}
    for name, raw in (data.get("segments") or {}).items():
        try:
            cidr = str(ipaddress.ip_network(str(raw["subnet"])))
            segments[name] = LabSegment(
                name,
                cidr,
                int(raw.get("vlan", 1)),
                str(raw.get("description", "")),
                str(raw.get("name", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise LabError(f"{where}: segment {name!r}: needs subnet (and vlan): {exc}") from None
    return segments


def _word(value: Any) -> str:
    """A truth value as text; YAML reads yes/no as booleans."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _access(snmp: dict[str, Any] | None) -> str:
    if not snmp:
        return ""
    if snmp.get("v3"):
        return f"v3:{SNMP_V3_USER['user']}"
    return f"v2c:{snmp.get('community', 'public')}"


def _device(
    raw: dict[str, Any],
    profiles: dict[str, dict[str, Any]],
    segments: dict[str, LabSegment],
    where: str,
) -> LabDevice:
    name = str(raw.get("name", ""))
    if not name:
        raise LabError(f"{where}: every device needs a name")
    merged: dict[str, Any] = {}
    if "profile" in raw:
        if raw["profile"] not in profiles:
            raise LabError(f"{where}: device {name}: no profile {raw['profile']!r}")
        merged.update(profiles[raw["profile"]])
    merged.update({k: v for k, v in raw.items() if k in _DEVICE_KEYS})
    segment = str(raw.get("segment", ""))
    if "address" in raw:
        address = str(raw["address"])
    elif segment in segments and "host" in raw:
        network = ipaddress.ip_network(segments[segment].cidr)
        address = str(network.network_address + int(raw["host"]))
    else:
        raise LabError(f"{where}: device {name}: needs an address, or a segment and a host")
    try:
        if not _in_lab(address):
            raise LabError(f"{where}: device {name}: {address} is outside 127.42.0.0/16")
    except ValueError:
        raise LabError(f"{where}: device {name}: {address!r} is not an address") from None
    snmp = dict(merged.get("snmp") or {}) or None
    system = None
    if snmp is not None:
        system = {k: str(v) for k, v in snmp.items() if k.startswith("sys")}
        for key in ("sysName", "sysLocation", "sysContact"):
            if key in raw:
                system[key] = str(raw[key])
    truth = {k: _word(v) for k, v in (merged.get("truth") or {}).items()}
    for key in ("class", "type"):
        if key in merged:
            truth.setdefault(key, str(merged[key]))
    extra: dict[str, Any] = {k: merged[k] for k in ("software", "entity", "flows", "role", "switch",
                                    "interface", "lldp") if k in merged}  # fmt: skip
    oui = str(merged.get("oui", "02:00:00"))  # 02: locally administered, for inline devices
    return LabDevice(
        name=name,
        address=address,
        segment=segment,
        truth=truth,
        snmp=system,
        services=tuple(dict(s) for s in merged.get("services") or ()),
        mac=str(raw.get("mac") or mac_for(oui, address)),
        snmp_access=_access(snmp),
        extra=extra,
    )


def load(name_or_path: str = "hospital", snmp_port: int | None = None) -> Scenario:
    """Read a built-in scenario by name, or a scenario file by path."""
    path = _path_of(name_or_path)
    data = _read(path)
    segments = _segments(data, path.name)
    profiles = data.get("profiles") or {}
    devices = tuple(_device(raw, profiles, segments, path.name) for raw in data["devices"])
    _check_unique(devices, path.name)
    port = snmp_port if snmp_port is not None else int(data.get("snmp_port", 16100))
    return Scenario(str(data.get("name", path.stem)), port, tuple(segments.values()), devices)


def _check_unique(devices: tuple[LabDevice, ...], where: str) -> None:
    for what, values in (("address", [d.address for d in devices]),
                         ("name", [d.name for d in devices])):  # fmt: skip
        twice = [v for v, n in Counter(values).items() if n > 1]
        if twice:
            raise LabError(f"{where}: {what} used twice: {', '.join(twice[:3])}")


def scaled(base: str, count: int, snmp_port: int | None = None) -> Scenario:
    """``count`` devices with the mix of scenario ``base``: its devices, repeated.

    Copy k of a device keeps its host byte in another /24 block (see _block), so
    addresses never collide.  The switches are not copied: one core switch sees every
    device, as the core of a large site does.
    """
    scenario = load(base, snmp_port)
    if count < 1:
        raise LabError("--scale needs a positive number of devices")
    network = [d for d in scenario.devices if d.extra.get("switch")]
    others = [d for d in scenario.devices if not d.extra.get("switch")]
    devices = list(network)
    seg_index = {s.name: i for i, s in enumerate(scenario.segments)}
    copy = 0
    while len(devices) < count:
        for template in others:
            if len(devices) >= count:
                break
            if copy == 0:
                devices.append(template)
                continue
            address = _block(template.address, seg_index.get(template.segment, 0), copy)
            oui = template.mac[:8]
            system = dict(template.snmp) if template.snmp else None
            if system and "sysName" in system:
                system["sysName"] = f"{system['sysName']}-{copy:03d}"
            devices.append(
                LabDevice(
                    name=f"{template.name}-{copy:03d}",
                    address=address,
                    segment=template.segment,
                    truth=template.truth,
                    snmp=system,
                    services=template.services,
                    mac=mac_for(oui, address),
                    snmp_access=template.snmp_access,
                    extra=template.extra,
                )
            )
        copy += 1
    result = tuple(devices[:count])
    _check_unique(result, f"--scale {count}")
    return Scenario(f"{scenario.name}-x{count}", scenario.snmp_port, scenario.segments, result)


def _block(address: str, segment_index: int, copy: int) -> str:
    """The address of copy ``copy`` of a device: same host byte, another /24 block.

    Copies of segment i live in blocks 127.42+j.(100 + ...) beyond the hand-placed
    segments: block number = copy * 16 + segment_index, 150 blocks per /16 from 100.
    """
    host = int(address.split(".")[-1])
    block = (copy - 1) * 16 + segment_index
    second, third = 42 + block // 150, 100 + block % 150
    if second > 49:
        raise LabError("--scale is too large for the lab's address blocks (127.42-127.49)")
    return f"127.{second}.{third}.{host}"
