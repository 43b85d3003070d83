"""The default scan of the hospital lab, once, watched by tcpdump (real nmap, real
snmpsim, the real CLI, community ``public`` only), checked against the lab's ground truth
(``legacyscan lab truth``).

The identification score is printed (run with ``pytest -s`` to see it; it is also recorded
as a junit property).  Its floors are what legacyscan reached when they were written; raise
them as identification improves, never lower them silently.

tcpdump records every packet sent to the lab's addresses on the loopback interface.  The
second pass's window comes from its chunks' journal (their start and finish times); every
TCP packet to a lab address inside it is a packet of the second pass:

* no packet of the second pass reaches a device the truth classes medical, printer or
  unknown, and the second pass did reach some workstations and servers;
* not one payload byte reaches a printer port (9100-9107, 515, 631), in either pass;
* the devices only the switches' tables show (three patient monitors, two infusion
  pumps, two guest phones) are listed with their evidence, marked not scanned, and were
  never sent a packet.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from labscan import Packet, running_lab, watched_scan

from legacyscan.lab import runner

pytestmark = pytest.mark.lab


@pytest.fixture(scope="module")
def hospital(tmp_path_factory: pytest.TempPathFactory) -> Iterator[runner.LabState]:
    with running_lab("hospital", tmp_path_factory.mktemp("hospital-state")) as state:
        yield state


PRINTER_PORTS = frozenset({9100, 9101, 9102, 9103, 9104, 9105, 9106, 9107, 515, 631})
FRAGILE = ("medical", "printer", "unknown")


@pytest.fixture(scope="module")
def scanned(
    hospital: runner.LabState, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, Any], list[Packet] | None]:
    return watched_scan(hospital, tmp_path_factory.mktemp("hospital-scan"), timeout=1200)


@pytest.fixture(scope="module")
def scan(scanned: tuple[dict[str, Any], list[Packet] | None]) -> dict[str, Any]:
    return scanned[0]


@pytest.fixture(scope="module")
def watched(
    scanned: tuple[dict[str, Any], list[Packet] | None],
) -> tuple[dict[str, Any], list[Packet]]:
    scan, packets = scanned
    if packets is None:
        pytest.skip("tcpdump on the loopback interface needs root and tcpdump")
    return scan, packets


def test_default_scan_sends_the_printers_nothing(
    hospital: runner.LabState, scan: dict[str, Any]
) -> None:
    counts = runner.printer_bytes()
    assert len(counts) == 4
    assert set(counts.values()) == {0}, counts


def test_every_visible_device_is_found(hospital: runner.LabState, scan: dict[str, Any]) -> None:
    found = {d["address"] for d in scan["devices"]}
    missing = [d.name for d in hospital.devices if d.address in hospital.targets
               and d.address not in found]  # fmt: skip
    assert not missing


def test_injection_strings_reach_the_report_only_as_text(scan: dict[str, Any]) -> None:
    html = (Path(scan["_out"]) / "report.html").read_text()
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x onerror" not in html
    # Shown, escaped: as HTML entities in the markup or as \u003c escapes in the data block
    # that the page's script renders with textContent.
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        or "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in html
    )


def test_identification_score_against_the_ground_truth(
    hospital: runner.LabState, scan: dict[str, Any], record_property: Any
) -> None:
    devices = {d["address"]: d for d in scan["devices"]}
    scored = [d for d in hospital.devices if d.address in hospital.targets]
    right = {"class": 0, "product": 0, "version": 0, "lifecycle": 0}
    wrong: list[str] = []
    for truth_device in scored:
        truth, seen = truth_device.truth, devices.get(truth_device.address, {})
        if seen.get("device_class") == truth.get("class"):
            right["class"] += 1
        else:
            wrong.append(
                f"{truth_device.name}: class {seen.get('device_class')} != {truth.get('class')}"
            )
        match = [i for i in seen.get("identities", []) if i["product"] == truth.get("product")]
        if match:
            right["product"] += 1
            if truth.get("version") and match[0]["version"] == truth["version"]:
                right["version"] += 1
            if match[0]["lifecycle"]["status"] == truth.get("lifecycle"):
                right["lifecycle"] += 1
        elif truth.get("lifecycle") == "unknown" and all(
            i["lifecycle"]["status"] == "unknown" for i in seen.get("identities", [])
        ):
            right["lifecycle"] += 1  # an honest "unknown" where the truth expects one
    with_version = sum(1 for d in scored if d.truth.get("version"))
    total = len(scored)
    score = {
        "devices": total,
        "class": right["class"] / total,
        "product": right["product"] / total,
        "version": right["version"] / max(with_version, 1),
        "lifecycle": right["lifecycle"] / total,
    }
    for key, value in score.items():
        record_property(f"lab_score_{key}", value)
    line = ", ".join(
        f"{k} {v:.0%}" if isinstance(v, float) else f"{k} {v}" for k, v in score.items()
    )
    print(f"\nhospital lab score: {line}")
    print("misclassified: " + "; ".join(wrong))
    assert score["class"] >= FLOORS["class"]
    assert score["product"] >= FLOORS["product"]
    assert score["lifecycle"] >= FLOORS["lifecycle"]


# Measured 2026-11-23 (kb3): class 79 %, product 70 %, version 86 %, lifecycle 93 % (73
# devices; the two SNMPv3-only ESXi hosts are expected eol but show no version without v3
# credentials).  2026-12-03 (issue 17: two passes, Windows class priors, MACs from the ARP
# tables): class 86 %, product 70 %, version 83 %, lifecycle 93 %.
# 2026-12-07 (76 devices: three AI servers added; identification and lifecycle widened):
# class 87 %, product 71 %, version 84 %, lifecycle 95 %.  Later that day (unnamed services
# read from their fingerprints, MAC blocks of UPS/building/camera makers): class 96 %,
# product 74 %, version 84 %, lifecycle 92 % -- the Axis cameras' truth is now `eol` (AXIS
# OS 5.40 is on no supported track), and a scan with `public` only does not see their
# release, so those two count as wrong where their truth used to expect `unknown`.
FLOORS = {"class": 0.93, "product": 0.70, "lifecycle": 0.90}


def _window(out: Path) -> tuple[float, float]:
    """When the second pass ran, from its chunks' journal entries (second resolution)."""
    stamps = []
    for entry in (out / "nmap").glob("pass2-*.json"):
        if entry.name == "pass2-plan.json":
            continue
        record = json.loads(entry.read_text())
        stamps += [dt.datetime.fromisoformat(record["started"]).timestamp(),
                   dt.datetime.fromisoformat(record["finished"]).timestamp() + 1]  # fmt: skip
    assert stamps, "the default scan ran no second pass"
    return min(stamps), max(stamps)


