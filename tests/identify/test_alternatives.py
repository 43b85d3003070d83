"""One observation, several products: a kernel shared by RHEL and its rebuilds never yields
a verdict that holds for only one of them; other evidence of the device narrows it."""

from __future__ import annotations

import datetime as dt

import pytest

from legacyscan.identify.engine import Identifier
from legacyscan.lifecycle.database import EolDatabase
from legacyscan.messages import plain
from legacyscan.model import Alternative, Evidence, Host, Identity, Service, SnmpSystem

EL7 = "Linux ehr-db 3.10.0-1160.el7.x86_64 #1 SMP Tue Aug 18 14:50:17 EDT 2020 x86_64"
EL8 = "Linux lab-srv 4.18.0-513.5.1.el8_9.x86_64 #1 SMP Fri Sep 29 05:21:10 EDT 2023 x86_64"
EL9 = (
    "Linux app 5.14.0-362.13.1.el9_3.x86_64 #1 SMP PREEMPT_DYNAMIC "
    "Wed Dec 13 14:07:45 EST 2023 x86_64"
)
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def identifier() -> Identifier:
    return Identifier()


@pytest.fixture(scope="module")
def eol() -> EolDatabase:
    return EolDatabase.load()


def _host(descr: str, server_header: str | None = None) -> Host:
    services: tuple[Service, ...] = ()
    if server_header:
        services = (
            Service(80, "tcp", "open", "http", scripts=(("http-server-header", server_header),)),
        )
    return Host(address="127.42.9.9", snmp=SnmpSystem(descr=descr), services=services)


def _os(identifier: Identifier, host: Host) -> Identity:
    (found,) = [i for i in identifier.identify(host).identities if i.kind == "os"]
    return found


def test_an_el8_kernel_alone_is_never_called_supported(
    identifier: Identifier, eol: EolDatabase
) -> None:
    found = _os(identifier, _host(EL8))
    assert (found.vendor, found.product, found.version) == ("Red Hat", "Enterprise Linux", "8")
    assert {(a.product, a.version) for a in found.alternatives} == {
        ("CentOS Linux", "8"),
        ("CentOS Stream", "8"),
    }
    verdict = eol.lifecycle(found, TODAY)
    assert verdict.status == "unknown"
    assert "CentOS Linux 8: eol" in plain(verdict.reason) and "supported" in plain(verdict.reason)
    assert verdict.source  # the verdict still cites where its dates come from
    # in 2023 RHEL 8 and CentOS Stream 8 were supported, CentOS Linux 8 was not
    assert eol.lifecycle(found, dt.date(2023, 1, 1)).status == "unknown"


def test_candidates_that_agree_give_their_common_verdict(
    identifier: Identifier, eol: EolDatabase
) -> None:
    el9 = _os(identifier, _host(EL9))
    assert eol.lifecycle(el9, TODAY).status == "supported"  # RHEL 9 and CentOS Stream 9
    el7 = _os(identifier, _host(EL7))
    assert eol.lifecycle(el7, dt.date(2022, 6, 1)).status == "supported"
    # 2026: RHEL 7 only has a paid extension, CentOS Linux 7 nothing: not supported either way
    later = eol.lifecycle(el7, TODAY)
    assert later.status == "eol" and "paid extension" in plain(later.reason)


def test_a_centos_server_header_settles_an_el7_kernel(
    identifier: Identifier, eol: EolDatabase
) -> None:
    found = _os(identifier, _host(EL7, "Apache/2.4.6 (CentOS) OpenSSL/1.0.2k-fips PHP/5.4.16"))
    assert (found.vendor, found.product, found.version) == ("CentOS", "CentOS Linux", "7")
    assert found.alternatives == ()
    # the header itself, and nmap's reading of it (identify/probes.py) when nmap is installed
    assert {e.field for e in found.evidence} - {"nmap.service"} == {"snmp.sysDescr", "http.server"}
    assert eol.lifecycle(found, TODAY).status == "eol"


def test_a_centos_header_on_el8_leaves_linux_or_stream(
    identifier: Identifier, eol: EolDatabase
) -> None:
    found = _os(identifier, _host(EL8, "Apache/2.4.37 (centos)"))
    assert (found.product, found.version) == ("CentOS Linux", "8")
    assert [(a.product, a.version) for a in found.alternatives] == [("CentOS Stream", "8")]
    assert eol.lifecycle(found, TODAY).status == "eol"  # both ended
    assert eol.lifecycle(found, dt.date(2023, 1, 1)).status == "unknown"  # only Stream ran


