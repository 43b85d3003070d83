"""CSV exports: devices, findings, plan, segments and exposures, one file each.

Written for scripts and spreadsheets alike: UTF-8 with a byte-order mark (so that
Excel reads accents right), ISO dates, '.' decimals, English column keys.  A device
controls its banners and names, and a spreadsheet runs a cell that starts with
``= + - @`` (or a tab or carriage return) as a formula: such strings are written with
a leading apostrophe, which spreadsheets show as text (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from legacyscan.errors import UserError
from legacyscan.files import atomic_open
from legacyscan.report.tables import Table, Value, all_tables
from legacyscan.report.view import ReportView, Sentence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A string a spreadsheet will never evaluate."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, Sentence):
        return neutralise(value.plain)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    return neutralise(value)


def write_table(table: Table, path: Path) -> None:
    with atomic_open(path, encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(table.columns)
        writer.writerows([cell(v) for v in row] for row in table.rows)


def write_csv(view: ReportView, folder: Path) -> list[Path]:
    """Write one CSV per table into ``folder`` (created); return the paths written."""
    return write_tables(all_tables(view), folder)


def write_tables(tables: Iterable[Table], folder: Path) -> list[Path]:
    """One CSV per table into ``folder`` (created, its parent must exist)."""
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} is a file; csv writes a folder of tables, give a folder name")
    try:
        # the folder, not its parents: a mistyped parent is an error, not a new tree
        folder.mkdir(exist_ok=True)
    except FileNotFoundError:
        raise UserError(f"cannot write {folder}: folder {folder.parent} does not exist") from None
    except OSError as exc:
        raise UserError(f"cannot write {folder}: {exc.strerror or exc}") from None
    written = []
    for table in tables:
        path = folder / f"{table.name}.csv"
        write_table(table, path)
        written.append(path)
    return written
