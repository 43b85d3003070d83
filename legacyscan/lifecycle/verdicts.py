"""A verdict from one record on one date, with the reason in words.

The status is computed for an explicit as-of date so that a verdict is reproducible
whatever the calendar says:

* ``supported``: on or before the end of security support;
* ``extended``: past it, but a paid extension is still on sale;
* ``eol``: past the end of security support and of any paid extension;
* ``unknown``: no record, no version, editions whose ends differ around the as-of date,
  or an upstream version past its end that distributions may still patch
  (``backports``).  Unknown is an honest answer and never shown as supported.

Ends computed from a vendor's support policy (``policy``) say so in the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from legacyscan.lifecycle.policy import Policy, policy_named
from legacyscan.messages import message
from legacyscan.model import (
    EolRecord,
    Lifecycle,
    Message,
)


def apply_policies(
    records: tuple[EolRecord, ...], policies: Mapping[str, Policy]
) -> tuple[EolRecord, ...]:
    """Records whose end comes from a vendor policy get it computed; a record whose vendor
    published its own date keeps it and drops the policy (the published date wins)."""
    out = []
    for record in records:
        where = f"{record.vendor} {record.product} {record.cycle}"
        policy = policy_named(dict(policies), record.policy, "security_end", where)
        if policy is None:
            out.append(record)
        elif record.security_end is not None:
            out.append(replace(record, policy=None))
        else:
            anchor = getattr(record, policy.anchor)
            end = policy.end(anchor) if anchor is not None else None
            out.append(replace(record, security_end=end))
    return tuple(out)


def _by_policy(verdict: Lifecycle, record: EolRecord, policy: Policy) -> Lifecycle:
    """A verdict whose end a vendor policy gave: the reason says so and cites the policy."""
    args: dict[str, Any] = {
        "vendor": policy.vendor,
        "statement": policy.statement,
        "source": policy.source,
    }
    name = f"{record.product} {record.cycle}"
    if record.security_end is None and policy.anchor == "released":
        why = message("lifecycle.policy_no_release", name=name, **args)
    elif record.security_end is None:
        why = message("lifecycle.policy_no_end_of_sale", name=name, **args)
    else:
        why = message("lifecycle.by_policy", reason=verdict.reason, **args)
    return replace(verdict, reason=why, policy=policy.source)


def status_on(record: EolRecord, as_of: dt.date, policy: Policy | None = None) -> Lifecycle:
    """The lifecycle verdict of one record on one date, with the reason in words; with the
    vendor policy its end was computed from (``apply_policies``), the reason cites it."""
    verdict = _status_on(record, as_of)
    return _by_policy(verdict, record, policy) if policy is not None and record.policy else verdict


def _status_on(record: EolRecord, as_of: dt.date) -> Lifecycle:

    def verdict(status: str, reason: Message) -> Lifecycle:
        return Lifecycle(
            status=status,  # type: ignore[arg-type]
            cycle=record.cycle,
            eol_date=record.security_end,
            extended_end=record.extended_end,
            source=record.source,
            checked=record.checked,
            reason=reason,
            end_of_sale=record.end_of_sale,
            support_end=record.support_end,
        )

    end = record.security_end
    if end is None and not record.no_end_announced:
        return verdict(
            "unknown",
            message("lifecycle.no_date", product=record.product, cycle=record.cycle),
        )
    if end is None:
        if record.backports:
            return verdict(
                "unknown",
                message("lifecycle.no_end_backports"),
            )
        return verdict("supported", message("lifecycle.no_end"))
    if as_of <= end:
        return verdict("supported", message("lifecycle.supported_until", end=end))
    latest = record.security_end_latest
    if latest is not None and as_of <= latest:
        return verdict(
            "unknown",
            message("lifecycle.editions_differ", end=end, latest=latest),
        )
    if record.extended_end is not None and as_of <= record.extended_end:
        return verdict(
            "extended",
            message("lifecycle.extended", end=end, extended=record.extended_end),
        )
    if record.backports:
        return verdict(
            "unknown",
            message("lifecycle.backports_ended", end=end),
        )
    return verdict("eol", message("lifecycle.eol", end=end))


def unknown_verdict(why: Message) -> Lifecycle:
    return Lifecycle(status="unknown", reason=why)


def as_texts(names: list[str]) -> list[Message]:
    """Product names (never translated) as a list a sentence joins with "or" or commas."""
    return [message("text", text=name) for name in names]
