"""``legacyscan eol``: look at the end-of-life database and refresh it from public data."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import click

from legacyscan.cli.common import as_of_date, as_of_option, format_option, progress
from legacyscan.cli.terminal import echo
from legacyscan.errors import UserError
from legacyscan.lifecycle.database import EolDatabase
from legacyscan.lifecycle.hardware import HardwareRecord, hardware_lifecycle
from legacyscan.lifecycle.kev import mark, read_kev, write_marks
from legacyscan.lifecycle.overlay import load_mapping, merge, read_dump, write_overlay
from legacyscan.lifecycle.records import load_records
from legacyscan.messages import plain
from legacyscan.model import EolRecord
from legacyscan.paths import user_data_dir


class UnknownProductError(UserError, LookupError):
    """No product, or more than one, matches what the user typed."""


@click.group("eol")
def eol_group() -> None:
    """The end-of-life database: one dated, sourced record per product cycle.

    \b
      legacyscan eol show "Windows 10"            cycles, dates and today's verdicts
      legacyscan eol show ubuntu --as-of 2024-01-01
      legacyscan eol show hardware                every hardware model record
      legacyscan eol show "catalyst 2960"         hardware families matching the words
      legacyscan eol show policies                vendor rules some ends are computed from
      legacyscan eol import products-full.json    merge an endoflife.date dump
      legacyscan eol import --kev kev.json        mark known-exploited products
    """


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.casefold())


def find_product(db: EolDatabase, query: str) -> tuple[str, str]:
    wanted = _norm(query)
    products = db.products()
    exact = [p for p in products if wanted in (_norm(p[1]), _norm(p[0] + p[1]))]
    matches = exact or [p for p in products if wanted and wanted in _norm(p[0] + p[1])]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        known = ", ".join(sorted({f"{v} {p}" for v, p in products}))
        raise UnknownProductError(f"no end-of-life record for {query!r}; known products: {known}")
    names = ", ".join(f"{v} {p}" for v, p in matches)
    raise UnknownProductError(f"{query!r} matches several products ({names}); be more precise")


def _row(db: EolDatabase, record: EolRecord, as_of: dt.date) -> dict[str, Any]:
    verdict = db.status(record, as_of)

    def day(value: dt.date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "cycle": record.cycle,
        "versions": record.versions,
        "released": day(record.released),
        "support_end": day(record.support_end),
        "security_end": day(record.security_end),
        "security_end_latest": day(record.security_end_latest),
        "extended_end": day(record.extended_end),
        "status": verdict.status,
        "reason": plain(verdict.reason),
        "source": record.source,
        "checked": record.checked.isoformat(),
        **({"policy": verdict.policy} if verdict.policy else {}),
    }


@eol_group.command("show")
@click.argument("product")
@format_option
@as_of_option
def show_command(product: str, fmt: str, as_of: dt.datetime | None) -> None:
    """Show every cycle of PRODUCT with its dates, its verdict on the as-of date and its
    source.  PRODUCT is matched loosely: "ubuntu", "Windows 10", "cisco ios", "ESXi"."""
    db = EolDatabase.load()
    day = as_of_date(as_of)
    if product.strip().casefold() in ("policies", "policy"):
        _show_policies(db, fmt)
        return
    try:
        vendor, name = find_product(db, product)
    except UnknownProductError:
        hardware = find_hardware(db, product)
        if not hardware:
            raise
        _show_hardware(hardware, day, fmt)
        return
    rows = [_row(db, r, day) for r in db.records_of(vendor, name)]
    kev = db.known_exploited.get((vendor, name), ())
    if fmt == "json":
        doc = {"vendor": vendor, "product": name, "as_of": day.isoformat(), "cycles": rows}
        doc["known_exploited"] = list(kev)
        echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    echo(f"{vendor} {name}: {len(rows)} cycle(s), verdicts as of {day.isoformat()}")
    echo(
        f"{'cycle':<34} {'released':<10} {'mainstream':<10} {'security':<10} "
        f"{'paid ext.':<10} status"
    )
    for row in rows:
        security = row["security_end"] or "-"
        if row["security_end_latest"]:
            security += f"..{row['security_end_latest']}"
        echo(
            f"{row['cycle'][:34]:<34} {row['released'] or '-':<10} {row['support_end'] or '-':<10} "
            f"{security:<10} {row['extended_end'] or '-':<10} {row['status'].upper()}"
        )
    sources = sorted({(row["source"], row["checked"]) for row in rows})
    for source, checked in sources:
        echo(f"source: {source} (checked {checked})")
    for policy in sorted({row["policy"] for row in rows if row.get("policy")}):
        echo(f"ends computed from the vendor's policy: {policy}")
    cpes = sorted({key for r in db.records_of(vendor, name) for key in r.cpe})
    if cpes:
        echo("found by CPE: " + ", ".join(cpes))
    if kev:
        echo(
            f"known exploited (CISA KEV, product-level): {len(kev)} CVE(s): "
            + ", ".join(kev[:10])
            + (" ..." if len(kev) > 10 else "")
        )


def _show_policies(db: EolDatabase, fmt: str) -> None:
    policies = sorted(db.policies.values(), key=lambda p: p.id)
    rows = [
        {
            "id": p.id,
            "vendor": p.vendor,
            "statement": p.statement,
            "from": p.anchor,
            "years": p.years,
            "gives": p.gives,
            "source": p.source,
            "checked": p.checked.isoformat(),
            "records": sum(1 for r in db.records if r.policy == p.id)
            + sum(1 for h in db.hardware.records if h.policy is not None and h.policy.id == p.id),
        }
        for p in policies
    ]
    if fmt == "json":
        echo(json.dumps({"policies": rows}, indent=2, ensure_ascii=False))
        return
    echo(f"{len(rows)} vendor support policies (fingerprints/eol-policies.yaml)")
    for row in rows:
        echo(
            f"{row['id']}: {row['vendor']}: {row['statement']} "
            f"({row['gives']} = {row['from']} + {row['years']} years; "
            f"{row['records']} record(s) use it)"
        )
        echo(f"  source: {row['source']} (checked {row['checked']})")


def find_hardware(db: EolDatabase, query: str) -> tuple[HardwareRecord, ...]:
    """Hardware records whose vendor and family contain what the user typed ("hardware":
    all of them)."""
    wanted = _norm(query)
    if wanted == "hardware":
        return db.hardware.records
    return tuple(
        r
        for r in db.hardware.records
        if wanted and (wanted in _norm(r.vendor + r.family) or wanted in _norm(r.family))
    )


def _show_hardware(records: tuple[HardwareRecord, ...], as_of: dt.date, fmt: str) -> None:
    rows: list[dict[str, Any]] = []
    for record in records:
        verdict = hardware_lifecycle(record, as_of)
        rows.append(
            {
                "vendor": record.vendor,
                "family": record.family,
                "models": record.models,
                "end_of_sale": record.end_of_sale.isoformat() if record.end_of_sale else None,
                "last_support": record.last_support.isoformat() if record.last_support else None,
                "bulletin": record.bulletin,
                "status": verdict.status,
                "reason": plain(verdict.reason),
                "source": record.source,
                "checked": record.checked.isoformat(),
            }
        )
    if fmt == "json":
        doc = {"as_of": as_of.isoformat(), "hardware": rows}
        echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    echo(f"{len(rows)} hardware record(s), verdicts as of {as_of.isoformat()}")
    echo(f"{'vendor':<8} {'family':<40} {'end sale':<10} {'last supp.':<10} status")
    for row in rows:
        echo(
            f"{row['vendor'][:8]:<8} {row['family'][:40]:<40} {row['end_of_sale'] or '-':<10} "
            f"{row['last_support'] or '-':<10} {row['status'].upper()}"
            + (f"  {row['bulletin']}" if row["bulletin"] else "")
        )
    for source in sorted({row["source"] for row in rows}):
        echo(f"source: {source}")


@eol_group.command("import")
@click.argument("dump", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--kev",
    "kev_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CISA Known Exploited Vulnerabilities catalog (known_exploited_vulnerabilities.json): "
    "products it lists are marked in every later verdict.",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the overlay (default: $LEGACYSCAN_DATA_DIR, else "
    "$XDG_DATA_HOME/legacyscan, else ~/.local/share/legacyscan).",
)
def import_command(dump: Path | None, kev_file: Path | None, data_dir: Path | None) -> None:
    """Merge public lifecycle data downloaded elsewhere; nothing is fetched.

    DUMP is endoflife.date's v1 /products/full JSON.  Its products that we know are
    turned into records (those our mapping file does not name, through the CPE names in
    their identifiers); a cycle already covered by a record citing the vendor keeps the
    vendor's dates.  The result is written to an overlay that identify, scan and report
    read from then on.
    """
    if dump is None and kev_file is None:
        raise click.UsageError("give an endoflife.date dump, --kev FILE, or both")
    folder = data_dir or user_data_dir()
    mapping = load_mapping()
    if dump is not None:
        products = read_dump(dump)
        progress(f"{dump}: {len(products)} product(s)")
        result = merge(products, load_records(), mapping, str(dump), dt.date.today())
        path = write_overlay(result.records, folder)
        echo(
            f"endoflife.date: {result.added} cycle(s) added, {result.updated} updated, "
            f"{result.kept} kept from vendor sources, {len(result.by_cpe)} product(s) "
            f"mapped by CPE, {len(result.skipped_products)} "
            f"product(s) without a mapping or CPE skipped; overlay: {path}"
        )
    if kev_file is not None:
        # here, not at the top: loading the identify stage would slow every `eol show`
        from legacyscan.identify.rules import load_vocabulary

        catalog = read_kev(kev_file)
        vocabulary = load_vocabulary()
        marks = mark(catalog, vocabulary, mapping.get("kev") or ())
        path = write_marks(marks, catalog, kev_file, folder)
        total = sum(len(c) for c in marks.values())
        echo(
            f"KEV {catalog.version or '(no version)'}: {len(catalog.entries)} entries, "
            f"{total} mark(s) on {len(marks)} of our products; saved: {path}"
        )
