"""What-if: proposed changes recomputed through the same topology and risk code.

A changes file (YAML) lists what a proposal would do::

    changes:
      - isolate_segment: rea-biomed          # no traffic in or out of the segment
      - acl: {from: offices, to: imaging}    # block one direction (both_ways: true for two)
      - isolate: 10.20.30.41                 # the device alone in a VLAN behind an ACL
      - replace: 10.20.30.42                 # a supported device in its place
      - upgrade: 10.20.30.43                 # supported OS/firmware on the same device
      - decommission: 10.20.30.44            # the device is gone

``whatif`` returns the assessment before and after, so that a report can show both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from legacyscan.errors import UserError
from legacyscan.files import load_yaml
from legacyscan.messages import message
from legacyscan.model import (
    PLAN_ACTIONS,
    AssessedDevice,
    AssessedIdentity,
    Assessment,
    Lifecycle,
    Message,
)
from legacyscan.risk.evaluate import Context, evaluate
from legacyscan.topology.network import Policy

DEVICE_ACTIONS = PLAN_ACTIONS
SEGMENT_ACTIONS = ("isolate_segment", "acl")


class WhatIfError(UserError, ValueError):
    """A changes file we cannot apply."""


@dataclass(frozen=True)
class Change:
    action: str  # one of DEVICE_ACTIONS or SEGMENT_ACTIONS
    target: str  # device address, or segment name (acl: the source segment)
    to: str = ""  # acl: the destination segment
    both_ways: bool = False

    def describe(self) -> str:
        if self.action == "acl":
            arrow = "<->" if self.both_ways else "->"
            return f"ACL blocking {self.target} {arrow} {self.to}"
        return f"{self.action.replace('_', ' ')} {self.target}"


@dataclass(frozen=True)
class WhatIf:
    changes: tuple[Change, ...]
    before: Assessment
    after: Assessment


def parse_changes(raw: Any, where: str = "changes") -> tuple[Change, ...]:
    items = raw.get("changes") if isinstance(raw, dict) else None
    if not isinstance(items, list) or not items:
        raise WhatIfError(f"{where}: expected a non-empty 'changes:' list")
    changes = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict) or len(item) != 1:
            raise WhatIfError(f"{where}: change {number} must be one 'action: target' pair")
        ((action, value),) = item.items()
        if action in (*DEVICE_ACTIONS, "isolate_segment") and isinstance(value, str | int):
            changes.append(Change(str(action), str(value)))
        elif action == "acl" and isinstance(value, dict) and {"from", "to"} <= set(value):
            changes.append(
                Change("acl", str(value["from"]), str(value["to"]), bool(value.get("both_ways")))
            )
        else:
            known = ", ".join((*DEVICE_ACTIONS, *SEGMENT_ACTIONS))
            raise WhatIfError(
                f"{where}: change {number}: {action!r} with {value!r} is not understood "
                f"(known: {known}; acl takes {{from: SEGMENT, to: SEGMENT}})"
            )
    return tuple(changes)


def load_changes(path: Path) -> tuple[Change, ...]:
    return parse_changes(load_yaml(path, WhatIfError), str(path))


def supported_again(device: AssessedDevice, why: Message) -> AssessedDevice:
    """The device as it would be after a replacement or an upgrade: every identity supported."""
    identities = tuple(
        AssessedIdentity(item.identity, Lifecycle(status="supported", reason=why))
        for item in device.identities
    )
    return replace(device, identities=identities)


def apply(
    devices: Sequence[AssessedDevice],
    context: Context,
    changes: Iterable[Change],
    segments: Iterable[str] = (),
) -> tuple[tuple[AssessedDevice, ...], Context]:
    """The devices and context after the changes; unknown targets are a WhatIfError."""
    by_address = {d.address: d for d in devices}
    known_segments = set(segments)
    policy = context.policy
    gone: set[str] = set()
    isolated = set(policy.isolated_devices)
    isolated_segments = set(policy.isolated_segments)
    blocked = set(policy.blocked)
    for change in changes:
        if change.action in DEVICE_ACTIONS:
            if change.target not in by_address:
                raise WhatIfError(f"{change.describe()}: no device has that address")
            if change.action in ("replace", "upgrade"):
                why = (
                    message("lifecycle.whatif_replace")
                    if change.action == "replace"
                    else message("lifecycle.whatif_upgrade")
                )
                by_address[change.target] = supported_again(by_address[change.target], why)
            elif change.action == "isolate":
                isolated.add(change.target)
            else:
                gone.add(change.target)
            continue
        for name in (change.target, change.to) if change.action == "acl" else (change.target,):
            if known_segments and name not in known_segments:
                raise WhatIfError(f"{change.describe()}: no segment is named {name!r}")
        if change.action == "isolate_segment":
            isolated_segments.add(change.target)
        else:
            blocked.add((change.target, change.to))
            if change.both_ways:
                blocked.add((change.to, change.target))
    policy = Policy(frozenset(blocked), frozenset(isolated_segments), frozenset(isolated))
    kept = tuple(d for a, d in by_address.items() if a not in gone)
    return kept, replace(context, policy=policy)


def whatif(before: Assessment, changes: Sequence[Change], context: Context | None = None) -> WhatIf:
    """The assessment after ``changes``, computed by the same code as ``before``."""
    context = context or Context()
    segments = [s.name for s in before.topology.segments]
    devices, changed = apply(before.devices, context, changes, segments)
    return WhatIf(tuple(changes), before, evaluate(devices, before.meta, changed))


def total_risk(assessment: Assessment) -> float:
    """The sum of the device scores: what a plan or a proposal tries to lower."""
    return float(sum(r.score for r in assessment.risks))
