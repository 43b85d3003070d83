"""The end-of-life horizon: 12, 24 and 36 months, cumulative."""

from __future__ import annotations

import datetime as dt

from builders import AS_OF, device

from legacyscan.lifecycle.horizon import add_months, eol_horizon
from legacyscan.model import AssessedDevice, AssessedIdentity, Identity, Lifecycle


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


def _switch(address: str) -> AssessedDevice:
    """A switch whose OS has an end of sale, of vendor support and of security support,
    on hardware with its own end of sale and last date of support."""
    from dataclasses import replace

    base = device(address, device_class="network")
    os_item = base.identities[0]
    os_life = Lifecycle(
        status="supported",
        eol_date=AS_OF + dt.timedelta(days=900),
        end_of_sale=AS_OF + dt.timedelta(days=30),
        support_end=AS_OF + dt.timedelta(days=300),
    )
    hardware = Identity("hardware", "Test", "Switch 48", "SW-48", None, 0.9, ())
    hw_life = Lifecycle(
        status="supported",
        eol_date=AS_OF + dt.timedelta(days=600),
        last_support=AS_OF + dt.timedelta(days=600),
        end_of_sale=AS_OF - dt.timedelta(days=800),  # past: not on the horizon
    )
    return replace(
        base,
        identities=(
            AssessedIdentity(os_item.identity, os_life),
            AssessedIdentity(hardware, hw_life),
        ),
    )


def test_every_budget_date_is_on_the_horizon_and_support_ends_at_the_earliest_loss() -> None:
    pc = device("127.63.1.2", status="extended", eol=dt.date(2025, 10, 14),
                extended_end=AS_OF + dt.timedelta(days=200))  # fmt: skip
    horizon = {h.months: h for h in eol_horizon([_switch("127.63.1.1"), pc], AS_OF)}
    events = [(e.address, e.milestone, e.product) for e in horizon[36].events]
    assert events == [
        ("127.63.1.1", "end_of_sale", "Test OS of 127.63.1.1 1"),
        ("127.63.1.2", "extended_end", "Test OS of 127.63.1.2 1"),
        ("127.63.1.1", "support_end", "Test OS of 127.63.1.1 1"),
        # the hardware's last date of support, once (it is also its end of security fixes)
        ("127.63.1.1", "last_support", "Test Switch 48 SW-48"),
        ("127.63.1.1", "security_end", "Test OS of 127.63.1.1 1"),
    ]
    # end of sale and of mainstream support are dates to plan for, not a loss of fixes:
    # the switch leaves support on its hardware's last date (day 600), in the second window
    assert horizon[12].addresses == ("127.63.1.2",)
    assert [e.milestone for e in horizon[12].events] == [
        "end_of_sale",
        "extended_end",
        "support_end",
    ]
    assert horizon[24].addresses == ("127.63.1.2", "127.63.1.1")
