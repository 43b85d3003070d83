"""Vendor support policies: an end computed from a rule where the vendor publishes no date.

Some vendors announce a rule instead of a date per product: Aruba ends hardware support
five years after the end of sale, and supports a long-supported ArubaOS release five
years from its first release.  ``fingerprints/eol-policies.yaml`` holds each rule (what
it counts from, how many years, which milestone it gives, the policy page that states
it); a software record (``fingerprints/eol``) or a hardware record
(``fingerprints/eol-hardware``) names the rule with ``policy: <id>`` and carries the date
it counts from.  A date the vendor published for the product itself always wins over the
rule.  A verdict computed from a rule says so in its reason and cites the policy page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from legacyscan.errors import UserError
from legacyscan.files import load_yaml
from legacyscan.paths import fingerprints_dir

#: What a rule may count from (a date the record carries) and the milestone it gives.
ANCHORS = ("released", "end_of_sale")
GIVES = ("security_end", "last_support")
_KEYS = frozenset(
    {"id", "vendor", "statement", "from", "years", "gives", "source", "checked", "note"}
)


class PolicyDataError(UserError, ValueError):
    """A policy file that does not follow the format, or a record naming no known policy."""


@dataclass(frozen=True)
class Policy:
    id: str
    vendor: str
    statement: str  # the rule in words, as the vendor states it
    anchor: str  # "released" | "end_of_sale"
    years: int
    gives: str  # "security_end" | "last_support"
    source: str  # the vendor's policy page
    checked: dt.date
    note: str = ""

    def end(self, anchor: dt.date) -> dt.date:
        """The date the rule gives, counted from the anchor date."""
        try:
            return anchor.replace(year=anchor.year + self.years)
        except ValueError:  # 29 February, in a year that has none
            return anchor.replace(year=anchor.year + self.years, day=28)


def _policy(raw: Any, where: str) -> Policy:
    if not isinstance(raw, dict):
        raise PolicyDataError(f"{where}: not a mapping")
    unknown = set(raw) - _KEYS
    if unknown:
        raise PolicyDataError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    required = ("id", "vendor", "statement", "from", "years", "gives", "source", "checked")
    missing = [k for k in required if raw.get(k) in (None, "")]
    if missing:
        raise PolicyDataError(f"{where}: missing {', '.join(missing)}")
    if raw["from"] not in ANCHORS:
        raise PolicyDataError(f"{where}: from must be one of {', '.join(ANCHORS)}")
    if raw["gives"] not in GIVES:
        raise PolicyDataError(f"{where}: gives must be one of {', '.join(GIVES)}")
    years = raw["years"]
    if not isinstance(years, int) or isinstance(years, bool) or not 0 < years <= 30:
        raise PolicyDataError(f"{where}: years must be a whole number of years, 1 to 30")
    if not str(raw["source"]).startswith("https://"):
        raise PolicyDataError(f"{where}: source must be an https:// URL")
    checked = raw["checked"]
    if not isinstance(checked, dt.date):
        try:
            checked = dt.date.fromisoformat(str(checked))
        except ValueError as exc:
            raise PolicyDataError(f"{where}: checked is not a YYYY-MM-DD date") from exc
    return Policy(
        id=str(raw["id"]),
        vendor=str(raw["vendor"]),
        statement=str(raw["statement"]),
        anchor=str(raw["from"]),
        years=years,
        gives=str(raw["gives"]),
        source=str(raw["source"]),
        checked=checked,
        note=str(raw.get("note", "")),
    )


def load_policies(path: Path | None = None) -> dict[str, Policy]:
    """Every policy of the file, by id; an absent file is no policy."""
    path = path or fingerprints_dir() / "eol-policies.yaml"
    if not path.is_file():
        return {}
    data = load_yaml(path, PolicyDataError, empty={})
    raws = data.get("policies") if isinstance(data, dict) else None
    if not isinstance(raws, list):
        raise PolicyDataError(f"{path}: expected a mapping with a 'policies' list")
    policies: dict[str, Policy] = {}
    for index, raw in enumerate(raws):
        policy = _policy(raw, f"{path.name} policy {index + 1}")
        if policy.id in policies:
            raise PolicyDataError(f"{path.name} policy {index + 1}: id {policy.id!r} twice")
        policies[policy.id] = policy
    return policies


def policy_named(
    policies: dict[str, Policy], name: str | None, gives: str, where: str
) -> Policy | None:
    """The policy a record names, checked to give the milestone that kind of record needs."""
    if name is None:
        return None
    policy = policies.get(name)
    if policy is None:
        known = ", ".join(sorted(policies)) or "none"
        raise PolicyDataError(f"{where}: policy {name!r} is not in eol-policies.yaml ({known})")
    if policy.gives != gives:
        raise PolicyDataError(f"{where}: policy {name!r} gives {policy.gives}, not {gives}")
    return policy
