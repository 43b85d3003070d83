"""The XLSX workbook for managers: a summary sheet and one sheet per table, in one language.

Headers and closed-list values (classes, statuses, levels, actions) are translated;
numbers stay numbers, dates stay dates, costs carry a euro format, so that a manager
can sort, filter and sum.  openpyxl treats a string that starts with '=' as a formula:
every device string is stored explicitly as text, so a hostile banner never computes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from legacyscan.report.i18n import Language
from legacyscan.report.tables import Table, Value, all_tables
from legacyscan.report.view import ReportView

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


def _put(cell: Cell, value: Value, lang: Language, column: str) -> None:
    if isinstance(value, str):
        if column in TERMS:
            value = lang.term(TERMS[column], value)
        cell.value = value
        cell.data_type = "s"  # never a formula, whatever the device wrote
        return
    if isinstance(value, bool):
        cell.value = lang.t("xlsx.bool_true") if value else lang.t("xlsx.bool_false")
        return
    cell.value = value
    if isinstance(value, dt.date):
        cell.number_format = "dd/mm/yyyy" if lang.code == "fr" else "yyyy-mm-dd"
    elif column == "cost_eur":
        cell.number_format = EURO_FORMAT[lang.code]


def _sheet(book: Workbook, table: Table, lang: Language) -> None:
    sheet = book.create_sheet(lang.t(f"xlsx.sheet.{table.name}"))
    headers = [lang.t(f"xlsx.col.{c}") for c in table.columns]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
    widths = [len(h) for h in headers]
    for n, row in enumerate(table.rows, start=2):
        for m, (column, value) in enumerate(zip(table.columns, row, strict=True), start=1):
            cell = sheet.cell(row=n, column=m)
            _put(cell, value, lang, column)
            widths[m - 1] = max(widths[m - 1], min(60, len(str(cell.value or ""))))
    for m, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(m)].width = width + 2
    sheet.freeze_panes = "A2"
    if table.rows:
        sheet.auto_filter.ref = sheet.dimensions


def _summary(book: Workbook, view: ReportView, lang: Language) -> None:
    sheet = book.active
    sheet.title = lang.t("xlsx.sheet.summary")
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
    for label, value in lines:
        sheet.append([label])
        row = sheet.max_row
        if value is not None:
            _put(sheet.cell(row=row, column=2), value, lang, "")
        if label in (lang.t("xlsx.budget"), lang.t("xlsx.plan_cost")):
            sheet.cell(row=row, column=2).number_format = EURO_FORMAT[lang.code]
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 60
    sheet.column_dimensions["B"].width = 40


def write_xlsx(view: ReportView, path: Path, lang: str) -> None:
    language = Language.load(lang)
    book = Workbook()
    _summary(book, view, language)
    for table in all_tables(view):
        _sheet(book, table, language)
    tmp = path.with_name(path.name + ".tmp")
    book.save(tmp)
    tmp.replace(path)
