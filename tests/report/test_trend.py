"""The executive summary's "since the previous scan" box (the inventory's trend)."""

from __future__ import annotations

import html
import re
from dataclasses import replace

from legacyscan.model import Assessment, Trend
from legacyscan.report.html import render_html
from legacyscan.scanfile import assessment_to_dict

TREND = Trend(
    previous_scan=12,
    previous_started="2026-11-16T08:00:00+00:00",
    current_scan=15,
    devices_before=80,
    devices_now=81,
    new_devices=2,
    gone_devices=1,
    version_changes=3,
    newly_eol=1,
    new_exposures=4,
    risk_before=310.5,
    risk_after=298.25,
    site="nord",
    common_addresses=192,
    scope_addresses=256,
)


def _trend_box(page: str) -> str:
    found = re.search(r'<div class="trend" id="trend">(.*?)</div>', page, re.S)
    assert found, "no trend box"
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))))


def test_the_trend_is_shown_in_both_languages(rich_assessment: Assessment) -> None:
    with_trend = replace(rich_assessment, trend=TREND)
    english = _trend_box(render_html(with_trend, "en"))
    assert "Since the previous scan (no. 12," in english
    assert "81 devices (was 80): 2 new, 1 gone" in english
    assert "1 devices reached end of support" in english
    assert "4 new reachable legacy system" in english
    assert "310.5 → 298.2" in english or "310.5 → 298.3" in english
    french = _trend_box(render_html(with_trend, "fr"))
    assert "Depuis l'analyse précédente (n° 12," in french
    assert "2 nouveaux, 1 disparus" in french
    assert "310,5" in french
    # which scan, and why that one
    assert "latest earlier scan of the same site (nord) whose scope overlaps" in english
    assert "192 of this scan's 256 addresses are in both" in english
    assert "même site (nord) dont le périmètre recoupe" in french
    same_scope = replace(TREND, same_scope=True, site="")
    same = _trend_box(render_html(replace(rich_assessment, trend=same_scope), "en"))
    assert "same site (no site named) over the same scope" in same


def test_no_box_for_a_first_scan(rich_assessment: Assessment) -> None:
    assert 'id="trend"' not in render_html(replace(rich_assessment, trend=None), "en")


def test_scan_json_keeps_the_trend(rich_assessment: Assessment) -> None:
    data = assessment_to_dict(replace(rich_assessment, trend=TREND))
    assert data["trend"]["previous_scan"] == 12 and data["trend"]["risk_after"] == 298.25
