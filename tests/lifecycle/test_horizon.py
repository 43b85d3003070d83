"""The end-of-life horizon: 12, 24 and 36 months, cumulative."""

from __future__ import annotations

import datetime as dt

from builders import AS_OF, device

from legacyscan.lifecycle.horizon import add_months, eol_horizon


def test_add_months_keeps_the_day_or_the_last_of_the_month() -> None:
    assert add_months(dt.date(2026, 11, 23), 12) == dt.date(2027, 11, 23)
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2027, 12, 31), 2) == dt.date(2028, 2, 29)


def test_devices_fall_into_the_first_window_that_holds_their_end() -> None:
    devices = [
        device("127.63.0.1", eol=AS_OF + dt.timedelta(days=100)),
        device("127.63.0.2", eol=AS_OF + dt.timedelta(days=500)),
        device("127.63.0.3", eol=AS_OF + dt.timedelta(days=1000)),
        device("127.63.0.4", eol=AS_OF + dt.timedelta(days=2000)),
        device("127.63.0.5", status="eol", eol=AS_OF - dt.timedelta(days=10)),  # already out
        device("127.63.0.6", status="extended", eol=dt.date(2020, 1, 14),
               extended_end=AS_OF + dt.timedelta(days=40)),  # its paid extension ends
        device("127.63.0.7"),  # no end announced
    ]  # fmt: skip
    horizon = {h.months: h.addresses for h in eol_horizon(devices, AS_OF)}
    assert horizon == {
        12: ("127.63.0.6", "127.63.0.1"),
        24: ("127.63.0.6", "127.63.0.1", "127.63.0.2"),
        36: ("127.63.0.6", "127.63.0.1", "127.63.0.2", "127.63.0.3"),
    }
