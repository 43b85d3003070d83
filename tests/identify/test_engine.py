"""The identify stage on hand-built Host records."""

from __future__ import annotations

import pytest

from legacyscan.identify.engine import Identifier, observations
from legacyscan.identify.merging import merge_identities
from legacyscan.model import Evidence, Host, Identity, OsMatch, Service, SnmpSystem

WIN7_DESCR = (
    "Hardware: Intel64 Family 6 Model 58 Stepping 9 AT/AT COMPATIBLE - "
    "Software: Windows Version 6.1 (Build 7601 Multiprocessor Free)"
)
XP_DESCR = (
    "Hardware: x86 Family 15 Model 4 Stepping 1 AT/AT COMPATIBLE - "
    "Software: Windows Version 5.1 (Build 2600 Multiprocessor Free)"
)
EL5_DESCR = "Linux pacs01 2.6.18-419.el5 #1 SMP Wed Feb 22 22:40:57 EST 2017 x86_64"
WIN_OID = "1.3.6.1.4.1.311.1.1.3.1"


@pytest.fixture(scope="module")
def identifier() -> Identifier:
    return Identifier()


def _snmp_host(descr: str, object_id: str | None = None, *services: Service) -> Host:
    return Host(
        address="127.42.10.11",
        snmp=SnmpSystem(descr=descr, object_id=object_id),
        services=services,
        sources=("snmp",),
    )


def _port(port: int, **kwargs: object) -> Service:
    return Service(port=port, protocol="tcp", state="open", **kwargs)  # type: ignore[arg-type]


def test_windows_7_workstation(identifier: Identifier) -> None:
    device = identifier.identify(_snmp_host(WIN7_DESCR, f"{WIN_OID}.1"))
    assert [(i.vendor, i.product, i.version) for i in device.identities] == [
        ("Microsoft", "Windows 7", "6.1.7601")
    ]
    assert device.identities[0].kind == "os"
    assert device.identities[0].cpe == "cpe:2.3:o:microsoft:windows_7:-:*:*:*:*:*:*:*"
    assert device.device_class == "workstation"
    (evidence,) = device.identities[0].evidence
    assert evidence.rule == "snmp.windows.7"
    assert evidence.field == "snmp.sysDescr"
    assert evidence.value == WIN7_DESCR


def test_same_build_with_server_object_id_is_server_2008_r2(identifier: Identifier) -> None:
    device = identifier.identify(_snmp_host(WIN7_DESCR, f"{WIN_OID}.2"))
    assert [(i.product, i.version) for i in device.identities] == [
        ("Windows Server 2008 R2", "6.1.7601")
    ]
    assert device.device_class == "server"


def test_without_object_id_the_build_names_the_client_and_the_server(
    identifier: Identifier,
) -> None:
    # 6.1.7601 is Windows 7 SP1 and Server 2008 R2 SP1: both candidates, neither chosen
    device = identifier.identify(_snmp_host(WIN7_DESCR))
    (windows,) = device.identities
    assert (windows.vendor, windows.product, windows.version) == (
        "Microsoft",
        "Windows 7",
        "6.1.7601",
    )
    assert [(a.product, a.version) for a in windows.alternatives] == [
        ("Windows Server 2008 R2", "6.1.7601")
    ]
    assert windows.evidence[0].rule == "snmp.windows.nt61-either"


def test_xp_with_dicom_port_is_an_imaging_workstation(identifier: Identifier) -> None:
    device = identifier.identify(_snmp_host(XP_DESCR, f"{WIN_OID}.1", _port(104, name="acr-nema")))
    assert device.device_class == "medical"
    assert device.device_type == "imaging-workstation"
    assert [i.product for i in device.identities] == ["Windows XP"]
    reasons = {s.reason for s in device.class_signals}
    assert reasons == {"snmp.windows.xp", "port.dicom"}
    assert device.class_confidence == pytest.approx(0.6)  # the winning class's weight


