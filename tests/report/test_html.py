"""The HTML report shows hostile banners as text, loads nothing; scan.json reads back."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from legacyscan.model import (
    Assessment,
    CollectError,
    Host,
    OsMatch,
    ScanMeta,
    Service,
    SnmpSystem,
)
from legacyscan.pipeline import assess
from legacyscan.report.html import render_html, write_html
from legacyscan.report.json_format import (
    SCHEMA_VERSION,
    ScanJsonError,
    assessment_to_dict,
    load_scan_json,
    write_scan_json,
)

AS_OF = dt.date(2026, 11, 23)
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'

META = ScanMeta(
    as_of=AS_OF,
    started="2026-11-23T10:00:00+00:00",
    finished="2026-11-23T10:05:00+00:00",
    targets=("127.42.10.0/24", "127.42.20.0/24"),
    command_lines=("nmap -oX - -sV 127.42.10.0/24",),
    tool_versions=(("nmap", "7.93"),),
    legacyscan_version="0.1.0",
    silent_addresses=3,
    errors=(CollectError("snmp", "127.42.10.99", "timeout"),),
)

HOSTILE = Host(
    address="127.42.10.66",
    snmp=SnmpSystem(descr=SCRIPT, object_id="1.3.6.1.4.1.9.1.716", name=SCRIPT),
    services=(
        Service(port=80, protocol="tcp", state="open", name="http", product=IMG, version="1"),
    ),
    sources=("nmap", "snmp"),
)
XP = Host(
    address="127.42.20.15",
    mac="00:1B:2C:3D:4E:5F",
    hostnames=("xp-modality",),
    snmp=SnmpSystem(
        descr="Hardware: x86 Family 15 Model 4 Stepping 1 AT/AT COMPATIBLE - "
        "Software: Windows Version 5.1 (Build 2600 Multiprocessor Free)",
        object_id="1.3.6.1.4.1.311.1.1.3.1.1",
        uptime=4213,
        contact="pacs team",
    ),
    services=(
        Service(port=104, protocol="tcp", state="open", name="acr-nema"),
        Service(
            port=22,
            protocol="tcp",
            state="open",
            name="ssh",
            product="OpenSSH",
            version="4.3",
            extrainfo="protocol 2.0",
            cpes=("cpe:/a:openbsd:openssh:4.3",),
            scripts=(("ssh-hostkey", "1024 aa:bb"),),
        ),
    ),
    os_matches=(OsMatch("Microsoft Windows XP SP3", 96, ("cpe:/o:microsoft:windows_xp::sp3",)),),
    sources=("nmap", "snmp"),
)
PUMP = Host(
    address="127.42.20.30",
    snmp=SnmpSystem(
        descr="B. Braun Melsungen AG SpaceCom 2 infusion data gateway, software 012U000061"
    ),
)


@pytest.fixture(scope="module")
def assessment() -> Assessment:
    return assess((HOSTILE, XP, PUMP), META)


@pytest.fixture(scope="module")
def page(assessment: Assessment) -> str:
    return render_html(assessment)


def test_hostile_strings_are_shown_escaped(page: str) -> None:
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert '"><img' not in page


def test_no_script_tag_at_all(page: str) -> None:
    assert re.search(r"<\s*script", page, re.IGNORECASE) is None


def test_csp_forbids_everything_by_default(page: str) -> None:
    meta = re.search(
        r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', page, re.IGNORECASE
    )
    assert meta is not None
    directives = [d.strip() for d in meta.group(1).split(";")]
    assert "default-src 'none'" in directives
    assert not any(d.startswith("script-src") for d in directives)


def test_nothing_is_loaded_from_the_network(page: str) -> None:
    assert re.search(r"\bsrc\s*=\s*[\"']?\s*(?:https?:)?//", page, re.IGNORECASE) is None
    assert re.search(r"url\(\s*[\"']?\s*(?:https?:)?//", page, re.IGNORECASE) is None
    assert re.search(r"<link\b", page, re.IGNORECASE) is None


def test_only_https_eol_sources_are_linked(page: str) -> None:
    external = re.findall(r'href="(https?://[^"]*)"', page)
    assert "https://learn.microsoft.com/en-us/lifecycle/products/windows-xp" in external
    assert all(url.startswith("https://") for url in external)


def test_the_page_says_what_it_found(page: str) -> None:
    assert "2026-11-23" in page
    assert "Windows XP" in page
    assert "infusion-pump" in page
    assert "127.42.20.0/24" in page  # the mixed segment
    assert "nmap -oX - -sV 127.42.10.0/24" in page


def test_write_html(tmp_path: Path, assessment: Assessment) -> None:
    path = tmp_path / "report.html"
    write_html(assessment, path)
    assert path.read_text(encoding="utf-8") == render_html(assessment)
    assert list(tmp_path.iterdir()) == [path]


# --- scan.json -----------------------------------------------------------------------------


def test_json_round_trip_gives_back_hosts_and_meta(
    tmp_path: Path,
    assessment: Assessment,
) -> None:
    path = tmp_path / "scan.json"
    write_scan_json(assessment, path)
    meta, hosts = load_scan_json(path)
    assert meta == META
    assert hosts == (HOSTILE, XP, PUMP)
    assert [p.name for p in tmp_path.iterdir()] == ["scan.json"]  # no .tmp left behind


def test_json_round_trip_reassesses_to_the_same_result(
    tmp_path: Path,
    assessment: Assessment,
) -> None:
    path = tmp_path / "scan.json"
    write_scan_json(assessment, path)
    meta, hosts = load_scan_json(path)
    assert assessment_to_dict(assess(hosts, meta)) == assessment_to_dict(assessment)


def test_json_document_shape(assessment: Assessment) -> None:
    data = json.loads(json.dumps(assessment_to_dict(assessment)))
    assert data["schema"] == SCHEMA_VERSION
    assert data["as_of"] == "2026-11-23"
    assert data["scan"]["tool_versions"] == {"nmap": "7.93"}
    xp = next(d for d in data["devices"] if d["address"] == "127.42.20.15")
    assert xp["legacy"] is True
    assert xp["segment"] == "127.42.20.0/24"
    assert xp["risk"]["score"] == sum(f["points"] for f in xp["risk"]["factors"])
    products = {i["product"]: i["lifecycle"]["status"] for i in xp["identities"]}
    assert products == {"Windows XP": "eol", "OpenSSH": "eol"}
    assert data["exposures"] == [
        {
            "legacy": "127.42.20.15",
            "clinical": "127.42.20.30",
            "path": ["127.42.20.15", "segment:127.42.20.0/24", "127.42.20.30"],
            "evidence": "same segment 127.42.20.0/24; no filtering between them was observed",
        }
    ]


@pytest.mark.parametrize(
    "text",
    ["not json", "{}", '{"as_of": "2026-11-23", "scan": {}}', "[]"],
)
def test_bad_scan_json_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "scan.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScanJsonError, match="not a legacyscan scan.json"):
        load_scan_json(path)


def test_missing_scan_json(tmp_path: Path) -> None:
    with pytest.raises(ScanJsonError, match="cannot read"):
        load_scan_json(tmp_path / "nope.json")
