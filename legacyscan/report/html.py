"""The HTML report: one self-contained file that opens from a USB key, offline.

CSS, the one script and every chart (SVG) are inline; the Content-Security-Policy
forbids every load and allows exactly that style and that script, by their SHA-256
hashes.  Words come from the catalogues (both languages are in the page, ``--lang``
picks the one it opens in).  Strings from a scan reach the page in two ways only:
through jinja2's autoescape, or inside the JSON data block, where ``<``, ``>`` and
``&`` are written as ``\\u003c``-style escapes so that a banner holding
``</script>`` cannot close the block; the script puts them in the page with
``textContent``, never as markup.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from legacyscan.codec import from_data
from legacyscan.files import atomic_write
from legacyscan.model import PLAN_ACTIONS, Assessment, Message, Provenance
from legacyscan.model.aiusage import UsageData
from legacyscan.paths import reports_dir
from legacyscan.plan import CostModel
from legacyscan.report.ai_usage import AiUsageView
from legacyscan.report.i18n import LANGUAGES, Language, catalogue
from legacyscan.report.page_data import page_data
from legacyscan.report.svg import bar_chart
from legacyscan.report.view import Cover, ReportView, build_view
from legacyscan.risk.device import RiskModel, reason_of
from legacyscan.risk.weights import RiskWeights, parse_weights

_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                 0x2028: "\\u2028", 0x2029: "\\u2029"}  # fmt: skip


def json_for_script(data: Any) -> str:
    """JSON that is inert inside ``<script type="application/json">``, whatever it holds."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # one replace per character, not str.translate: five times faster on a 100 MB page
    for char, escape in _JSON_ESCAPES.items():
        text = text.replace(chr(char), escape)
    return text


def csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _safe_url(url: object) -> str | None:
    return url if isinstance(url, str) and url.startswith("https://") else None


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(reports_dir())),
        autoescape=True,  # always, whatever the template's file name
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = _safe_url
    return env


def _data_versions(made: Provenance | None) -> dict[str, str]:
    """What knowledge the verdicts came from, as the assessment recorded it."""
    if made is None:  # a scan.json of schema 1 judged again: reopen() always sets one
        return {"rules": "?", "eol_records": "?", "eol_checked": "", "knowledge": "",
                "rejudged_from": ""}  # fmt: skip
    return {
        "rules": str(made.rules),
        "eol_records": str(made.eol_records),
        "eol_checked": made.eol_checked.isoformat() if made.eol_checked else "",
        "knowledge": made.knowledge,
        "rejudged_from": made.rejudged_from,
    }


@dataclass(frozen=True)
class CostRow:
    """One line of the method's cost table: what one action costs for one class or type."""

    group: str  # "class" | "type"
    name: str  # device class or device type
    action: str
    cost: float


@dataclass(frozen=True)
class CostTable:
    currency: str
    rows: tuple[CostRow, ...]
    source: str = ""  # the user's cost file; empty: the shipped placeholder figures


def _cost_table(made: Provenance | None) -> CostTable | None:
    """The cost model the plan was computed with, as rows for a reader (None: no plan)."""
    if made is None or made.costs is None:
        return None
    model = from_data(CostModel, made.costs)
    rows = [
        CostRow(group, name, action, prices[action])
        for group, table in (("class", model.classes), ("type", model.types))
        for name, prices in table.items()
        for action in PLAN_ACTIONS
        if action in prices
    ]
    shipped = model.source.startswith("fingerprints/costs.yaml")
    return CostTable(model.currency, tuple(rows), "" if shipped else model.source)


@dataclass(frozen=True)
class ExposureWeight:
    port: str
    reason: Message
    points: float


def _exposure_weights(weights: RiskWeights) -> list[ExposureWeight]:
    """The risky-service weights with their reasons as sentences of the catalogues."""
    rows = [
        ExposureWeight(str(port), reason_of(entry), entry.points)
        for port, entry in weights.exposure.items()
    ]
    snmp = weights.snmp_default_community
    if snmp is not None:
        rows.append(ExposureWeight("SNMP", reason_of(snmp), snmp.points))
    return rows


