"""``legacyscan history``, ``diff``, ``devices`` and ``db ...``: the inventory's commands."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from legacyscan.cli.common import format_option, progress
from legacyscan.cli.terminal import echo
from legacyscan.codec import to_data
from legacyscan.errors import UserError
from legacyscan.files import atomic_write, read_text
from legacyscan.inventory.location import default_path

if TYPE_CHECKING:
    from legacyscan.inventory import Inventory
    from legacyscan.inventory.recorder import InventoryRecorder
    from legacyscan.model import ScanMeta, Trend

F = TypeVar("F", bound=Callable[..., Any])

DB_HELP = (
    "Inventory to use: a SQLite file or a postgresql://user@host/dbname URL "
    f"(default: $LEGACYSCAN_DB, else {default_path()})."
)


def db_option(function: F) -> F:
    return click.option("--db", "db", default=None, metavar="PATH|URL", help=DB_HELP)(function)


def inventory_options(function: F) -> F:
    """--db, --no-db, --site, --vantage for the commands that record a scan."""
    for option in reversed(
        (
            click.option("--db", "db", default=None, metavar="PATH|URL", help=DB_HELP),
            click.option("--no-db", is_flag=True, help="Do not record this scan in the inventory."),
            click.option(
                "--site", default="", help="Site the scan belongs to, e.g. 'chu-nord' (recorded)."
            ),
            click.option(
                "--vantage",
                default="",
                help="Where the scanner stands, e.g. 'datacentre-vlan5' (recorded).",
            ),
        )
    ):
        function = option(function)
    return function


RESUME_FILE = "inventory-scan.json"  # in the scan's --out folder: which scan --resume continues


@contextmanager
def open_recorder(
    db: str | None, no_db: bool, meta: ScanMeta, out: Path, resume: bool
) -> Iterator[InventoryRecorder | None]:
    """The inventory recorder of a scan (None with --no-db); the database closed after.

    A new scan is begun, and its id written to OUT/inventory-scan.json; with ``resume``
    the scan named there is continued when it is still unfinished in the same inventory.
    """
    if no_db:
        yield None
        return
    from legacyscan.inventory import Inventory
    from legacyscan.inventory.recorder import InventoryRecorder

    inventory = Inventory.open(db)
    try:
        recorder = _resumed(inventory, out) if resume else None
        if recorder is None:
            recorder = InventoryRecorder.start(inventory, meta, progress=progress)
            progress(f"inventory: scan {recorder.scan_id} in {inventory.location}")
            marker = {"inventory": inventory.location, "scan_id": recorder.scan_id}
            atomic_write(out / RESUME_FILE, (json.dumps(marker) + "\n").encode())
        yield recorder
    finally:
        inventory.close()


def _resumed(inventory: Inventory, out: Path) -> InventoryRecorder | None:
    """The unfinished scan OUT/inventory-scan.json names, if this inventory holds it."""
    from legacyscan.inventory.recorder import InventoryRecorder

    try:
        # A scan folder is user data: a regular, small file only (a FIFO would block).
        marker = json.loads(read_text(out / RESUME_FILE, UserError, limit=1 << 16))
        scan_id, where = int(marker["scan_id"]), str(marker["inventory"])
    except (UserError, ValueError, KeyError, TypeError, RecursionError):
        progress(f"inventory: no readable {RESUME_FILE} in {out}; recording a new scan")
        return None
    if where != inventory.location:
        progress(f"inventory: the interrupted scan was recorded in {where}; a new scan starts")
        return None
    unfinished = {s.id for s in inventory.unfinished_scans()}
    if scan_id not in unfinished:
        progress(f"inventory: scan {scan_id} is not unfinished there; recording a new scan")
        return None
    recorder = InventoryRecorder.resume(inventory, scan_id, progress=progress)
    progress(f"inventory: continuing scan {scan_id} in {inventory.location}")
    return recorder


def print_trend(trend: Trend | None) -> None:
    from legacyscan.cli.inventory_text import trend_line

    if trend is None:
        echo(
            "no trend: no earlier finished scan of this site covers at least half of this "
            "scope (and half of its own) in the inventory",
            err=True,
        )
    else:
        echo(trend_line(trend), err=True)


def _echo_json(data: dict[str, Any]) -> None:
    echo(json.dumps({k: to_data(v) for k, v in data.items()}, indent=2, ensure_ascii=False))


@click.command("history")
@db_option
@click.option("--site", default=None, help="Only the scans of this site.")
@format_option
def history_command(db: str | None, site: str | None, fmt: str) -> None:
    """List the scans and imports in the inventory, oldest first, with their counts.

    A scan that was interrupted (killed, crashed) is listed as "running" with the
    pieces it committed; `legacyscan db check` tells whether the inventory is sound.
    """
    from legacyscan.inventory import Inventory

    with Inventory.open(db, create=False) as inventory:
        scans = inventory.scans(site=site)
        if fmt == "json":
            _echo_json({"inventory": inventory.location, "scans": scans})
            return
        echo(f"inventory: {inventory.location}")
        if not scans:
            echo("no scan recorded yet (run: legacyscan scan TARGETS --out DIR)")
            return
        echo(
            f"{'id':>4}  {'kind':<6}  {'status':<8}  {'started':<25}  {'site/vantage':<20}  "
            f"{'devices':>7}  {'legacy':>6}  {'pairs':>5}  {'risk':>8}  targets"
        )
        for s in scans:
            if s.summary is not None:
                counts = (
                    f"{s.summary.devices:>7}  {s.summary.legacy:>6}  "
                    f"{len(s.summary.exposures):>5}  {s.summary.risk_total:>8.1f}"
                )
            else:
                counts = f"{'':>7}  {'':>6}  {'':>5}  {'':>8}"
            targets = " ".join(s.targets[:3]) + (" ..." if len(s.targets) > 3 else "")
            echo(
                f"{s.id:>4}  {s.kind:<6}  {s.status:<8}  {s.started:<25}  {s.where:<20}  "
                f"{counts}  {targets}"
            )
            if s.status == "running":
                echo(f"{'':>6}unfinished: {s.chunks} piece(s) committed, {s.hosts} host(s) kept")


@click.command("diff")
@click.argument("old", type=int, required=False)
@click.argument("new", type=int, required=False)
@db_option
@click.option("--site", default=None, help="Compare the last two scans of this site.")
@format_option
def diff_command(
    old: int | None, new: int | None, db: str | None, site: str | None, fmt: str
) -> None:
    """What changed between scan OLD and scan NEW (ids from `legacyscan history`).

    \b
    Without ids: the last two finished scans (of --site if given).
    With one id: that scan against the previous one of the same site.

    Lists new and gone devices, moved (re-addressed) devices, changed versions, devices
    newly past end of support, newly reachable legacy -> clinical pairs and the change
    of total risk.  Devices are matched across scans by MAC, else by address and identity.
    """
    from legacyscan.inventory import Inventory
    from legacyscan.inventory.diff import default_pair, diff

    with Inventory.open(db, create=False) as inventory:
        old_id, new_id = default_pair(inventory, old, new, site)
        change = diff(inventory, old_id, new_id)
    if fmt == "json":
        data = to_data(change)
        data["risk_delta"] = change.risk_delta
        echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    from legacyscan.cli.inventory_text import print_diff

    print_diff(change)


@click.command("devices")
@db_option
@click.option("--site", default=None, help="Only the devices of this site.")
@format_option
def devices_command(db: str | None, site: str | None, fmt: str) -> None:
    """One view of every device across sites and vantage points, latest state first.

    Each device shows the value chosen when sources disagree (SNMP over nmap, a scanner
    on the device's own subnet over a remote one, newer over older) and, below it, what
    the other sources said.
    """
    from legacyscan.inventory import Inventory
    from legacyscan.inventory.merge import merged_view

    with Inventory.open(db, create=False) as inventory:
        devices = merged_view(inventory, site)
        location = inventory.location
    if fmt == "json":
        _echo_json({"inventory": location, "devices": devices})
        return
    from legacyscan.cli.inventory_text import print_devices

    print_devices(location, devices)


@click.group("db")
def db_group() -> None:
    """The inventory database itself: where it is, consistency check, backup and restore."""


@db_group.command("path")
@db_option
def db_path(db: str | None) -> None:
    """Print which inventory would be used (after --db and $LEGACYSCAN_DB)."""
    from legacyscan.inventory.backend import _redact
    from legacyscan.inventory.location import resolve

    echo(_redact(resolve(db)))


@db_group.command("check")
@db_option
def db_check(db: str | None) -> None:
    """Check that the inventory is consistent (exit 1 when it is not).

    Interrupted scans are not errors: each is listed as unfinished, with how to finish
    it.  A path where no inventory exists is an error (nothing is created).
    """
    from legacyscan.inventory import Inventory
    from legacyscan.inventory.check import check

    with Inventory.open(db, create=False) as inventory:
        report = check(inventory)
        location = inventory.location
        unfinished = inventory.unfinished_scans() if report.unfinished else ()
    echo(
        f"{location}: schema {report.schema_version}, {report.scans} scan(s) "
        f"({report.unfinished} unfinished), {report.observations} observation(s), "
        f"{report.results} result(s), {report.devices} device(s)"
    )
    for scan in unfinished:
        # not an inconsistency (a scan may be running right now), but never silent
        echo(
            f"unfinished: scan {scan.id} ({scan.kind}, started {scan.started}): "
            f"{scan.chunks} piece(s), {scan.hosts} host(s) committed, no results; "
            "`legacyscan scan --resume --out DIR` continues a scan, and importing its "
            "backup again (`db import FILE`) replaces one that a killed `db import` left"
        )
    for problem in report.problems:
        echo(f"problem: {problem}", err=True)
    if not report.ok:
        raise SystemExit(1)
    echo("ok")


@db_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@db_option
def db_export(file: Path, db: str | None) -> None:
    """Write the whole inventory to FILE (JSON): scans, raw evidence, results."""
    from legacyscan.inventory import Inventory
    from legacyscan.inventory.transfer import export_file

    with Inventory.open(db, create=False) as inventory:
        count = export_file(inventory, file)
    echo(f"exported {count} scan(s) to {file}")


@db_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@db_option
def db_import(file: Path, db: str | None) -> None:
    """Add the scans of an export FILE to the inventory (scans already there are skipped).

    Devices are matched to the inventory's own devices with the usual rules.  The whole
    file is checked before anything is written, and each scan is one transaction: an
    import that was killed is finished by running it again.
    """
    from legacyscan.inventory import Inventory
    from legacyscan.inventory.transfer import import_scans, read_export

    decoded = read_export(file)  # all checked before the inventory is even opened

    def said(done: int, total: int) -> None:
        progress(f"  imported scan {done} ({total} in the file)")

    with Inventory.open(db) as inventory:
        imported, skipped = import_scans(inventory, decoded, said)
        location = inventory.location
    echo(f"imported {imported} scan(s) into {location} ({skipped} already present)")


@db_group.command("add")
@click.argument(
    "scan_json", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@db_option
@click.option("--site", default=None, help="Site to record (default: the one in the file).")
@click.option("--vantage", default=None, help="Vantage point to record (default: the file's).")
def db_add(
    scan_json: tuple[Path, ...], db: str | None, site: str | None, vantage: str | None
) -> None:
    """Record scans made earlier (their scan.json files) in the inventory, as imports.

    Each file is assessed again from its raw observations, with the as-of date it was
    made with.  A file is checked completely (schema and every type) before anything is
    written, and recorded in one transaction.  The same file given again is recorded
    once (known by the SHA-256 of its content); a file with no device is not recorded.
    A file that cannot be read is reported; the others are still recorded.
    """
    import contextlib
    import hashlib
    from dataclasses import replace

    from legacyscan.assess import assess
    from legacyscan.errors import UserError
    from legacyscan.inventory import Inventory
    from legacyscan.scanfile import read_scan

    failures = 0
    with contextlib.ExitStack() as stack:
        inventory: Inventory | None = None
        for path in scan_json:
            try:
                stored = read_scan(path)
                content = path.read_bytes()
            except (UserError, OSError) as exc:
                message = str(exc) if isinstance(exc, UserError) else f"{path}: cannot read"
                echo(f"error: {message}", err=True)
                failures += 1
                continue
            if inventory is None:  # opened (created) only once a file is known good
                inventory = stack.enter_context(Inventory.open(db))
            # the content's digest names the piece: the same file twice is one scan
            key = f"scan.json sha256:{hashlib.sha256(content).hexdigest()}"
            known = inventory.scan_with_chunk(key)
            if known is not None:
                echo(f"{path}: already recorded as scan {known} (same content)")
                continue
            if not stored.hosts:
                echo(
                    f"{path}: not recorded: no device in it (an empty scan would make "
                    "every device look gone in the next diff)"
                )
                continue
            meta = replace(
                stored.meta,
                site=stored.meta.site if site is None else site,
                vantage=stored.meta.vantage if vantage is None else vantage,
            )
            scan_id = inventory.record_assessment(
                assess(stored.hosts, meta), "import", {"scan.json": content}, chunk_key=key
            )
            echo(f"{path}: recorded as scan {scan_id}")
    if failures:
        raise SystemExit(1)
