"""The second pass: who is sent what after the first pass, and the command lines that do it."""

from __future__ import annotations

from pathlib import Path

import pytest
from netaddr import IPSet

from legacyscan.collect.nmap.profiles import ProfileError, load_profiles
from legacyscan.collect.nmap.second_pass import (
    ClassedHost,
    decide,
    merge_second_pass,
    plan_second_pass,
    rules_of,
)
from legacyscan.messages import plain
from legacyscan.model import DEVICE_CLASSES, Host, PassDecision, Service

BOOK = load_profiles()
RULES = rules_of(BOOK)
PROFILE = BOOK.get("clinical-safe")
PRINTER = {9100, 9101, 9102, 9103, 9104, 9105, 9106, 9107, 515, 631}


def _host(address: str, device_class: str, *tcp: int, **kw: object) -> ClassedHost:
    return ClassedHost(address, device_class, 0.9, ("rule.x",), frozenset(tcp), **kw)  # type: ignore[arg-type]


WARD = [
    _host("10.0.0.1", "workstation", 445, 3389, 9100),
    _host("10.0.0.2", "server", 80, 443, 445, 1433, 3389),
    _host("10.0.0.3", "medical", 104, 445, 3389),
    _host("10.0.0.4", "printer", 80, 9100, 631, 515),
    _host("10.0.0.5", "unknown", 445),
    _host("10.0.0.6", "iot", 80),
    _host("10.0.0.7", "power", 80),
    _host("10.0.0.8", "network", 22, 23),
    _host("10.0.0.9", "telehealth", 445, 3389, 5060),
    _host("10.0.0.10", "workstation", 104),  # nothing of its allow-list is open
    _host("10.0.0.11", "medical", 3389, scanned=False),
]


def test_every_class_is_in_the_allow_list_and_the_fragile_ones_get_nothing() -> None:
    assert {c for c, _ in RULES.classes} == set(DEVICE_CLASSES)
    for fragile in ("medical", "unknown", "printer", "iot", "power"):
        assert RULES.allowed(fragile) == (), fragile
    assert "smb-os-discovery" in RULES.allowed("workstation")
    assert "rdp-ntlm-info" in RULES.allowed("server")
    for script in RULES.scripts:
        assert not PRINTER & {*script.tcp, *script.udp}


def test_decisions_follow_the_class_and_the_open_ports() -> None:
    decisions = {d.address: d for d in decide(WARD, RULES)}
    workstation = decisions["10.0.0.1"]
    assert workstation.scripts == ("smb-os-discovery", "smb2-time", "smb-protocols",
                                   "rdp-ntlm-info")  # fmt: skip
    assert workstation.ports == ("tcp/445", "tcp/3389")  # never 9100
    assert "class workstation (0.90: rule.x) allows" in plain(workstation.rule)
    server = decisions["10.0.0.2"]
    assert set(server.scripts) >= {"http-title", "ssl-cert", "rdp-ntlm-info", "smb-os-discovery"}
    assert server.ports == ("tcp/80", "tcp/443", "tcp/445", "tcp/3389")
    for address in ("10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6", "10.0.0.7"):
        assert decisions[address].scripts == () and decisions[address].ports == (), address
        assert "allow-list is empty" in plain(decisions[address].rule)
    network = decisions["10.0.0.8"]
    assert (network.scripts, network.ports) == (("ssh-hostkey",), ("tcp/22",))  # not telnet
    telehealth = decisions["10.0.0.9"]
    assert telehealth.scripts == ("rdp-ntlm-info",)  # no SMB for a video cart
    assert "none of their ports was open" in plain(decisions["10.0.0.10"].rule)
    assert plain(decisions["10.0.0.11"].rule) == "seen only in other devices' tables: never probed"


def test_a_host_with_a_sign_of_a_fragile_class_is_held_back() -> None:
    console = ClassedHost(
        "10.0.3.1",
        "workstation",
        0.7,
        ("snmp.windows.7",),
        frozenset({104, 445, 3389}),
        other_signals=(("medical", "port.dicom"),),
    )
    ordinary = ClassedHost("10.0.3.2", "workstation", 0.7, ("snmp.windows.7",),
                        frozenset({445}), other_signals=(("server", "port.ms-sql"),))  # fmt: skip
    held, sent = decide([console, ordinary], RULES)
    assert held.scripts == () and "signs of medical (port.dicom): held back" in plain(held.rule)
    assert sent.scripts  # a server signal is no reason to hold a workstation back
    (named,) = decide([console], RULES, IPSet(["10.0.3.1"]))
    assert named.scripts  # the user named it: their call


def test_a_named_host_gets_the_named_list_whatever_its_class() -> None:
    decisions = {d.address: d for d in decide(WARD, RULES, IPSet(["10.0.0.3", "10.0.0.11"]))}
    medical = decisions["10.0.0.3"]
    assert medical.scripts == ("smb-os-discovery", "smb2-time", "rdp-ntlm-info")
    assert plain(medical.rule).startswith("named by the user (--second-pass-host), class medical")
    assert decisions["10.0.0.11"].scripts == ()  # seen only by others: still never probed


