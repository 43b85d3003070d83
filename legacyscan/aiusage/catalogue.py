"""The catalogue of outside AI services (``fingerprints/ai-services.yaml``), the hospital's
policy (``--policy FILE``), and the matcher that tells a log's host which service it is.

Matching is two dictionary look-ups per label of the host, never a regex per entry: an
exact host first, then the host itself and each of its parent domains, longest first,
in the suffix map (``a.b.chatgpt.com`` tries ``a.b.chatgpt.com``, ``b.chatgpt.com``,
``chatgpt.com``).  The caller caches the answer per host: a month of logs names a few
thousand hosts among millions of lines.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from legacyscan.errors import UserError
from legacyscan.files import load_mapping
from legacyscan.model.aiusage import AI_KINDS, AiService, CatalogueInfo
from legacyscan.paths import fingerprints_dir

#: A DNS name as a log can carry it once lowered: letters, digits, hyphens, underscores
#: (seen in real service names), dots between labels of at most 63 characters.
_HOSTNAME = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*"
                       r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")  # fmt: skip
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
#: The matcher's answer for a host that ends in a service's domain but is no DNS name.
INVALID = -2
NO_MATCH = -1


class CatalogueError(UserError):
    """An AI-service catalogue or policy file we cannot use."""


def normal_host(text: str) -> str:
    return text.strip().lower().rstrip(".")


def valid_host(host: str) -> bool:
    return _HOSTNAME.match(host) is not None


@dataclass(frozen=True)
class CatalogueEntry:
    service: AiService
    exact: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()
    match_examples: tuple[str, ...] = ()
    no_match_examples: tuple[str, ...] = ()


def _names(raw: Any, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise CatalogueError(f"{where}: expected a list of host names")
    hosts = tuple(normal_host(x) for x in raw)
    for host in hosts:
        if not valid_host(host):
            raise CatalogueError(f"{where}: {host[:60]!r} is not a host name")
    return hosts


def _entry(raw: Any, where: str, origin: str) -> CatalogueEntry:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where}: expected a mapping")
    ident = str(raw.get("id", ""))
    if not _ID.match(ident):
        raise CatalogueError(f"{where}: 'id' must be lower-case letters, digits and hyphens")
    kind = str(raw.get("kind", ""))
    if kind not in AI_KINDS:
        raise CatalogueError(f"{where} ({ident}): 'kind' must be one of {', '.join(AI_KINDS)}")
    exact = _names(raw.get("exact"), f"{where} ({ident}) exact")
    suffixes = _names(raw.get("suffixes"), f"{where} ({ident}) suffixes")
    if not exact and not suffixes:
        raise CatalogueError(f"{where} ({ident}): give 'exact' hosts or 'suffixes'")
    source = str(raw.get("source") or "")
    if origin == "catalogue" and (not source.startswith("https://") or not raw.get("checked")):
        raise CatalogueError(f"{where} ({ident}): every entry cites a 'source' URL and 'checked'")
    examples = raw.get("examples") or {}
    if not isinstance(examples, dict):
        raise CatalogueError(f"{where} ({ident}): 'examples' must be a mapping")
    country = raw.get("country")
    service = AiService(
        id=ident,
        name=str(raw.get("name") or ident),
        provider=str(raw.get("provider") or ""),
        kind=kind,
        country=None if country is None else str(country),
        source=source,
        checked=str(raw.get("checked") or ""),
        origin=origin,
    )
    return CatalogueEntry(
        service,
        exact,
        suffixes,
        _names(examples.get("match"), f"{where} ({ident}) examples"),
        _names(examples.get("no_match"), f"{where} ({ident}) examples"),
    )


def _entries(raw: Any, where: str, origin: str) -> list[CatalogueEntry]:
    if not isinstance(raw, list):
        raise CatalogueError(f"{where}: expected a 'services:' list")
    return [_entry(item, f"{where}: service {n}", origin) for n, item in enumerate(raw, 1)]


@dataclass(frozen=True)
class Catalogue:
    """Services in order, and the two maps from host to the index of a service."""

    entries: tuple[CatalogueEntry, ...]
    version: str
    digest: str
    exact: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    suffixes: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, entries: list[CatalogueEntry], version: str, digest: str) -> Catalogue:
        exact: dict[str, int] = {}
        suffixes: dict[str, int] = {}
        seen: set[str] = set()
        for index, entry in enumerate(entries):
            if entry.service.id in seen:
                raise CatalogueError(f"AI service {entry.service.id!r} is listed twice")
            seen.add(entry.service.id)
            for table, hosts in ((exact, entry.exact), (suffixes, entry.suffixes)):
                for host in hosts:
                    if host in table and table[host] != index:
                        other = entries[table[host]].service.id
                        raise CatalogueError(
                            f"{host!r} belongs to both {other!r} and {entry.service.id!r}"
                        )
                    table[host] = index
        return cls(tuple(entries), version, digest, exact, suffixes)

    @property
    def services(self) -> tuple[AiService, ...]:
        return tuple(e.service for e in self.entries)

    @property
    def info(self) -> CatalogueInfo:
        return CatalogueInfo(self.version, self.digest, len(self.entries))

    def match(self, host: str) -> int:
        """The index of ``host``'s service (already lower-cased), NO_MATCH or INVALID."""
        found = self.exact.get(host)
        if found is None:
            suffixes = self.suffixes
            found = suffixes.get(host)
            dot = host.find(".")
            while found is None and dot >= 0:
                host_tail = host[dot + 1 :]
                found = suffixes.get(host_tail)
                dot = host.find(".", dot + 1)
        if found is None:
            return NO_MATCH
        return found if valid_host(host) else INVALID


def catalogue_path() -> Path:
    return fingerprints_dir() / "ai-services.yaml"


def load_catalogue(path: Path | None = None, policy: Policy | None = None) -> Catalogue:
    """The shipped catalogue (or ``path``), with the policy's own services and approvals."""
    path = path or catalogue_path()
    data = load_mapping(path, CatalogueError)
    entries = _entries(data.get("services"), str(path.name), "catalogue")
    digest = hashlib.sha256(path.read_bytes())
    if policy is not None:
        digest.update(policy.digest.encode())
        entries += list(policy.services)
        known = {e.service.id for e in entries}
        unknown = sorted(set(policy.approved) - known)
        if unknown:
            raise CatalogueError(
                f"{policy.source}: approved service(s) not in the catalogue or the policy: "
                + ", ".join(repr(u[:40]) for u in unknown[:5])
            )
        entries = [
            replace(e, service=replace(e.service, approved=e.service.id in policy.approved))
            for e in entries
        ]
    return Catalogue.build(entries, str(data.get("version") or ""), digest.hexdigest()[:16])


@dataclass(frozen=True)
class Policy:
    """The hospital's approved services, and its own (on-premises, contracted) ones."""

    approved: frozenset[str]
    services: tuple[CatalogueEntry, ...] = ()
    source: str = ""
    digest: str = ""

    @classmethod
    def load(cls, path: Path) -> Policy:
        data = load_mapping(path, CatalogueError)
        approved = data.get("approved") or []
        if not isinstance(approved, list) or not all(isinstance(a, str) for a in approved):
            raise CatalogueError(f"{path}: 'approved' must be a list of service ids")
        unknown_keys = sorted(set(data) - {"approved", "services"})
        if unknown_keys:
            raise CatalogueError(f"{path}: unknown key {unknown_keys[0][:40]!r}")
        services = (
            tuple(_entries(data["services"], str(path.name), "policy"))
            if data.get("services") is not None
            else ()
        )
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        return cls(frozenset(approved), services, path.name, digest)
