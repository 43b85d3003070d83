"""Components without a lifecycle of their own: what their verdict follows.

``fingerprints/eol-components.yaml`` says, as data, three things the records alone cannot:

* a component shipped with an operating system (IIS) follows the OS release seen on the
  same device;
* a package that distributions patch (OpenSSH, httpd, nginx, PHP, OpenSSL, Tomcat) follows
  the distribution when its evidence carries a distribution marker (``Debian-10+deb10u2``,
  ``.el7``, ``(Ubuntu)``) or when the device runs a distribution; otherwise it is judged as
  an upstream build;
* an upstream that fixes only its newest release (OpenSSH) makes an upstream build
  superseded from the day the next release came out (``fingerprints/eol-releases``);
* a vendor whose published policy supports only the newest release beside a few long-term
  tracks (Axis: AXIS OS) makes a version on no such track out of support once a later
  release exists, superseded since its successor's release day when a history dates it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from legacyscan.errors import UserError
from legacyscan.files import load_mapping
from legacyscan.messages import message
from legacyscan.model import Identity, Lifecycle
from legacyscan.paths import fingerprints_dir


class ComponentDataError(UserError, ValueError):
    """The components file or a release history that does not follow the format."""


@dataclass(frozen=True)
class FollowRule:
    """A component (vendor, product) that follows an OS identity of the same device."""

    vendor: str
    product: str
    platform_vendor: str
    platform_product: str  # regex over the OS identity's product name
    source: str
    checked: dt.date
    note: str = ""
    #: the platform decides even where the component has a verdict of its own (FreeBSD
    #: under pfSense or OPNsense, whose vendors ship the base's fixes); without the platform
    #: seen, the component's own verdict stands
    override: bool = False

    def platform_matches(self, identity: Identity) -> bool:
        return identity.vendor == self.platform_vendor and bool(
            re.search(self.platform_product, identity.product)
        )


@dataclass(frozen=True)
class ReleaseHistory:
    """Every release of one product with its date, in version order."""

    vendor: str
    product: str
    source: str
    checked: dt.date
    releases: tuple[tuple[str, dt.date], ...]
    #: whether a build without a distribution marker is judged by this history ("judge"),
    #: or only told its upstream dates because vendors ship it unmarked and patched
    #: ("inform": macOS, Windows and network appliances ship OpenSSH that way)
    judge_unmarked: bool = False

    def knows(self, version: str) -> bool:
        """Whether the history lists a release of this version line."""
        wanted = _line(version)
        return wanted is not None and any(_line(v) == wanted for v, _ in self.releases)

    def successor(self, version: str) -> tuple[str, dt.date] | None:
        """The first release of the next version line after ``version`` ("9.7" -> 9.8p1),
        or ``None`` when ``version`` is on the newest line of the history."""
        wanted = _line(version)
        for name, released in self.releases:
            line = _line(name)
            if wanted is not None and line is not None and line > wanted:
                return name, released
        return None


@dataclass(frozen=True)
class NewestOnlyRule:
    """A vendor's published rule: only the newest release of the product is supported,
    beside the long-term tracks it lists (each a version line, "10.12")."""

    vendor: str
    product: str
    statement: str  # the rule in our words, as the vendor's page states it
    long_term: tuple[str, ...]
    source: str
    checked: dt.date
    #: dated releases, for "superseded since" (None: no release date could be cited)
    history: ReleaseHistory | None = None
    note: str = ""
    #: versions the suite judges by this rule, by what it must say: superseded, long_term,
    #: current
    examples: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def latest(self) -> str | None:
        """The newest release line the rule knows of (a long-term track or a dated release)."""
        releases = self.history.releases if self.history is not None else ()
        names = list(self.long_term) + [version for version, _ in releases]
        lines = [(line, name) for name in names if (line := _line(name)) is not None]
        return max(lines)[1] if lines else None


def _line(version: str) -> tuple[int, ...] | None:
    """The version line, major.minor[.patch] without the portable suffix: "9.7p1" -> (9, 7)."""
    match = re.match(r"(\d+(?:\.\d+)+)", version.strip())
    if not match:
        return None
    parts = tuple(int(n) for n in match.group(1).split("."))
    return parts[:2]


@dataclass(frozen=True)
class Components:
    follow: tuple[FollowRule, ...] = ()
    distribution_products: frozenset[tuple[str, str]] = frozenset()
    markers: tuple[re.Pattern[str], ...] = ()
    distribution_platforms: tuple[tuple[str, str | None], ...] = ()
    histories: dict[tuple[str, str], ReleaseHistory] = field(default_factory=dict)
    newest_only: tuple[NewestOnlyRule, ...] = ()

    @classmethod
    def load(cls, folder: Path | None = None) -> Components:
        folder = folder or fingerprints_dir()
        path = folder / "eol-components.yaml"
        if not path.is_file():
            return cls()
        data = load_mapping(path, ComponentDataError)
        try:
            return cls._parse(data, folder)
        except (KeyError, TypeError, ValueError, re.error) as exc:
            raise ComponentDataError(f"{path}: not a readable components file ({exc})") from exc

    @classmethod
    def _parse(cls, data: dict[str, Any], folder: Path) -> Components:
        follow = tuple(
            FollowRule(
                vendor=str(r["component"]["vendor"]),
                product=str(r["component"]["product"]),
                platform_vendor=str(r["platform"]["vendor"]),
                platform_product=str(r["platform"]["product"]),
                source=str(r["source"]),
                checked=dt.date.fromisoformat(str(r["checked"])),
                note=str(r.get("note", "")),
                override=bool(r.get("override", False)),
            )
            for r in data.get("follow_platform") or ()
        )
        builds = data.get("distribution_builds") or {}
        products = frozenset(
            (str(p["vendor"]), str(p["product"])) for p in builds.get("products") or ()
        )
        markers = tuple(re.compile(str(m)) for m in builds.get("markers") or ())
        platforms = tuple(
            (str(p["vendor"]), None if p.get("product") is None else str(p["product"]))
            for p in builds.get("platforms") or ()
        )
        histories: dict[tuple[str, str], ReleaseHistory] = {}
        for entry in data.get("upstream_releases") or ():
            history = load_history(folder / str(entry["history"]))
            unmarked = str(entry.get("unmarked", "inform"))
            if unmarked not in ("judge", "inform"):
                raise ValueError(f"unmarked must be judge or inform, not {unmarked!r}")
            history = replace(history, judge_unmarked=unmarked == "judge")
            histories[(str(entry["vendor"]), str(entry["product"]))] = history
        newest = tuple(
            NewestOnlyRule(
                vendor=str(r["vendor"]),
                product=str(r["product"]),
                statement=str(r["statement"]),
                long_term=tuple(str(t) for t in r.get("long_term") or ()),
                source=_https(str(r["source"])),
                checked=dt.date.fromisoformat(str(r["checked"])),
                history=load_history(folder / str(r["history"])) if r.get("history") else None,
                note=str(r.get("note", "")),
                examples=tuple(
                    (str(kind), tuple(str(v) for v in versions or ()))
                    for kind, versions in (r.get("examples") or {}).items()
                ),
            )
            for r in data.get("newest_only") or ()
        )
        return cls(follow, products, markers, platforms, histories, newest)

    def newest_only_rule(self, identity: Identity) -> NewestOnlyRule | None:
        key = (identity.vendor, identity.product)
        return next((r for r in self.newest_only if (r.vendor, r.product) == key), None)

    def follow_rule(self, identity: Identity) -> FollowRule | None:
        return next(
            (
                r
                for r in self.follow
                if (r.vendor, r.product) == (identity.vendor, identity.product) and not r.override
            ),
            None,
        )

    def overriding_rules(self, identity: Identity) -> tuple[FollowRule, ...]:
        """The rules under which a platform, when seen, decides this component's verdict."""
        return tuple(
            r
            for r in self.follow
            if r.override and (r.vendor, r.product) == (identity.vendor, identity.product)
        )

    def is_distribution_product(self, identity: Identity) -> bool:
        return (identity.vendor, identity.product) in self.distribution_products

    def marker(self, identity: Identity) -> str | None:
        """The distribution marker found in the identity's evidence, if any."""
        values = [identity.version or ""] + [e.value for e in identity.evidence]
        for value in values:
            for pattern in self.markers:
                found = pattern.search(value)
                if found:
                    # the whole word around the marker ("Debian-10+deb9u7"), for the reason
                    start = value.rfind(" ", 0, found.start()) + 1
                    end = value.find(" ", found.end())
                    return value[start : end if end >= 0 else len(value)]
        return None

    def is_distribution(self, identity: Identity) -> bool:
        return identity.kind == "os" and any(
            identity.vendor == vendor and (product is None or identity.product == product)
            for vendor, product in self.distribution_platforms
        )