def test_red_hat_5_with_dicom_port_is_a_pacs(identifier: Identifier) -> None:
    device = identifier.identify(_snmp_host(EL5_DESCR, None, _port(11112, name="dicom")))
    assert device.device_class == "medical"
    assert device.device_type == "PACS"
    assert [(i.vendor, i.product, i.version) for i in device.identities] == [
        ("Red Hat", "Enterprise Linux", "5")
    ]


def test_xp_alone_is_a_workstation_not_medical(identifier: Identifier) -> None:
    device = identifier.identify(_snmp_host(XP_DESCR, f"{WIN_OID}.1"))
    assert device.device_class == "workstation"
    assert device.device_type is None


def _ssh(version: str, cpe_version: str) -> Host:
    return Host(
        address="127.42.10.20",
        services=(
            _port(
                22,
                name="ssh",
                product="OpenSSH",
                version=version,
                extrainfo="protocol 2.0",
                cpes=(f"cpe:/a:openbsd:openssh:{cpe_version}",),
            ),
        ),
    )


def test_service_and_cpe_agreeing_merge_into_one_identity(identifier: Identifier) -> None:
    device = identifier.identify(_ssh("4.3", "4.3"))
    (identity,) = device.identities
    assert (identity.vendor, identity.product, identity.version) == ("OpenBSD", "OpenSSH", "4.3")
    assert [(e.field, e.rule, e.port) for e in identity.evidence] == [
        ("nmap.service", "nmap.service.openssh", 22),
        ("nmap.cpe", "nmap.cpe.openssh", 22),
    ]
    assert identity.evidence[0].value == "OpenSSH 4.3 (protocol 2.0)"
    # two sources agreeing are more convincing than the stronger one alone
    assert identity.confidence > 0.9


def test_conflicting_versions_stay_two_identities(identifier: Identifier) -> None:
    device = identifier.identify(_ssh("4.3", "4.7p1"))
    assert sorted(i.version for i in device.identities if i.product == "OpenSSH") == [
        "4.3",
        "4.7p1",
    ]
    assert all(len(i.evidence) == 1 for i in device.identities)


def test_a_host_with_nothing_is_unknown(identifier: Identifier) -> None:
    device = identifier.identify(Host(address="127.42.30.99"))
    assert device.device_class == "unknown"
    assert device.device_type is None
    assert device.identities == ()
    assert device.class_signals == ()
    assert device.class_confidence == 0.0


def test_closed_ports_are_not_observed() -> None:
    host = Host(
        address="127.42.30.99",
        services=(Service(port=104, protocol="tcp", state="closed"),),
    )
    assert observations(host) == ()


def test_observations_cover_every_field() -> None:
    host = Host(
        address="127.42.30.99",
        snmp=SnmpSystem(descr="d", object_id="1.3.6.1.4.1.9", name="sw1"),
        services=(_port(80, product="Apache httpd", version="2.2.3", cpes=("cpe:/a:x", "cpe:/b")),),
        os_matches=(OsMatch("Linux 2.6.18", 95),),
    )
    fields = [o.field for o in observations(host)]
    assert fields == [
        "snmp.sysDescr",
        "snmp.sysObjectID",
        "snmp.sysName",
        "port",
        "nmap.service",
        "nmap.cpe",
        "nmap.cpe",
        "nmap.osmatch",
    ]


def test_strong_disagreeing_class_is_reported_as_conflict(identifier: Identifier) -> None:
    # A Polycom endpoint (telehealth 0.8) that also shows a printer port (0.6).
    host = Host(
        address="127.42.20.40",
        services=(
            _port(5060, name="sip", product="Polycom RealPresence Group 500 SIP", version="6.2"),
            _port(9100, name="jetdirect"),
        ),
    )
    device = identifier.identify(host)
    assert device.device_class == "telehealth"
    assert device.class_conflicts == ("printer",)


