"""Numbers that say what they mean: the scope summarised, scores with their scale,
segments once each with their VLAN, empty segments left out unless asked."""

from __future__ import annotations

import html
import re
from dataclasses import replace

from legacyscan.model import Assessment, Segment
from legacyscan.report.html import css_string, render_view
from legacyscan.report.view import build_view, summarise_scope


def _page(assessment: Assessment, lang: str = "en", **options: bool) -> str:
    return html.unescape(render_view(build_view(assessment, None, **options), lang))


def _cover(page: str, lang: str) -> str:
    cover = rf'<div class="i18n" lang="{lang}">\s*<p class="kicker">(.*?)</dl>'
    found = re.search(cover, page, re.S)
    assert found
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1)))


def test_a_long_scope_is_counted_on_the_cover_and_listed_in_the_appendix(
    rich_assessment: Assessment,
) -> None:
    targets = tuple(f"10.7.{n}.0/28" for n in range(60)) + ("10.9.0.1",)
    wide = replace(rich_assessment, meta=replace(rich_assessment.meta, targets=targets))
    page = _page(wide)
    cover = _cover(page, "en")
    assert "Scope 61 address ranges, 961 addresses (list in the appendix)" in cover
    assert "10.7.3.0/28" not in cover
    assert "61 plages d'adresses, 961 adresses (liste en annexe)" in _cover(page, "fr")
    listed = re.search(r'<details class="scope-list" id="scope-list">(.*?)</details>', page, re.S)
    assert listed and all(f"<code>{t}</code>" in listed.group(1) for t in targets)
    # a short scope is written out, and its list is open
    assert "10.1.1.0/24, 10.1.2.0/24, 10.1.3.0/24" in _cover(_page(rich_assessment), "en")
    assert '<details class="scope-list" id="scope-list" open>' in _page(rich_assessment)


def test_scope_summary_counts_overlaps_once_and_names_as_one() -> None:
    summary = summarise_scope(("127.1.0.0/24", "127.1.0.128/25", "127.1.1.1", "pacs.local"))
    assert (len(summary.targets), summary.addresses, summary.listed) == (4, 258, True)


def test_the_network_score_says_its_scale_and_what_to_do(rich_assessment: Assessment) -> None:
    assert rich_assessment.network_score is not None
    page = _page(rich_assessment)
    assert "0 is best: no clinical device is within reach of a legacy system." in page
    assert "100 is worst: a flat network" in page
    assert "To lower it, take clinical devices out of the legacy systems' reach" in page
    assert "0 est le mieux : aucun équipement de soin n'est joignable" in page
    assert "segmentation score (0: best, 100: worst)" in page
    # a segment's score: its range from the weights (30 + 40 + 20) and its direction
    assert "from 0 (no legacy system in it) to 90" in page and "higher is worse" in page


def test_segments_with_no_device_of_their_own_are_left_out_unless_asked(
    rich_assessment: Assessment,
) -> None:
    topology = rich_assessment.topology
    router_side = Segment("10.1.9.0/24", "10.1.9.0/24", ("10.1.1.10",), "snmp-interface")
    vlan = replace(topology.segments[1], vlan=20)
    segments = (topology.segments[0], vlan, *topology.segments[2:], router_side)
    with_extra = replace(rich_assessment, topology=replace(topology, segments=segments))
    view = build_view(with_extra)
    assert [s.segment.name for s in view.segments] == ["admin", "biomed", "guest"]
    assert view.hidden_segments == 1
    page = _page(with_extra)
    table = re.search(r'<table class="compact" id="segment-table">(.*?)</table>', page, re.S)
    assert table and "10.1.9.0/24" not in table.group(1)
    assert "VLAN 20 · <code>10.1.2.0/24</code>" in table.group(1)
    assert "1 segments where no device sits" in page and "--show-empty-segments" in page
    shown = build_view(with_extra, show_empty_segments=True)
    assert [s.segment.name for s in shown.segments][-1] == "10.1.9.0/24"
    assert shown.hidden_segments == 0


def test_a_client_name_cannot_leave_the_print_stylesheet() -> None:
    escaped = css_string('CHU "Nord" </style><script>')
    assert escaped.startswith('"CHU ') and escaped.endswith('"')
    assert "<" not in escaped and '"' not in escaped[1:-1] and "/" not in escaped