def _https(url: str) -> str:
    if not url.startswith("https://"):
        raise ValueError(f"source must be an https:// URL, not {url!r}")
    return url


def history_verdict(
    history: ReleaseHistory, identity: Identity, name: str, as_of: dt.date
) -> Lifecycle | None:
    """An upstream build judged by its release history: superseded from the day the next
    release came out; ``None`` when the history does not know the version."""
    version = identity.version
    if version is None or not history.knows(version):
        return None
    cited = Lifecycle(
        status="unknown", cycle=version, source=history.source, checked=history.checked
    )
    successor = history.successor(version)
    if successor is None:
        why = message("lifecycle.newest_release", component=name, checked=history.checked)
        # after the day the history was read, nothing says whether a newer release came out
        if history.judge_unmarked and as_of <= history.checked:
            return replace(cited, status="supported", reason=why)
        return replace(cited, reason=why)
    following, released = successor
    if not history.judge_unmarked:
        why = message(
            "lifecycle.superseded_vendor_unknown", component=name, following=following, end=released
        )
        return replace(cited, reason=why)
    why = message("lifecycle.superseded", component=name, following=following, end=released)
    if as_of < released:
        return replace(cited, status="supported", eol_date=released, reason=why)
    return replace(cited, status="eol", eol_date=released, reason=why)


