"""scan.json read back by its one reader: a hand-edited or hostile file is one line."""

from __future__ import annotations

import copy
import json
import re
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from builders import meta, tcp
from clirun import run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonedits import JSON_VALUES, edited, json_paths
from testpaths import FIXTURES

from legacyscan.assess import assess
from legacyscan.codec import to_data
from legacyscan.messages import plain
from legacyscan.model import Host, SnmpSystem
from legacyscan.scanfile import (
    SCHEMA_VERSION,
    ScanJsonError,
    StoredScan,
    assessment_to_dict,
    read_scan,
    write_scan_json,
)


def _document() -> dict[str, Any]:
    hosts = [
        Host(address="127.42.1.10", services=tcp(22, 443), sources=("nmap",)),
        Host(
            address="127.42.1.11",
            snmp=SnmpSystem(descr="Hardware: x86 - Software: Windows Version 5.1 (Build 2600)"),
            sources=("snmp",),
        ),
    ]
    return assessment_to_dict(assess(hosts, meta(("127.42.1.0/24",))))


DOCUMENT = _document()


def _write(folder: Path, data: object) -> Path:
    path = folder / "scan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_written_scan_reads_back(tmp_path: Path) -> None:
    stored = read_scan(_write(tmp_path, DOCUMENT))
    assert [h.address for h in stored.hosts] == ["127.42.1.10", "127.42.1.11"]
    assert stored.assessment is not None