def summary_charts(view: ReportView, L: Language) -> dict[str, Markup]:
    """The summary's charts in one language: risk levels, lifecycle, end-of-life horizon."""
    levels = [
        (L.term("term.level", level), n, f"level-{level}", L.num(n)) for level, n in view.levels
    ]
    statuses = [
        (L.term("term.status", status), n, f"status-{status}", L.num(n))
        for status, n in view.statuses
    ]
    entries, _ = view.horizon
    eol_now = dict(view.statuses)["eol"]
    horizon = [(L.t("summary.already_eol"), eol_now, "status-eol", L.num(eol_now))] + [
        (
            L.t("summary.within_months", n=h.months),
            len(h.addresses),
            "status-extended",
            L.num(len(h.addresses)),
        )
        for h in entries
    ]
    return {
        "levels": bar_chart(levels, L.t("summary.chart_levels")),
        "statuses": bar_chart(statuses, L.t("summary.chart_statuses")),
        "horizon": bar_chart(horizon, L.t("summary.chart_horizon")),
    }


def render_html(assessment: Assessment, lang: str = "en", cover: Cover | None = None) -> str:
    view = build_view(assessment, cover)
    return render_view(view, lang)


def css_string(text: str) -> str:
    """``text`` as a CSS string literal: every character but letters, digits and spaces
    escaped, so that no quote, backslash or ``</style>`` of a client's name gets out."""
    out = []
    for char in text:
        if char.isascii() and (char.isalnum() or char == " "):
            out.append(char)
        else:
            out.append(f"\\{ord(char):06x} ")  # the space ends the escape and is eaten
    return '"' + "".join(out) + '"'


def print_margins(view: ReportView, L: Language) -> str:
    """The PDF's margin boxes: the title and client at the bottom left, page x / n right."""
    left = L.t("cover.title") + (f" — {view.cover.client}" if view.cover.client else "")
    font = "font: 7.5pt system-ui, sans-serif; color: #5b6b7c;"
    return (
        "@page { "
        f"@bottom-left {{ content: {css_string(left)}; {font} }} "
        f'@bottom-right {{ content: counter(page) " / " counter(pages); {font} }} '
        "}"
    )


def _ai_usage_chart(usage: AiUsageView | None, L: Language) -> Markup:
    """Connections to outside AI services per day (the evidence the section counts)."""
    if usage is None:
        return Markup("")
    items = [
        (L.date(c.name, short=True), c.connections, "ai-day", L.num(c.connections))
        for c in usage.by_day
    ]
    return bar_chart(items, L.t("ai_usage.by_day"))


def render_view(
    view: ReportView,
    lang: str = "en",
    print_mode: bool = False,
    ai_usage: UsageData | None = None,
) -> str:
    """The report page; ``print_mode`` makes the page the PDF prints: one language, every
    finding, the contents and the page margins.  ``ai_usage``: the section on outside AI
    services (``legacyscan ai-usage`` data)."""
    catalogue(lang)  # an unknown language fails here, with a clear message
    env = _environment()
    css = (reports_dir() / "style.css").read_text(encoding="utf-8")
    script = (reports_dir() / "report.js").read_text(encoding="utf-8")
    if "</" in script:  # would end the inline script early
        raise AssertionError("report.js must not contain '</'")
    languages = [Language.load(lang)]
    if not print_mode:
        languages += [Language.load(c) for c in LANGUAGES if c != lang]
    print_css = print_margins(view, languages[0]) if print_mode else ""
    data = page_data(view, lang)
    usage = AiUsageView(ai_usage) if ai_usage is not None else None
    made = view.assessment.provenance
    weights = made.weights if made is not None else RiskModel.load().weights
    styles = " ".join(csp_hash(text) for text in (css, print_css) if text)
    csp = "; ".join(
        (
            "default-src 'none'",
            f"style-src {styles}",
            f"script-src {csp_hash(script)}",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )
    return env.get_template("report.html.j2").render(
        v=view,
        meta=view.meta,
        cover=view.cover,
        lang=lang,
        langs=languages,
        css=Markup(css),  # our own file, not scan data
        print_css=Markup(print_css),  # every character of the client's name escaped
        print_mode=print_mode,
        script=Markup(script),
        data_json=Markup(json_for_script(data)),
        csp=csp,
        summary_charts=lambda L: summary_charts(view, L),
        risk_weights=weights,
        exposure_weights=_exposure_weights(parse_weights(weights, "the scan's risk weights")),
        cost_model=_cost_table(made),
        data_versions=_data_versions(made),
        ai_usage=usage,
        ai_usage_chart=lambda L: _ai_usage_chart(usage, L),
    )


def write_html(
    assessment: Assessment, path: Path, lang: str = "en", cover: Cover | None = None
) -> None:
    """Write atomically: a failing render never leaves half a report behind."""
    atomic_write(path, render_html(assessment, lang, cover))