def test_second_pass_sends_nothing_to_medical_printer_or_unknown_devices(
    hospital: runner.LabState, watched: tuple[dict[str, Any], list[Packet]]
) -> None:
    scan, packets = watched
    start, end = _window(Path(scan["_out"]))
    truth = {d.address: d.truth.get("class", "unknown") for d in hospital.devices}
    # Only the lab's devices: other tests may use other addresses of 127.42.0.0/16.
    second = [
        p for p in packets if start <= p.time <= end and p.protocol == 6 and p.destination in truth
    ]
    reached = {p.destination for p in second}
    fragile = sorted(a for a in reached if truth.get(a) in FRAGILE)
    assert not fragile, [(a, truth[a]) for a in fragile]
    # The test can fail: the second pass did reach workstations and servers.
    assert {truth.get(a) for a in reached} >= {"workstation", "server"}, reached
    decisions = scan["scan"]["second_pass"]
    assert len(decisions) == len([d for d in scan["devices"] if d["scanned"]])
    sent = {d["address"] for d in decisions if d["scripts"]}
    assert reached <= sent
    assert not [a for a in sent if truth[a] in FRAGILE]
    print(f"\nsecond pass: {len(second)} TCP packets to {len(reached)} hosts "
          f"({sorted({truth[a] for a in reached})}), window {end - start:.0f} s")  # fmt: skip


def test_no_payload_byte_reaches_a_printer_port(
    hospital: runner.LabState, watched: tuple[dict[str, Any], list[Packet]]
) -> None:
    _, packets = watched
    lab = {d.address for d in hospital.devices}
    to_printer_ports = [
        p
        for p in packets
        if p.protocol in (6, 17) and p.port in PRINTER_PORTS and p.destination in lab
    ]
    assert sum(p.payload for p in to_printer_ports) == 0, to_printer_ports[:5]
    assert set(runner.printer_bytes().values()) == {0}
    assert len(packets) > 1000  # the capture did see the scan


def test_the_silent_devices_are_listed_with_evidence_and_never_probed(
    hospital: runner.LabState, watched: tuple[dict[str, Any], list[Packet]]
) -> None:
    scan, packets = watched
    silent = {d.address: d for d in hospital.devices if d.truth.get("seen_by") == "arp"}
    assert len(silent) == 7
    devices = {d["address"]: d for d in scan["devices"]}
    for address, truth in silent.items():
        device = devices.get(address)
        assert device is not None, f"{truth.name} ({address}) is not listed"
        assert device["scanned"] is False
        assert device["mac"] == truth.mac
        assert device["seen_by"][0]["evidence"] == "seen in the ARP table of 127.42.1.1 (Vl" + (
            str(next(s.vlan for s in _segments(hospital) if s.name == truth.segment)) + ")"
        )
        assert device["device_class"] == truth.truth["class"], truth.name
        assert "risk" in device
    assert not [p for p in packets if p.destination in silent]
    not_scanned = {d["address"] for d in scan["devices"] if not d["scanned"]}
    assert not_scanned == set(silent)
    html = (Path(scan["_out"]) / "report.html").read_text()
    assert "7 devices appear only in the ARP and forwarding tables" in html


def test_the_windows_release_is_named_for_nine_windows_hosts_in_ten(
    hospital: runner.LabState, watched: tuple[dict[str, Any], list[Packet]]
) -> None:
    """The issue's target, with the community public only: SNMP names the hosts whose agent
    answers, the second pass's SMB the others (the Windows 7 nurse stations, the XP PCs).
    Left unnamed by design: the Draeger central (medical: held back) and the laptops that
    show only an SMB port with SMB1 off."""
    scan, _ = watched
    devices = {d["address"]: d for d in scan["devices"]}
    windows = [d for d in hospital.devices if d.truth.get("product", "").startswith("Windows")]
    named = [
        d for d in windows
        if any(i["kind"] == "os" and i["product"] == d.truth["product"]
               for i in devices.get(d.address, {}).get("identities", []))
    ]  # fmt: skip
    print(f"\nWindows release named: {len(named)}/{len(windows)}")
    assert len(named) >= 0.9 * len(windows)
    by_smb = [d for d in named if not d.snmp and any(s["kind"] == "smb" for s in d.services)]
    assert len(by_smb) >= 5  # the nurse stations and XP PCs: only the second pass names them


def _segments(state: runner.LabState) -> tuple[Any, ...]:
    from legacyscan.lab import scenario

    return scenario.load(state.scenario).segments