def test_a_schema_2_scan_reads_back_with_the_sentences_it_was_made_with() -> None:
    # written by the previous release (each sentence twice: text and message)
    path = FIXTURES / "scanjson" / "schema2-with-plan.json"
    old = json.loads(path.read_text(encoding="utf-8"))
    stored = read_scan(path)
    assert stored.assessment is not None and stored.assessment.plan is not None
    plan, topology = stored.assessment.plan, stored.assessment.topology
    assert plain(plan.method) == old["record"]["plan"]["method"]
    assert [plain(a.explanation) for a in plan.actions] == [
        a["explanation"] for a in old["record"]["plan"]["actions"]
    ]
    assert [plain(e.evidence) for e in topology.exposures] == [
        e["evidence"] for e in old["record"]["topology"]["exposures"]
    ]
    reasons = [plain(a.lifecycle.reason) for d in stored.assessment.devices for a in d.identities]
    assert reasons == [
        a["lifecycle"]["reason"] for d in old["record"]["devices"] for a in d["identities"]
    ]
    factors = [plain(f.explanation) for r in stored.assessment.risks for f in r.factors]
    assert factors and factors == [
        f["explanation"] for r in old["record"]["risks"] for f in r["factors"]
    ]
    again = assessment_to_dict(stored.assessment)
    assert again["schema"] == SCHEMA_VERSION and again["exposures"] == old["exposures"]


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set("scan.started", 12345), r"started: expected str, got int"),
        (_set("scan.silent_addresses", "many"), r"silent_addresses' must be a whole number"),
        (_set("scan.silent_addresses", -1), r"silent_addresses' must be a whole number"),
        (_set("scan.tool_versions", ["nmap", "7.94"]), r"tool_versions' must be an object"),
        (_set("scan.site", "ward \ud800"), r"lone UTF-16 surrogate"),
        (_set("devices.0.observed.hostnames", ["\udcff"]), r"lone UTF-16 surrogate"),
        (_set("as_of", 20261123), r"as_of: expected a date"),
        (_set("scan.targets", "127.42.1.0/24"), r"targets: expected a list"),
        (_set("scan.command_lines", [5]), r"command_lines\[0\]: expected str"),
        (_set("devices", {}), r"'devices' must be a list"),
        (_set("schema", True), r"schema 'True' is not one this version reads"),
        (_set("schema", 99), r"schema '99' is not one"),
        (_set("scan", []), r"'scan' must be an object"),
    ],
)
def test_wrong_types_are_one_line_naming_the_field(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    data = copy.deepcopy(DOCUMENT)
    change(data)
    with pytest.raises(ScanJsonError, match=message) as caught:
        read_scan(_write(tmp_path, data))
    assert "\n" not in str(caught.value)


def test_a_surrogate_pair_is_text_not_an_error(tmp_path: Path) -> None:
    data = copy.deepcopy(DOCUMENT)
    data["scan"]["site"] = "ward \U0001f3e5"  # json.dumps writes it as a \ud83c\udfe5 pair
    assert read_scan(_write(tmp_path, data)).meta.site == "ward \U0001f3e5"


PATHS = json_paths(DOCUMENT)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PATHS), JSON_VALUES), min_size=1, max_size=3))
def test_any_edit_of_a_scan_json_reads_or_is_one_line(
    edits: list[tuple[tuple[Any, ...], Any]],
) -> None:
    data = edited(DOCUMENT, edits)
    with tempfile.TemporaryDirectory() as folder:
        try:
            stored = read_scan(_write(Path(folder), data))
        except ScanJsonError as exc:
            assert str(exc).isprintable(), repr(str(exc))
        else:
            assert isinstance(stored, StoredScan)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_read_or_are_one_line(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scan.json"
        path.write_bytes(raw)
        with pytest.raises(ScanJsonError) as caught:
            read_scan(path)
        assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("fmt", "output", "message"),
    [
        ("html", "missing/report.html", r"folder .*missing does not exist"),
        ("xlsx", "missing/report.xlsx", r"folder .*missing does not exist"),
        ("json", "a-file/report.json", r"cannot write .*a-file/report\.json: Not a directory"),
        ("graphml", "a-file/r.graphml", r"cannot write .*: Not a directory"),
        ("csv", "a-file", r"a-file is a file; csv writes a folder of tables"),
        ("csv", "missing/tables", r"folder .*missing does not exist"),
        ("html", "", r"is a folder; give a file name"),
    ],
)
def test_report_into_a_place_it_cannot_write_is_one_line(
    tmp_path: Path, fmt: str, output: str, message: str
) -> None:
    scan = _write(tmp_path, DOCUMENT)
    (tmp_path / "a-file").write_text("kept\n", encoding="utf-8")
    result = run("report", str(scan), "--format", fmt, "-o", str(tmp_path / output))
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ") and re.search(message, last), result.stderr
    assert "internal error" not in result.stderr
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "kept\n"
    assert not list(tmp_path.rglob("*.tmp")), "a partial file was left behind"
    assert not (tmp_path / "missing").exists()


def test_the_written_file_is_the_document_and_gives_the_records_back(tmp_path: Path) -> None:
    """Streamed one device a line, with empty defaults left out of ``record``: the same
    JSON as ``assessment_to_dict``, and the same records when read back."""
    hosts = [
        Host(address=f"127.42.1.{n}", services=tcp(22, 80, 443), sources=("nmap",))
        for n in range(10, 14)
    ]
    made = assess(hosts, meta(("127.42.1.0/24",)))
    path = tmp_path / "scan.json"
    write_scan_json(made, path)
    text = path.read_text(encoding="utf-8")
    assert json.loads(text) == json.loads(json.dumps(assessment_to_dict(made)))
    device_lines = [line for line in text.splitlines() if line.startswith('  {"address": ')]
    assert len(device_lines) == len(hosts)  # one device a line, not one field a line
    assert '"snmp_tables": null' not in text.split('"record":')[1]
    stored = read_scan(path)
    assert stored.assessment is not None
    # the risk weights are free-form data: equal as JSON (lists for tuples)
    assert replace(stored.assessment, provenance=None) == replace(made, provenance=None)
    assert stored.hosts == tuple(hosts)


