"""The generated snmpsim data: standard tables that agree with the scenario."""

from __future__ import annotations

from legacyscan.collect.snmp.walkfile import parse_snmprec
from legacyscan.lab import scenario, snmpdata
from legacyscan.lab.snmpdata import Network

HOSPITAL = scenario.load("hospital")
NETWORK = Network(HOSPITAL.devices, HOSPITAL.segments)


def _rec(name: str) -> list[tuple[str, str, str]]:
    device = next(d for d in HOSPITAL.devices if d.name == name)
    text = snmpdata.snmprec(device, NETWORK)
    return [tuple(line.split("|", 2)) for line in text.splitlines()]  # type: ignore[misc]


def _under(rows: list[tuple[str, str, str]], prefix: str) -> list[tuple[str, str, str]]:
    return [r for r in rows if r[0].startswith(prefix + ".")]


def test_files_are_sorted_by_oid_without_duplicates() -> None:
    for device in HOSPITAL.devices:
        if device.snmp:
            oids = [line.split("|")[0] for line in snmpdata.snmprec(device, NETWORK).splitlines()]
            keys = [tuple(map(int, o.split("."))) for o in oids]
            assert keys == sorted(set(keys)), device.name


def test_system_group_reads_back_through_the_walk_file_parser() -> None:
    device = next(d for d in HOSPITAL.devices if d.name == "ct-console")
    values = parse_snmprec(snmpdata.snmprec(device, NETWORK).splitlines())
    assert "Windows 2000 Version 5.1" in str(values["1.3.6.1.2.1.1.1.0"])
    name = values["1.3.6.1.2.1.1.5.0"]  # the walk parser keeps OCTET STRINGs as bytes
    assert (name.decode() if isinstance(name, bytes) else name) == "RAD-CT-CONSOLE1"


def test_core_arp_tables_give_every_device_its_mac() -> None:
    rows = _rec("core-switch")
    media = {".".join(r[0].split(".")[-4:]): r[2]
             for r in _under(rows, snmpdata.NET_TO_MEDIA + ".2")}  # fmt: skip
    physical = {".".join(r[0].split(".")[-4:]): r[2]
                for r in _under(rows, snmpdata.NET_TO_PHYSICAL + ".4")}  # fmt: skip
    for device in HOSPITAL.devices:
        if device.name == "core-switch":
            continue
        mac = device.mac.replace(":", "")
        assert media[device.address] == mac, device.name
        assert physical[device.address] == mac, device.name


def test_core_has_vlans_fdb_and_lldp_neighbours() -> None:
    rows = _rec("core-switch")
    vlans = {r[0].rsplit(".", 1)[1] for r in _under(rows, snmpdata.DOT1Q_VLAN_STATIC + ".1")}
    assert {str(s.vlan) for s in HOSPITAL.segments} <= vlans
    assert len(_under(rows, snmpdata.DOT1D_TP_FDB + ".2")) == len(HOSPITAL.devices) - 1
    names = {bytes.fromhex(r[2]).decode() for r in _under(rows, snmpdata.LLDP_REM + ".9")}
    assert names == {"SW-BAT-A-R0", "SW-BAT-B-R1"}


def test_access_switches_carry_their_devices_on_access_ports() -> None:
    learnt = 0
    for name in ("access-switch-old", "access-switch-new"):
        rows = _rec(name)
        pvids = _under(rows, snmpdata.DOT1Q_PVID)
        learnt += len(pvids)
        assert _under(rows, snmpdata.LLDP_REM + ".9"), name  # the core, seen by LLDP
    on_core = sum(1 for d in HOSPITAL.devices if d.segment in ("servers", "network"))
    assert learnt == len(HOSPITAL.devices) - on_core


def test_imaging_console_shows_its_flow_to_a_pacs_on_104_and_software() -> None:
    rows = _rec("ct-console")
    pacs = {d.address for d in HOSPITAL.devices if d.extra.get("role") == "pacs"}
    states = _under(rows, snmpdata.TCP_CONN + ".1")
    established = [r[0][len(snmpdata.TCP_CONN) + 3 :].split(".") for r in states if r[2] == "5"]
    assert any(".".join(p[5:9]) in pacs and p[9] == "104" for p in established)
    software = [bytes.fromhex(r[2]).decode() for r in _under(rows, snmpdata.HR_SW_INSTALLED + ".2")]
    assert "Java(TM) 6 Update 45" in software


def test_flows_appear_on_both_ends() -> None:
    engine = next(d for d in HOSPITAL.devices if d.extra.get("role") == "interface-engine")
    rows = _rec(engine.name)
    remote_ports = {r[0].split(".")[-1] for r in _under(rows, snmpdata.TCP_CONN + ".1")
                    if r[2] == "5"}  # fmt: skip
    assert remote_ports  # pump gateways and analysers keep sessions to the engine
    modern = _under(rows, snmpdata.TCP_CONNECTION + ".7")  # net-snmp: RFC 4022 table too
    assert modern


def test_appliances_report_firmware_in_entity_mib() -> None:
    for name, firmware in (("admin-printer", "20150722"), ("ups-datacentre", "v3.5.9"),
                           ("core-switch", "16.9.5")):  # fmt: skip
        rows = _rec(name)
        found = [bytes.fromhex(r[2]).decode() for r in _under(rows, snmpdata.ENT_PHYSICAL + ".9")]
        assert found == [firmware], name