def test_versionless_identity_joins_its_versioned_twin() -> None:
    def ident(version: str | None, rule: str) -> Identity:
        return Identity(
            kind="application",
            vendor="OpenBSD",
            product="OpenSSH",
            version=version,
            cpe=None,
            confidence=0.8,
            evidence=(Evidence("nmap", "nmap.service", "x", rule),),
        )

    merged = merge_identities([ident(None, "a"), ident("4.3", "b")])
    assert len(merged) == 1
    assert merged[0].version == "4.3"
    assert {e.rule for e in merged[0].evidence} == {"a", "b"}
    assert merged[0].confidence == pytest.approx(0.85)


def test_medical_oui_and_dicom_port_agree_on_a_medical_imaging_device(
    identifier: Identifier,
) -> None:
    host = Host(address="127.42.10.50", mac="44:4B:5D:00:00:01", services=(_port(104),))
    device = identifier.identify(host)
    assert device.identities == ()  # an OUI never names what runs on the device
    assert (device.device_class, device.device_type) == ("medical", "imaging")
    assert [s.reason for s in device.deciding_signals] == ["port.dicom", "oui.ge-healthcare"]
    assert device.class_confidence == pytest.approx(0.95)


def test_medical_oui_alone_is_a_weak_medical_hint(identifier: Identifier) -> None:
    device = identifier.identify(Host(address="127.42.10.51", mac="00:09:FB:01:02:03"))
    assert device.device_class == "medical"
    assert device.class_confidence == pytest.approx(0.35)
    assert device.identities == ()


def test_medical_oui_on_a_windows_workstation_is_shown_as_a_disagreement(
    identifier: Identifier,
) -> None:
    host = Host(
        address="127.42.10.52",
        mac="00:09:FB:01:02:03",
        snmp=SnmpSystem(descr=XP_DESCR, object_id=f"{WIN_OID}.1"),
    )
    device = identifier.identify(host)
    assert device.device_class == "workstation"
    assert device.class_conflicts == ("medical",)
    assert [i.product for i in device.identities] == ["Windows XP"]


def test_a_fleet_is_answered_from_memory_with_each_device_its_own_host() -> None:
    """Devices observed alike get the answer of the first, on their own host; what a
    fresh identifier says about each is the same."""
    fleet = [
        Host(
            address=f"127.42.5.{n}",
            mac=f"00:09:fb:00:00:{n:02x}",
            services=(_port(80, name="http", product="lighttpd", version="1.4.35"),),
            os_matches=(
                OsMatch("Microsoft Windows XP SP3", 96, ("cpe:/o:microsoft:windows_xp::sp3",)),
            ),
            sources=("nmap",),
        )
        for n in (10, 11, 12)
    ]
    remembering = Identifier()
    answers = [remembering.identify(host) for host in fleet]
    assert [a.host for a in answers] == fleet
    for host, answer in zip(fleet, answers, strict=True):
        assert answer == Identifier().identify(host)
    other = Host(address="127.42.5.20", snmp=SnmpSystem(descr="Cisco IOS Software, C2960"))
    assert remembering.identify(other) == Identifier().identify(other)


def test_a_service_cpe_is_no_guess_even_when_an_os_guess_prints_it_too(
    identifier: Identifier,
) -> None:
    # nmap 7.93 nmap-os-db: "Microsoft Windows Phone 7.5" carries cpe:/o:microsoft:windows,
    # the same CPE nmap-service-probes gives Microsoft HTTPAPI.  The tied guesses name no
    # OS together (one of them no rule names), but the service still says Microsoft.
    host = Host(
        address="192.0.2.5",
        services=(
            _port(
                5357,
                name="http",
                product="Microsoft HTTPAPI httpd",
                version="2.0",
                cpes=("cpe:/o:microsoft:windows",),
            ),
        ),
        os_matches=(
            OsMatch("Microsoft Windows Phone 7.5", 100, cpes=("cpe:/o:microsoft:windows",)),
            OsMatch(
                "Microsoft Windows 7 Professional",
                100,
                cpes=("cpe:/o:microsoft:windows_7::-:professional",),
            ),
        ),
    )
    device = identifier.identify(host)
    assert [(i.vendor, i.product) for i in device.identities if i.kind == "os"] == [
        ("Microsoft", "Windows")
    ]
