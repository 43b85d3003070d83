"""The user's segment mapping file (``--segments FILE``): CIDR -> segment name, site and
zone type, checked as it is read; the first source the topology stage asks."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from netaddr import AddrFormatError, IPAddress, IPNetwork

from legacyscan.errors import UserError
from legacyscan.files import load_yaml


class SegmentMapError(UserError, ValueError):
    """A segment mapping file we cannot use."""


@dataclass(frozen=True)
class MappedSegment:
    cidr: str
    name: str
    site: str = ""
    zone: str = ""


@dataclass(frozen=True)
class SegmentMap:
    """The user's mapping of CIDRs to named segments (most specific CIDR wins)."""

    entries: tuple[MappedSegment, ...]
    source: str = ""
    _networks: tuple[tuple[IPNetwork, MappedSegment], ...] = field(
        default=(), repr=False, compare=False
    )

    def __post_init__(self) -> None:
        ordered = sorted(
            ((IPNetwork(e.cidr), e) for e in self.entries), key=lambda item: -item[0].prefixlen
        )
        object.__setattr__(self, "_networks", tuple(ordered))

    @classmethod
    def load(cls, path: Path) -> SegmentMap:
        return cls.from_data(load_yaml(path, SegmentMapError), str(path))

    @classmethod
    def from_data(cls, raw: Any, where: str = "segment map") -> SegmentMap:
        items = raw.get("segments") if isinstance(raw, dict) else None
        if not isinstance(items, list):
            raise SegmentMapError(f"{where}: expected a 'segments:' list of {{cidr, name}}")
        entries = []
        for number, item in enumerate(items, 1):
            if not isinstance(item, dict) or "cidr" not in item or "name" not in item:
                raise SegmentMapError(f"{where}: segment {number} needs 'cidr' and 'name'")
            try:
                cidr = str(IPNetwork(str(item["cidr"])).cidr)
            except (AddrFormatError, ValueError) as exc:
                raise SegmentMapError(
                    f"{where}: segment {number}: {item['cidr']!r} is not a CIDR"
                ) from exc
            entries.append(
                MappedSegment(
                    cidr=cidr,
                    name=str(item["name"]),
                    site=str(item.get("site") or ""),
                    zone=str(item.get("zone") or ""),
                )
            )
        return cls(tuple(entries), where)

    def to_data(self) -> dict[str, Any]:
        return {"segments": [asdict(e) for e in self.entries]}

    def find(self, address: IPAddress) -> MappedSegment | None:
        for network, entry in self._networks:
            if network.version == address.version and address in network:
                return entry
        return None
