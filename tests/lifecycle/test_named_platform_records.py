"""Records for platforms newly named from device text (issue 16): the version strings the
devices print find their cycle, and a cycle without a cited end stays unknown or supported,
never eol by guess."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from legacyscan.lifecycle.database import EolDatabase
from legacyscan.model import Evidence, Identity

AS_OF = dt.date(2026, 12, 7)
# No user overlay: the bundled records alone are under test.
DATABASE = EolDatabase.load(overlay=Path("/nonexistent-legacyscan-overlay"))


def _identity(vendor: str, product: str, version: str | None) -> Identity:
    return Identity(
        kind="os",
        vendor=vendor,
        product=product,
        version=version,
        cpe=None,
        confidence=0.9,
        evidence=(Evidence("test", "snmp.sysDescr", "x", "test"),),
    )


@pytest.mark.parametrize(
    ("vendor", "product", "version", "cycle", "status", "end"),
    [
        # NetBSD as the SNMP rule reads sysDescr ("NetBSD host 8.0 NetBSD 8.0 (GENERIC) ...")
        ("NetBSD", "NetBSD", "8.0", "8", "eol", dt.date(2024, 5, 4)),
        ("NetBSD", "NetBSD", "9.3", "9", "eol", dt.date(2026, 8, 30)),
        ("NetBSD", "NetBSD", "1.6.2", "1", "eol", dt.date(2006, 5, 17)),
        ("NetBSD", "NetBSD", "4.0.1", "4", "eol", dt.date(2012, 11, 17)),
        # 10 is the prior major release, 11 the latest: no end announced
        ("NetBSD", "NetBSD", "10.1", "10", "supported", None),
        ("NetBSD", "NetBSD", "11.0", "11", "supported", None),
        # ScreenOS as a NetScreen's sysDescr prints it ("NetScreen-5GT version 6.2.0r4.0 (SN: ...")
        ("Juniper", "ScreenOS", "6.2.0r5.0", "6.2", "eol", dt.date(2013, 12, 31)),
        ("Juniper", "ScreenOS", "5.4.0r3a.0", "5.4", "eol", dt.date(2013, 12, 31)),
        ("Juniper", "ScreenOS", "6.1.0r7.0", "6.1", "eol", dt.date(2012, 1, 28)),
        # 6.3's end was not read: unknown, and 6.3 is not 6.30
        ("Juniper", "ScreenOS", "6.3.0r17", "6.3", "unknown", None),
        ("Juniper", "ScreenOS", "5.0.0r9.0", None, "unknown", None),
        # HP-UX as uname prints it ("B.11.31" in sysDescr; the rule keeps "11.31")
        ("HPE", "HP-UX", "11.00", "11.00", "eol", dt.date(2006, 12, 31)),
        ("HPE", "HP-UX", "B.10.20", "10.20", "eol", dt.date(2003, 6, 30)),
        ("HPE", "HP-UX", "11.31", "11i v3 (11.31)", "unknown", None),
        ("HPE", "HP-UX", "11.23", "11i v2 (11.23)", "unknown", None),
        # NX-OS trains before 9.2: the version's form tells the platform where the notices differ
        ("Cisco", "NX-OS", "6.0(4)", "6.0 (Nexus 7000)", "eol", dt.date(2018, 8, 31)),
        ("Cisco", "NX-OS", "5.2(1)N1(9)", "5.2 N (Nexus 5000)", "eol", dt.date(2020, 5, 31)),
        (
            "Cisco",
            "NX-OS",
            "4.1(3)N2(1)",
            "4.0/4.1 N (Nexus 5000/2000)",
            "eol",
            dt.date(2017, 9, 30),
        ),
        ("Cisco", "NX-OS", "4.2(8)", "4.2 (Nexus 7000 or MDS 9000)", "eol", dt.date(2017, 7, 31)),
        # no cited date for these trains: unknown, not guessed from a neighbour
        ("Cisco", "NX-OS", "7.3(2)N1(1)", None, "unknown", None),
        ("Cisco", "NX-OS", "6.0(2)N2(7)", None, "unknown", None),
        ("Cisco", "NX-OS", "5.2(1)", None, "unknown", None),
        ("Cisco", "NX-OS", "5.0(4)", None, "unknown", None),
    ],
)
def test_printed_versions_find_their_cycle(
    vendor: str,
    product: str,
    version: str,
    cycle: str | None,
    status: str,
    end: dt.date | None,
) -> None:
    verdict = DATABASE.lifecycle(_identity(vendor, product, version), AS_OF)
    assert verdict.status == status, verdict
    assert verdict.cycle == cycle
    assert verdict.eol_date == end


def test_a_train_whose_platforms_end_apart_is_unknown_in_between() -> None:
    """NX-OS 4.2 ended on the MDS 9000 before the Nexus 7000: between the two ends the
    version alone cannot say, so no verdict is given; after both it is eol."""
    identity = _identity("Cisco", "NX-OS", "4.2(8)")
    assert DATABASE.lifecycle(identity, dt.date(2017, 10, 1)).status == "unknown"
    assert DATABASE.lifecycle(identity, dt.date(2018, 1, 2)).status == "eol"
