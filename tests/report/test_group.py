"""The group page: sites side by side, in both languages, hostile names escaped."""

from __future__ import annotations

from legacyscan.report.group import SiteColumn, TopDevice, render_group


def _column(site: str, name: str = "RAD-CT-1") -> SiteColumn:
    return SiteColumn(
        site=site, scan_id=4, vantage="dc", finished="2026-11-23T10:00:00+00:00",
        as_of="2026-11-23", devices=12, legacy=3, clinical=4, exposures=2, risk_total=1234.5,
        scans=2, jobs_done=2, jobs_failed=1, jobs_open=0,
        top=(TopDevice("10.20.0.11", name, "medical", "Microsoft Windows XP", "eol", 103.0),),
        report_file="report-x.html",
    )  # fmt: skip


def test_the_sites_are_columns_side_by_side_in_french_and_english() -> None:
    columns = [_column("chu-nord"), _column("chu-sud")]
    english = render_group(columns, "en", "postgresql://db/inventory", "2026-12-07")
    assert english.count('<th class="site" scope="col">') == 2
    assert "2 sites, 24 devices" in english and "1,234.5" in english
    french = render_group(columns, "fr", "postgresql://db/inventory", "2026-12-07")
    assert "Les sites du groupe côte à côte" in french and "1\u202f234,5" in french
    assert "support terminé" in french and "7 décembre 2026" in french


def test_names_from_devices_and_sites_are_escaped() -> None:
    page = render_group(
        [_column("<script>alert(1)</script>", name='<img src=x onerror="alert(2)">')],
        "en", "inv", "2026-12-07",
    )  # fmt: skip
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
