"""The XLSX workbook for managers: a summary sheet and one sheet per table, in one language.

Headers and closed-list values (classes, statuses, levels, actions) are translated;
numbers stay numbers, dates stay dates, costs carry a euro format, so that a manager
can sort, filter and sum.  Sheets are streamed (openpyxl's write-only mode).  openpyxl
treats a string that starts with '=' as a formula: every device string is stored
explicitly as text, so a hostile banner never computes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from legacyscan.errors import UserError
from legacyscan.files import atomic_open
from legacyscan.report.i18n import Language
from legacyscan.report.tables import (
    Table,
    Value,
    ai_services_table,
    devices_table,
    findings_table,
    plan_table,
    reach_summary_table,
    segments_table,
)
from legacyscan.report.view import ReportView, Sentence

#: Columns whose values come from a closed list, and the catalogue group that names them.
TERMS = {
    "device_class": "term.class",
    "clinical_class": "term.class",
    "lifecycle_status": "term.status",
    "risk_level": "term.level",
    "kind": "term.kind",
    "action": "term.action",
    "origin": "term.origin",
}
EURO_FORMAT = {"fr": '#,##0.00 "€"', "en": '"€"#,##0.00'}
HEADER_FILL = PatternFill("solid", fgColor="0B5394")


#: Excel's limit is 1,048,576 rows per sheet: the header, the rows, and a line saying
#: what was left out (the CSV export has every row).
MAX_ROWS = 1_048_576 - 2


def _cell(sheet: Any, value: Value, lang: Language, column: str) -> WriteOnlyCell:
    if isinstance(value, Sentence):
        value = lang.msg(value.message)
    if isinstance(value, str):
        if column in TERMS:
            value = lang.term(TERMS[column], value)
        # XLSX (XML 1.0) cannot hold most C0 controls: openpyxl raises on them.  A device's
        # ESC or NUL becomes U+FFFD, as in the GraphML export.
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
        cell.data_type = "s"  # never a formula, whatever the device wrote
        return cell
    if isinstance(value, bool):
        return WriteOnlyCell(sheet, value=lang.t("xlsx.bool_true" if value else "xlsx.bool_false"))
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, dt.date):
        cell.number_format = "dd/mm/yyyy" if lang.code == "fr" else "yyyy-mm-dd"
    elif column == "cost_eur":
        cell.number_format = EURO_FORMAT[lang.code]
    return cell


def _sheet(book: Workbook, table: Table, lang: Language) -> None:
    sheet = book.create_sheet(lang.t(f"xlsx.sheet.{table.name}"))
    headers = [lang.t(f"xlsx.col.{c}") for c in table.columns]
    # Write-only sheets stream to disk (20,000 devices in seconds, not minutes), so the
    # widths are set first, from the headers and the first rows.
    widths = [len(h) for h in headers]
    for row in table.rows[:200]:
        for m, value in enumerate(row):
            widths[m] = max(widths[m], min(60, len(str(value or ""))))
    for m, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(m)].width = width + 2
    sheet.freeze_panes = "A2"
    if table.rows:
        last = min(len(table.rows), MAX_ROWS) + 1
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{last}"
    header_cells = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in table.rows[:MAX_ROWS]:
        sheet.append([_cell(sheet, v, lang, c) for c, v in zip(table.columns, row, strict=True)])
    if len(table.rows) > MAX_ROWS:
        sheet.append([lang.t("xlsx.truncated", n=lang.num(len(table.rows) - MAX_ROWS))])


def _summary(book: Workbook, view: ReportView, lang: Language) -> None:
    sheet = book.create_sheet(lang.t("xlsx.sheet.summary"))
    sheet.column_dimensions["A"].width = 60
    sheet.column_dimensions["B"].width = 40
    meta, cover = view.meta, view.cover
    lines: list[tuple[str, Any]] = [
        (lang.t("cover.title"), None),
        (lang.t("cover.client"), cover.client),
        (lang.t("cover.site"), cover.site or meta.site),
        (lang.t("cover.scope"), cover.scope or ", ".join(meta.targets)),
        (lang.t("cover.as_of"), meta.as_of),
        (lang.t("cover.author"), cover.author),
        ("", None),
        (lang.t("summary.card_devices"), len(view.rows)),
        (lang.t("summary.card_legacy"), view.legacy_count),
        (lang.t("summary.card_clinical"), view.clinical_count),
        (lang.t("summary.card_exposed"), view.exposed_clinical),
        (lang.t("summary.card_mixed"), len(view.assessment.topology.mixed_segments)),
        (lang.t("summary.card_kev"), view.kev_count),
    ]
    if view.assessment.network_score is not None:
        lines.append((lang.t("summary.card_network_score"), view.assessment.network_score))
    for level, n in view.levels:
        lines.append((f"{lang.t('js.col_score')}: {lang.term('term.level', level)}", n))
    plan = view.assessment.plan
    if plan:
        lines += [
            ("", None),
            (lang.t("xlsx.budget"), plan.budget),
            (lang.t("xlsx.plan_cost"), plan.total_cost),
            (lang.t("xlsx.risk_before"), plan.risk_before),
            (lang.t("xlsx.risk_after"), plan.risk_after),
        ]
    title = WriteOnlyCell(sheet, value=lines[0][0])
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    for label, value in lines[1:]:
        cells = [WriteOnlyCell(sheet, value=label)]
        if value is not None:
            cell = _cell(sheet, value, lang, "")
            if label in (lang.t("xlsx.budget"), lang.t("xlsx.plan_cost")):
                cell.number_format = EURO_FORMAT[lang.code]
            cells.append(cell)
        sheet.append(cells)


def write_xlsx(view: ReportView, path: Path, lang: str) -> None:
    if not path.parent.is_dir():
        # before the write-only sheets open their temporary files, which a failed save
        # would leave to the garbage collector
        raise UserError(f"cannot write {path}: folder {path.parent} does not exist")
    language = Language.load(lang)
    book = Workbook(write_only=True)
    _summary(book, view, language)
    for table in (
        devices_table(view),
        findings_table(view),
        plan_table(view),
        segments_table(view),
        reach_summary_table(view),  # pairs by the hundred thousand belong in the CSV
        ai_services_table(view),
    ):
        _sheet(book, table, language)
    with atomic_open(path, "wb") as handle:
        book.save(handle)
