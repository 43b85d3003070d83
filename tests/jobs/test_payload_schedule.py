"""Job messages (what they may hold, refused when tampered with) and ``--every`` periods."""

from __future__ import annotations

import pytest

from legacyscan.jobs.payload import JobPayload, PayloadError, queue_name
from legacyscan.jobs.schedule import ScheduleError, describe, next_due, parse_period


def _payload() -> JobPayload:
    return JobPayload(
        site="chu-nord",
        vantage="dc-vlan5",
        profile="clinical-safe",
        targets=("10.20.0.0/24",),
        exclude=("10.20.0.9",),
        snmp_labels=("nord-v3",),
        job_id=12,
    )


def test_a_message_round_trips_and_names_its_queue() -> None:
    payload = _payload()
    assert JobPayload.from_message(payload.to_message()) == payload
    assert payload.queue == "legacyscan.site.chu-nord.dc-vlan5"
    assert queue_name("chu-sud") == "legacyscan.site.chu-sud"


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"site": "CHU Nord!"}, "bad site name"),
        ({"vantage": "../x"}, "bad vantage name"),
        ({"targets": "10.0.0.0/8"}, "targets must be a list"),
        ({"tcp_ports": [0]}, "out of range"),
        ({"max_hosts": True}, "max_hosts"),
        ({"allow_public": "yes"}, "allow_public"),
        ({"snmp_labels": ["bad\nlabel"]}, "credential label"),
        ({"community": "public"}, "unknown keys ['community']"),
        ({"version": 2}, "version 2"),
    ],
)
def test_a_tampered_message_is_refused_in_one_line(change: dict[str, object], why: str) -> None:
    message = {**_payload().to_message(), **change}
    with pytest.raises(PayloadError) as raised:
        JobPayload.from_message(message)
    assert why in str(raised.value) and "\n" not in str(raised.value)


def test_a_message_missing_a_key_is_refused() -> None:
    message = _payload().to_message()
    del message["targets"]
    with pytest.raises(PayloadError, match="missing \\['targets'\\]"):
        JobPayload.from_message(message)


@pytest.mark.parametrize(
    ("text", "seconds"), [("30m", 1800), ("12h", 43200), ("7d", 604800), ("2W", 1209600)]
)
def test_periods(text: str, seconds: int) -> None:
    assert parse_period(text) == seconds
    assert parse_period(describe(seconds)) == seconds


@pytest.mark.parametrize("text", ["7", "7 days", "5m", "400d", "-1d", "1.5h", ""])
def test_bad_periods_are_refused(text: str) -> None:
    with pytest.raises(ScheduleError):
        parse_period(text)


def test_next_due_runs_a_late_schedule_once_and_keeps_its_rhythm() -> None:
    day = 86_400
    assert next_due(1000.0, day, 500.0) == 1000.0  # not due yet
    assert next_due(1000.0, day, 1000.0) == 1000.0 + day
    # Down for three and a half periods: the next one, not three catch-up runs.
    assert next_due(1000.0, day, 1000.0 + 3.5 * day) == 1000.0 + 4 * day