def test_the_plan_sends_each_host_exactly_its_scripts_on_its_ports() -> None:
    decisions = decide(WARD, RULES)
    plan, placed = plan_second_pass(decisions, PROFILE, BOOK, as_root=False)
    by_address = {d.address: d for d in placed}
    sent = [d for d in placed if d.scripts]
    assert {d.address for d in sent} == {"10.0.0.1", "10.0.0.2", "10.0.0.8", "10.0.0.9"}
    assert plan.address_count == 4 and plan.profile == "clinical-safe (pass 2)"
    for chunk in plan.chunks:
        argv = list(chunk.argv)
        (target,) = chunk.targets
        decision = by_address[target]
        assert decision.chunk == chunk.index
        assert argv[argv.index("--script") + 1] == ",".join(decision.scripts)
        wanted = ",".join(str(p[4:]) for p in decision.ports)
        assert argv[argv.index("-p") + 1] == f"T:{wanted}"
        assert argv[argv.index("--exclude-ports") + 1] == "515,631,9100-9107"
        assert "-Pn" in argv and "-sT" in argv and "-sV" not in argv
        assert argv[-1] == target and argv[-3:-1] == ["-oX", "-"]
    assert all(d.chunk is None for d in placed if not d.scripts)


def test_hosts_with_the_same_scripts_and_ports_share_a_command_line() -> None:
    same = [_host(f"10.0.1.{n}", "workstation", 445, 3389) for n in range(1, 6)]
    plan, _ = plan_second_pass(decide(same, RULES), PROFILE, BOOK, as_root=True, chunk_size=2)
    assert [c.targets for c in plan.chunks] == [
        ("10.0.1.1", "10.0.1.2"), ("10.0.1.3", "10.0.1.4"), ("10.0.1.5",)
    ]  # fmt: skip
    assert all("-sS" in c.argv for c in plan.chunks)
    # The profile's rate is for the whole pass, shared among the processes at a time.
    rate = int(plan.chunks[0].argv[plan.chunks[0].argv.index("--max-rate") + 1])
    assert rate * plan.parallel <= PROFILE.max_rate


def test_udp_needs_root() -> None:
    snmp = ClassedHost("10.0.2.1", "network", 0.9, ("r",), frozenset({22}), frozenset({161}))
    (decision,) = decide([snmp], RULES)
    assert decision.ports == ("tcp/22", "udp/161")
    plan, (placed,) = plan_second_pass([decision], PROFILE, BOOK, as_root=False)
    assert placed.scripts == ("ssh-hostkey",) and placed.ports == ("tcp/22",)
    assert "UDP left out" in plain(placed.rule) and "-sU" not in plan.chunks[0].argv
    plan, (placed,) = plan_second_pass([decision], PROFILE, BOOK, as_root=True)
    argv = plan.chunks[0].argv
    assert "-sU" in argv and argv[argv.index("-p") + 1] == "T:22,U:161"


def test_nothing_to_send_is_an_empty_plan() -> None:
    plan, placed = plan_second_pass(decide(WARD[2:7], RULES), PROFILE, BOOK, as_root=False)
    assert plan.chunks == () and all(d.scripts == () for d in placed)


def test_merge_adds_the_scripts_output_to_the_first_pass() -> None:
    first = Host(
        address="10.0.0.1",
        services=(Service(3389, "tcp", "open", "ms-wbt-server", "Microsoft Terminal Services"),),
        sources=("nmap",),
    )
    second = Host(
        address="10.0.0.1",
        services=(Service(3389, "tcp", "open", "ms-wbt-server",
                          scripts=(("rdp-ntlm-info", "Product_Version: 6.1.7601"),)),),
        host_scripts=(("smb-os-discovery", "OS: Windows 7 Professional 7601 Service Pack 1"),),
    )  # fmt: skip
    (merged,) = merge_second_pass([first], [second])
    (service,) = merged.services
    assert service.product == "Microsoft Terminal Services"  # pass 1's version detection
    assert service.scripts == (("rdp-ntlm-info", "Product_Version: 6.1.7601"),)
    assert merged.host_scripts == second.host_scripts
    assert merged.sources == ("nmap", "nmap-pass2")
    assert merge_second_pass([first], []) == [first]


def test_decision_records_round_trip() -> None:
    from legacyscan.codec import from_data, to_data

    (decision,) = decide(WARD[:1], RULES)
    assert from_data(PassDecision, to_data(decision)) == decision


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda s: s.replace("    unknown: []\n", ""), "missing: unknown"),
        (lambda s: s.replace("    ssh-hostkey: {tcp: [22]}", "    ssh-hostkey: {tcp: [9100]}"),
         "lists printer ports"),
        (lambda s: s.replace("    power: []", "    power: [http-vuln-cve2010-2861]"),
         "power lists scripts without ports"),
    ],
)  # fmt: skip
def test_a_broken_second_pass_section_is_refused(
    tmp_path: Path, edit: object, message: str
) -> None:
    from legacyscan.paths import fingerprints_dir

    text = (fingerprints_dir() / "scan-profiles.yaml").read_text()
    path = tmp_path / "scan-profiles.yaml"
    path.write_text(edit(text))  # type: ignore[operator]
    with pytest.raises(ProfileError, match=message):
        load_profiles(path)