def newest_only_verdict(
    rule: NewestOnlyRule, identity: Identity, name: str, as_of: dt.date
) -> Lifecycle | None:
    """A version judged by a vendor's newest-release-only policy, which the reason cites;
    ``None`` without a version to place."""
    line = _line(identity.version or "")
    if line is None:
        return None
    cycle = ".".join(str(n) for n in line)
    cited = Lifecycle(
        status="unknown", cycle=cycle, source=rule.source, checked=rule.checked, policy=rule.source
    )
    said = {"vendor": rule.vendor, "statement": rule.statement, "source": rule.source}
    track = next((t for t in rule.long_term if _line(t) == line), None)
    if track is not None:
        why = message("lifecycle.newest_only_long_term", component=name, track=track, **said)
        return replace(cited, reason=why)
    latest = rule.latest()
    latest_line = _line(latest) if latest is not None else None
    if latest is None or latest_line is None or line >= latest_line:
        why = message(
            "lifecycle.newest_only_current",
            component=name,
            latest=latest or "-",
            checked=rule.checked,
            **said,
        )
        return replace(cited, reason=why)
    # a later release exists and this line is on no long-term track: no more fixes for it;
    # superseded since its successor came out, when a release history dates that day
    if rule.history is not None:
        history = replace(rule.history, judge_unmarked=True)
        dated = history_verdict(history, identity, name, as_of)
        if dated is not None and dated.eol_date is not None:
            why = message("lifecycle.by_newest_only", reason=dated.reason, **said)
            return replace(dated, reason=why, policy=rule.source)
    why = message(
        "lifecycle.newest_only_superseded",
        component=name,
        latest=latest,
        tracks=", ".join(rule.long_term) or "-",
        **said,
    )
    return replace(cited, status="eol", reason=why)


def load_history(path: Path) -> ReleaseHistory:
    data = load_mapping(path, ComponentDataError)
    try:
        releases = tuple(
            (str(r["version"]), dt.date.fromisoformat(str(r["released"]))) for r in data["releases"]
        )
        return ReleaseHistory(
            vendor=str(data["vendor"]),
            product=str(data["product"]),
            source=str(data["source"]),
            checked=dt.date.fromisoformat(str(data["checked"])),
            releases=releases,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ComponentDataError(f"{path}: not a readable release history ({exc})") from exc