def test_a_schema_3_file_with_every_host_twice_still_reads(tmp_path: Path) -> None:
    made = assess(
        [Host(address="127.42.1.10", services=tcp(22, 443), sources=("nmap",))],
        meta(("127.42.1.0/24",)),
    )
    data = json.loads(json.dumps(assessment_to_dict(made)))
    assert "host" not in data["record"]["devices"][0]["device"]  # schema 4: stored once
    data["schema"] = 3  # as the previous release wrote it: the whole host in the record too
    data["record"]["devices"][0]["device"]["host"] = to_data(made.devices[0].device.host)
    stored = read_scan(_write(tmp_path, data))
    assert stored.assessment is not None
    assert stored.assessment.devices == made.devices


def test_a_schema_4_record_that_lists_other_devices_is_one_line(tmp_path: Path) -> None:
    data = copy.deepcopy(DOCUMENT)
    data["record"]["devices"] = data["record"]["devices"][:1]
    with pytest.raises(ScanJsonError, match=r"'record.devices' must list the same devices"):
        read_scan(_write(tmp_path, data))


def _scored() -> Any:
    hosts = [
        Host(address="127.42.1.10", services=tcp(23, 445, 3389), sources=("nmap",)),
        Host(
            address="127.42.1.11",
            snmp=SnmpSystem(descr="Hardware: x86 - Software: Windows Version 5.1 (Build 2600)"),
            sources=("snmp",),
        ),
    ]
    return assess(hosts, meta(("127.42.1.0/24",)))


def test_schema_5_writes_each_risk_once_and_reads_it_back(tmp_path: Path) -> None:
    made = _scored()
    assert made.risks and all(r.factors for r in made.risks)
    path = tmp_path / "scan.json"
    write_scan_json(made, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema"] == 5 and "risks" not in data["record"]
    assert [d["risk"]["score"] for d in data["devices"]] == [r.score for r in made.risks]
    stored = read_scan(path)
    assert stored.assessment is not None and stored.assessment.risks == made.risks


def test_a_schema_4_file_with_every_risk_twice_still_reads(tmp_path: Path) -> None:
    made = _scored()
    data = json.loads(json.dumps(assessment_to_dict(made)))
    data["schema"] = 4  # as the previous release wrote it: the risks in the record too
    data["record"]["risks"] = to_data(made.risks, True)
    stored = read_scan(_write(tmp_path, data))
    assert stored.assessment is not None and stored.assessment.risks == made.risks
    del data["record"]["risks"]  # a schema 4 file without them has none: nothing derived
    stored = read_scan(_write(tmp_path, data))
    assert stored.assessment is not None and stored.assessment.risks == ()


def test_risks_that_are_not_the_devices_own_are_written_in_the_record(tmp_path: Path) -> None:
    made = _scored()
    odd = replace(made, risks=made.risks[:1])  # as a hand-built assessment may hold them
    path = tmp_path / "scan.json"
    write_scan_json(odd, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert len(data["record"]["risks"]) == 1
    stored = read_scan(path)
    assert stored.assessment is not None and stored.assessment.risks == made.risks[:1]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set("devices.0.risk", []), r"'risk' must be an object with 'factors'"),
        (_set("devices.0.risk.factors.0", 3), r"a risk factor must be an object"),
        (_set("devices.0.risk.factors.0.message", "x"), r"a message must be an object"),
        (_set("devices.0.risk.factors.0.message.args", {"n": True}), r"'n': true/false"),
        (_set("devices.0.risk.factors.0.message.args", {"n": {"x": 1}}), r"'n': dict"),
        (_set("devices.0.risk.factors.0.message.key", 5), r"key: expected str"),
        (_set("devices.0.risk.factors.0.points", "many"), r"points: expected a number"),
        (_set("devices.0.risk.score", True), r"score: expected a number"),
    ],
)
def test_a_tampered_schema_5_risk_is_one_line(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    data = json.loads(json.dumps(assessment_to_dict(_scored())))
    change(data)
    with pytest.raises(ScanJsonError, match=message) as caught:
        read_scan(_write(tmp_path, data))
    assert "\n" not in str(caught.value)
