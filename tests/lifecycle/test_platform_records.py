"""The platform records (FreeBSD, MikroTik RouterOS, NetApp ONTAP, Solaris, NetBSD, ScreenOS,
HP-UX, NX-OS before 9.2) and the server software taken off the gap list (MySQL, Exim,
Postfix, OPNsense, Windows 8) answer the version strings devices and banners really print,
and say unknown where no date is cited, never eol by guess."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from builders import seen

from legacyscan.lifecycle.database import EolDatabase
from legacyscan.messages import plain
from legacyscan.model import Host, IdentifiedDevice, Identity

AS_OF = dt.date(2026, 12, 3)
# No user overlay: the bundled records alone are under test.
DATABASE = EolDatabase.load(overlay=Path("/nonexistent-legacyscan-overlay"))


def _identity(vendor: str, product: str, version: str | None, cpe: str | None = None) -> Identity:
    return replace(seen("os", vendor, product, version), cpe=cpe)


@pytest.mark.parametrize(
    ("vendor", "product", "version", "cycle", "status", "end"),
    [
        # FreeBSD as uname / sysDescr print it ("FreeBSD host 9.2-RELEASE FreeBSD 9.2-RELEASE #0").
        ("FreeBSD", "FreeBSD", "9.2-RELEASE", "9.2", "eol", dt.date(2014, 12, 31)),
        ("FreeBSD", "FreeBSD", "12.0-RELEASE-p10", "12.0", "eol", dt.date(2020, 2, 29)),
        ("FreeBSD", "FreeBSD", "4.11", "4.11", "eol", dt.date(2007, 1, 31)),
        ("FreeBSD", "FreeBSD", "9", "9 (stable/9 branch)", "eol", dt.date(2016, 12, 31)),
        ("FreeBSD", "FreeBSD", "14", "14 (stable/14 branch)", "supported", dt.date(2028, 11, 30)),
        # RouterOS: "RouterOS 6.44.2", "6.40.9 (long-term)"; 6.4 is not 6.44.
        ("MikroTik", "RouterOS", "6.44.2", "6.44 (long-term)", "eol", dt.date(2019, 10, 24)),
        ("MikroTik", "RouterOS", "6.4", "6.4", "eol", dt.date(2013, 9, 12)),
        (
            "MikroTik",
            "RouterOS",
            "6.40.9 (long-term)",
            "6.40 (long-term)",
            "eol",
            dt.date(2018, 8, 20),
        ),
        ("MikroTik", "RouterOS", "3.30", "3.x", "eol", dt.date(2009, 9, 11)),
        ("MikroTik", "RouterOS", "6.49.10", "6.49 (long-term)", "unknown", None),
        ("MikroTik", "RouterOS", "7.21.3", "7.21 (long-term)", "unknown", None),
        # ONTAP: "NetApp Release 9.8P3" gives 9.8 (not recorded); 9.1x lines are not 9.1.
        ("NetApp", "ONTAP", "9.12.1P5", "9.12.1", "eol", dt.date(2026, 2, 28)),
        ("NetApp", "ONTAP", "9.15.1", "9.15.1", "supported", dt.date(2027, 7, 31)),
        ("NetApp", "ONTAP", "8.1RC2", None, "unknown", None),
        ("NetApp", "ONTAP", "9.1P20", None, "unknown", None),
        # Solaris by its own number or by SunOS's.
        ("Oracle", "Solaris", "5.10", "10", "extended", dt.date(2018, 1, 1)),
        ("Oracle", "Solaris", "10", "10", "extended", dt.date(2018, 1, 1)),
        ("Oracle", "Solaris", "5.8", "8", "eol", dt.date(2009, 3, 1)),
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


def test_a_cpe_alone_finds_the_freebsd_record() -> None:
    """An identity named elsewhere (nmap's CPE) is judged by the FreeBSD records."""
    identity = _identity("Acme", "Unnamed BSD", "10.1", cpe="cpe:/o:freebsd:freebsd:10.1")
    verdict = DATABASE.lifecycle(identity, AS_OF)
    assert verdict.status == "eol"
    assert verdict.eol_date == dt.date(2016, 12, 31)


def _device(*identities: Identity) -> IdentifiedDevice:
    return IdentifiedDevice(
        host=Host(address="127.0.0.1"),
        identities=identities,
        device_class="server",
        device_type=None,
        class_confidence=0.9,
    )


def test_mysql_and_exim_builds_follow_upstream_or_their_distribution() -> None:
    # an upstream MySQL 5.5 (Oracle's Extended Support ended 2018-12-31) is eol
    upstream = seen("application", "Oracle", "MySQL", "5.5.30", "5.5.30")
    verdict = DATABASE.assess(_device(upstream), AS_OF).identities[0].lifecycle
    assert verdict.status == "eol" and verdict.eol_date == dt.date(2018, 12, 31)
    # the same series built by Ubuntu follows Ubuntu (here: no Ubuntu release seen, unknown)
    ubuntu = seen("application", "Oracle", "MySQL", "5.5.60", "5.5.60-0ubuntu0.14.04.1")
    assert DATABASE.assess(_device(ubuntu), AS_OF).identities[0].lifecycle.status == "unknown"
    # without a device view, the record alone says unknown: distributions patch MySQL
    assert DATABASE.lifecycle(upstream, AS_OF).status == "unknown"
    # Exim fixes only its newest release: 4.92 was superseded by 4.93 on 2019-12-08
    exim = seen("application", "Exim", "Exim", "4.92", "ESMTP Exim 4.92 #3")
    verdict = DATABASE.assess(_device(exim), AS_OF).identities[0].lifecycle
    assert verdict.status == "eol" and verdict.eol_date == dt.date(2019, 12, 8)


@pytest.mark.parametrize(
    ("vendor", "product", "version", "status", "end"),
    [
        ("Deciso", "OPNsense", "18.1.1", "eol", dt.date(2018, 7, 29)),
        ("Microsoft", "Windows 8", "6.2.9200", "eol", dt.date(2016, 1, 12)),
        ("Postfix", "Postfix", "3.1.4", "unknown", dt.date(2020, 3, 15)),
    ],
)
def test_products_off_the_gap_list_have_their_dates(
    vendor: str, product: str, version: str, status: str, end: dt.date
) -> None:
    verdict = DATABASE.lifecycle(_identity(vendor, product, version), AS_OF)
    assert verdict.status == status
    assert verdict.eol_date == end


def test_the_freebsd_base_of_an_appliance_follows_the_appliance() -> None:
    text = "OPNsense fw.example 26.7.2-abc OPNsense FreeBSD 14.3-RELEASE-p1 amd64"
    current = seen("os", "Deciso", "OPNsense", "26.7.2", text)
    base = seen("os", "FreeBSD", "FreeBSD", "14.3", text)
    # FreeBSD 14.3 alone ended 2026-06-30 ...
    assert DATABASE.lifecycle(base, AS_OF).status == "eol"
    # ... but under OPNsense, whose releases carry the base's fixes, OPNsense decides
    # (26.7 is the current series, no end announced yet: not called eol)
    assessed = DATABASE.assess(_device(current, base), AS_OF)
    followed = assessed.identities[1].lifecycle
    assert followed.status == assessed.identities[0].lifecycle.status != "eol"
    assert "OPNsense" in plain(followed.reason)
    # an old OPNsense is eol, and its base with it
    old = seen("os", "Deciso", "OPNsense", "17.1.6", text)
    assert DATABASE.assess(_device(old, base), AS_OF).worst_status == "eol"
    # pfSense has no record: its base is unknown with it, not eol by FreeBSD's own end
    pfsense = seen("os", "Netgate", "pfSense", "2.7.2", "pfSense 2.7.2 FreeBSD 14.0")
    base14 = seen("os", "FreeBSD", "FreeBSD", "14.0", "pfSense 2.7.2 FreeBSD 14.0")
    assert DATABASE.assess(_device(pfsense, base14), AS_OF).worst_status == "unknown"


def test_a_train_whose_platforms_end_apart_is_unknown_in_between() -> None:
    """NX-OS 4.2 ended on the MDS 9000 before the Nexus 7000: between the two ends the
    version alone cannot say, so no verdict is given; after both it is eol."""
    identity = _identity("Cisco", "NX-OS", "4.2(8)")
    assert DATABASE.lifecycle(identity, dt.date(2017, 10, 1)).status == "unknown"
    assert DATABASE.lifecycle(identity, dt.date(2018, 1, 2)).status == "eol"
