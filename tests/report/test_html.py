"""The HTML report shows hostile banners as text, loads nothing; scan.json reads back."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from legacyscan.assess import assess
from legacyscan.model import (
    Assessment,
    CollectError,
    Host,
    OsMatch,
    ScanMeta,
    Service,
    SnmpSystem,
)
from legacyscan.report.html import csp_hash, render_html, write_html
from legacyscan.report.i18n import CatalogueError, format_number
from legacyscan.report.view import Cover
from legacyscan.scanfile import (
    SCHEMA_VERSION,
    ScanJsonError,
    assessment_to_dict,
    load_scan_json,
    write_scan_json,
)

AS_OF = dt.date(2026, 11, 23)
XP_SOURCE = "https://learn.microsoft.com/en-us/lifecycle/products/windows-xp"  # as in conftest
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


def _data_block(html: str) -> str:
    found = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', html)
    assert found is not None
    return found.group(1)


def test_hostile_strings_never_appear_as_markup(page: str) -> None:
    for hostile in ("<script>alert", "<img src=x", '"><img'):
        assert hostile not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" not in _data_block(page)  # JSON, not HTML
    data = json.loads(_data_block(page))
    assert SCRIPT in json.dumps(data, ensure_ascii=False)  # kept intact, as data
    assert IMG in json.dumps(data, ensure_ascii=False)


def test_exactly_two_scripts_our_data_and_our_code(page: str) -> None:
    assert len(re.findall(r"<\s*script", page, re.IGNORECASE)) == 2
    assert len(re.findall(r"</\s*script", page, re.IGNORECASE)) == 2


def test_csp_allows_only_our_own_style_and_script_by_hash(page: str) -> None:
    meta = re.search(
        r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', page, re.IGNORECASE
    )
    assert meta is not None
    policy = html.unescape(meta.group(1))
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert "unsafe" not in policy
    script = re.findall(r"<script>(.*?)</script>", page, re.S)
    style = re.findall(r"<style>(.*?)</style>", page, re.S)
    assert len(script) == 1 and len(style) == 1
    assert directives["script-src"] == csp_hash(script[0])
    assert directives["style-src"] == csp_hash(style[0])


def test_nothing_is_loaded_from_the_network(page: str) -> None:
    assert re.search(r"\bsrc\s*=\s*[\"']?\s*(?:https?:)?//", page, re.IGNORECASE) is None
    assert re.search(r"url\(\s*[\"']?\s*(?:https?:)?//", page, re.IGNORECASE) is None
    assert re.search(r"<link\b", page, re.IGNORECASE) is None
    assert re.search(r"@import|@font-face", page, re.IGNORECASE) is None


def test_the_page_says_what_it_found(page: str) -> None:
    assert "23 November 2026" in page
    assert "Windows XP" in page
    assert "infusion-pump" in page
    assert "127.42.20.0/24" in page
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
    again, before = assessment_to_dict(assess(hosts, meta)), assessment_to_dict(assessment)
    for data in (again, before):  # made at another moment, by the same knowledge
        del data["provenance"]["judged"], data["record"]["provenance"]["judged"]
    assert again == before


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
            "evidence_message": {
                "key": "reach.same_segment",
                "args": {"segment": "127.42.20.0/24"},
            },
        }
    ]
    lifecycle = xp["identities"][0]["lifecycle"]
    assert lifecycle["reason"] == "no security updates since 2014-04-08"
    assert lifecycle["reason_message"] == {
        "key": "lifecycle.eol",
        "args": {"end": {"date": "2014-04-08"}},
    }
    factor = xp["risk"]["factors"][0]
    assert factor["explanation"] == "its software no longer receives security updates"
    assert factor["message"] == {"key": "risk.lifecycle_eol", "args": {}}


@pytest.mark.parametrize(
    "text",
    ["not json", "{}", '{"as_of": "2026-11-23", "scan": {}}', "[]"],
)
def test_bad_scan_json_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "scan.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScanJsonError, match="not JSON|not a legacyscan scan.json"):
        load_scan_json(path)


def test_missing_scan_json(tmp_path: Path) -> None:
    with pytest.raises(ScanJsonError, match="cannot read"):
        load_scan_json(tmp_path / "nope.json")


# --- every section, from an assessment with every field filled --------------------------------


def _visible_blocks(page: str, lang: str) -> str:
    """The page's text as a reader of ``lang`` sees it: other language's blocks and data dropped."""
    other = "en" if lang == "fr" else "fr"
    page = re.sub(r"<script\b.*?</script>", "", page, flags=re.S)
    page = re.sub(r"<style\b.*?</style>", "", page, flags=re.S)
    for tag in ("div", "span", "th", "p"):
        page = re.sub(rf'<{tag} class="i18n" lang="{other}">.*?</{tag}>', "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture(scope="module")
def rich_pages(rich_assessment: Assessment) -> dict[str, str]:
    cover = Cover(client="CHU Exemple", author="A. Auditrice", generated=dt.date(2026, 12, 1))
    return {lang: render_html(rich_assessment, lang, cover) for lang in ("en", "fr")}


def test_cover_names_client_site_scope_dates_and_author(rich_pages: dict[str, str]) -> None:
    en, fr = _visible_blocks(rich_pages["en"], "en"), _visible_blocks(rich_pages["fr"], "fr")
    for text in (en, fr):
        assert "CHU Exemple" in text and "A. Auditrice" in text and "Hôpital Nord" in text
        assert "10.1.1.0/24, 10.1.2.0/24, 10.1.3.0/24" in text
    assert "20 November 2026" in en and "1 December 2026" in en
    assert "20 novembre 2026" in fr and "1er décembre 2026" in fr


def test_summary_shows_the_plan_with_costs_in_each_language(rich_pages: dict[str, str]) -> None:
    en, fr = _visible_blocks(rich_pages["en"], "en"), _visible_blocks(rich_pages["fr"], "fr")
    assert "€50,000" in en and "€22,700.50" in en and "€18,500.50" in en
    assert "50\u202f000\u00a0€" in fr and "22\u202f700,50\u00a0€" in fr
    assert "replace" in en and "remplacer" in fr and "isoler" in fr
    assert "from 205 to 118 points" in en


def test_summary_without_plan_says_how_to_get_one(page: str) -> None:
    assert "No budget given" in page
    assert "<code>legacyscan plan</code>" in page


def test_summary_headline_figures_and_kev(rich_pages: dict[str, str]) -> None:
    en = _visible_blocks(rich_pages["en"], "en")
    assert re.search(r"\b7\s+devices found", en)
    assert re.search(r"\b2\s+legacy systems", en)
    assert re.search(r"\b3\s+clinical devices reachable", en)
    assert re.search(r"\b1\s+devices with known exploited", en)
    assert "37.5" in en  # the network's segmentation score


def test_horizon_chart_uses_the_risk_stage_horizon(
    rich_pages: dict[str, str], rich_assessment: Assessment
) -> None:
    assert "ends within 12 months" in rich_pages["en"]
    assert "ends within 6 months" not in rich_pages["en"]  # not given: not drawn
    assert "Computed from the end-of-support dates" not in rich_pages["en"]
    without = render_html(replace(rich_assessment, horizon=()))
    assert "Computed from the end-of-support dates" in without  # derived when none given


def test_segmentation_matrix_counts_pairs_between_segments(rich_pages: dict[str, str]) -> None:
    matrix = re.search(r'<table class="matrix">(.*?)</table>', rich_pages["en"], re.S)
    assert matrix is not None
    rows = re.findall(r"<tr><th>([^<]*)</th>(.*?)</tr>", matrix.group(1), re.S)
    cells = {name: re.findall(r"<td[^>]*>([^<]*)</td>", body) for name, body in rows}
    # columns in the same order: admin, biomed (guest holds neither legacy nor clinical)
    cells.pop("legacy in ↓ / clinical in →")  # the heading row
    assert cells == {"admin": ["2", "4"], "biomed": ["·", "·"]}


def test_segments_table_names_site_zone_risk_and_origin(rich_pages: dict[str, str]) -> None:
    fr = _visible_blocks(rich_pages["fr"], "fr")
    assert "biomedical" in fr and "critique" in fr and "VLAN lu en SNMP" in fr


def test_method_lists_profile_vantage_commands_weights(rich_pages: dict[str, str]) -> None:
    en = _visible_blocks(rich_pages["en"], "en")
    for text in ("clinical-safe", "datacentre-vlan-5", "nmap -oX - -sV --max-rate 50",
                 "identification rules", "Plan chosen within €50,000. Method: exact."):  # fmt: skip
        assert text in en
    fr = _visible_blocks(rich_pages["fr"], "fr")
    assert "Pondération du risque" in fr and "Port ouvert 445" in fr
    # the reasons of the weights are the catalogue's, not risk.yaml's English
    assert "partage de fichiers SMB, la voie de WannaCry et NotPetya" in fr
    assert "SMB file sharing" not in fr


def test_cost_model_is_a_translated_table_not_raw_json(rich_pages: dict[str, str]) -> None:
    from legacyscan.plan.budget import CostModel

    costs = CostModel.load()
    pump = costs.types["infusion-pump"]["replace"]
    for lang, words in (
        ("fr", ("Coût unitaire", "Source ou hypothèse", "type : pompe à perfusion",
                "classe : médical", "sans source publiée")),
        ("en", ("Unit cost", "Source or assumption", "type: infusion pump", "class: medical",
                "no published source")),
    ):  # fmt: skip
        page = rich_pages[lang]
        assert '<pre class="data">' not in page and "{&#34;" not in page
        method = page.split('id="method"')[1].split("</section>")[0]
        visible = _visible_blocks(method, lang)
        for word in words:
            assert word in visible, (lang, word)
        assert format_number(pump, lang) in visible
        table = method.split('class="compact costs"')[1].split("</table>")[0]
        priced = sum(len(t) for t in (*costs.classes.values(), *costs.types.values()))
        assert table.count("<tr>") == priced + 1  # a row per priced action, and the header


def test_appendix_lists_unidentified_devices_errors_and_coverage(
    rich_pages: dict[str, str],
) -> None:
    en = _visible_blocks(rich_pages["en"], "en")
    assert "Devices not identified (4)" in en  # no identity, or class unknown
    assert "10.1.3.50" in en
    assert "Problems met while collecting (1)" in en
    assert "timeout <script>alert(1)</script>" in en  # shown as text...
    assert "timeout &lt;script&gt;" in rich_pages["en"]  # ...because it was escaped
    assert "Addresses that answered but showed nothing" in en


def test_only_https_sources_are_links(rich_pages: dict[str, str]) -> None:
    data = json.loads(_data_block(rich_pages["en"]))
    sources = {o["l"].get("src") for o in data["objs"] if isinstance(o, dict) and "l" in o}
    assert {XP_SOURCE, "javascript:x"} <= sources  # the script links only the first
    assert "javascript:" not in re.sub(r"<script\b.*?</script>", "", rich_pages["en"], flags=re.S)


def test_unknown_language_is_a_user_error(rich_assessment: Assessment) -> None:
    with pytest.raises(CatalogueError, match="no report language 'de'"):
        render_html(rich_assessment, "de")


def test_horizon_lists_the_dates_to_budget_for_with_their_milestone(
    rich_assessment: Assessment,
) -> None:
    from legacyscan.model import HorizonEntry, HorizonEvent

    day = dt.date
    events = (
        HorizonEvent("10.1.2.40", day(2027, 1, 31), "end_of_sale", "Cisco IOS XE 17.3", "x"),
        HorizonEvent("10.1.2.41", day(2027, 10, 31), "last_support", "Cisco Catalyst 2960-X", "x"),
        HorizonEvent("10.1.2.42", day(2028, 10, 10), "extended_end", "Microsoft Windows 10", "x"),
    )
    horizon = (
        HorizonEntry(12, ("10.1.2.41",), events[:2]),
        HorizonEntry(36, ("10.1.2.41", "10.1.2.42"), events),
    )
    page = render_html(replace(rich_assessment, horizon=horizon))
    listed = re.search(r'<details class="horizon-events">(.*?)</details>', page, re.S)
    assert listed is not None
    assert "Dates to budget for in the next 36 months" in listed.group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", listed.group(1), re.S)
    assert len(rows) == 3
    assert "end of sale" in rows[0] and "Cisco IOS XE 17.3" in rows[0]
    assert "last date of hardware support" in rows[1]
    assert "end of paid extension (ESU)" in rows[2] and "10.1.2.42" in rows[2]
    french = render_html(replace(rich_assessment, horizon=horizon), "fr")
    assert "fin de commercialisation" in french and "dernier jour de support du matériel" in french
    quiet = (HorizonEntry(12, ("10.1.2.41",)),)  # a horizon given without its dates
    assert "horizon-events" not in render_html(replace(rich_assessment, horizon=quiet))