def test_a_red_hat_header_settles_it_as_rhel(identifier: Identifier, eol: EolDatabase) -> None:
    found = _os(identifier, _host(EL8, "Apache/2.4.37 (Red Hat Enterprise Linux)"))
    assert (found.product, found.version, found.alternatives) == ("Enterprise Linux", "8", ())
    assert eol.lifecycle(found, TODAY).status == "supported"


@pytest.mark.parametrize(
    "descr",
    [
        # Kali's kernel says "Debian" but is not a Debian release
        "Linux kali 5.10.0-kali3-amd64 #1 SMP Debian 5.10.13-1kali1 (2021-02-08) x86_64",
        # an appliance maker's rebuild of a RHEL kernel, tagged after the release
        "Linux lb-01 3.10.0-862.14.4.el7.acme.x86_64 #1 SMP Mon Oct 1 10:00:00 PDT 2019 x86_64",
    ],
)
def test_derivative_kernels_are_not_named_as_the_distribution(
    identifier: Identifier, descr: str
) -> None:
    found = _os(identifier, _host(descr))
    assert (found.vendor, found.product) == ("Linux", "Linux kernel")


def test_oracle_s_uek_kernel_is_oracle_linux_not_rhel(identifier: Identifier) -> None:
    # Oracle's Unbreakable Enterprise Kernel ships with Oracle Linux only
    descr = "Linux ol7 4.14.35-1902.300.11.el7uek.x86_64 #2 SMP Tue Mar 17 17:11:47 PDT 2020 x86_64"
    found = _os(identifier, _host(descr))
    assert (found.vendor, found.product, found.version) == ("Oracle", "Oracle Linux", "7")
    assert found.alternatives == ()


def test_a_rhel_kernel_with_its_architecture_or_centos_tag_is_still_rhel(
    identifier: Identifier,
) -> None:
    for descr in (
        "Linux app7 3.10.0-1062.el7.x86_64 #1 SMP Wed Aug 7 18:08:02 UTC 2019 x86_64",
        "Linux app7 3.10.0-1062.1.1.el7.centos.plus.x86_64 #1 SMP Wed Sep 25 2019 x86_64",
    ):
        found = _os(identifier, _host(descr))
        assert (found.vendor, found.product, found.version) == ("Red Hat", "Enterprise Linux", "7")


def test_ubuntu_hwe_kernels_name_the_lts_they_were_built_for(identifier: Identifier) -> None:
    hwe = "Linux web 5.15.0-91-generic #101~20.04.1-Ubuntu SMP Thu Nov 16 14:22:28 UTC 2023 x86_64"
    ga = "Linux web 5.15.0-91-generic #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023 x86_64"
    assert _os(identifier, _host(hwe)).version == "20.04"
    assert _os(identifier, _host(ga)).version == "22.04"


def test_windows_7_from_snmp_may_be_an_embedded_edition(
    identifier: Identifier, eol: EolDatabase
) -> None:
    descr = (
        "Hardware: Intel64 Family 6 Model 58 Stepping 9 AT/AT COMPATIBLE - "
        "Software: Windows Version 6.1 (Build 7601 Multiprocessor Free)"
    )
    host = Host(
        address="127.42.9.9",
        snmp=SnmpSystem(descr=descr, object_id="1.3.6.1.4.1.311.1.1.3.1.1"),
    )
    found = _os(identifier, host)
    assert found.product == "Windows 7"
    assert "Windows Embedded Standard 7" in {a.product for a in found.alternatives}
    # mid-2020 Windows 7 was on paid ESU while Embedded Standard 7 was still supported
    assert eol.lifecycle(found, dt.date(2020, 6, 1)).status == "unknown"
    assert eol.lifecycle(found, TODAY).status == "eol"


def test_an_unrecorded_candidate_blocks_only_a_supported_verdict(eol: EolDatabase) -> None:
    xp = Identity(
        "os",
        "Microsoft",
        "Windows XP",
        "5.1.2600",
        None,
        0.9,
        (Evidence("t", "f", "v", "r"),),
        # a product the database holds no record for
        (Alternative("Microsoft", "Windows Embedded Standard 2009", "5.1.2600"),),
    )
    assert eol.lifecycle(xp, TODAY).status == "eol"  # XP ended; WES 2009 has no record
    assert eol.lifecycle(xp, dt.date(2010, 1, 1)).status == "unknown"
