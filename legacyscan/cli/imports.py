"""``legacyscan import``: nmap XML made elsewhere, identified and reported like a scan."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from legacyscan import __version__
from legacyscan.assess import assess
from legacyscan.cli.common import (
    as_of_date,
    as_of_option,
    identifier_for,
    progress,
    recog_option,
    summary_line,
    write_outputs,
)
from legacyscan.cli.inventory import inventory_options
from legacyscan.cli.terminal import echo
from legacyscan.clock import now
from legacyscan.collect.nmap.chunkstore import FilesystemChunkStore
from legacyscan.collect.nmap.imports import import_files
from legacyscan.collect.nmap.parse import NmapRun
from legacyscan.model import ScanMeta


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for scan.json, report.html and the imported files, kept compressed.",
)
@as_of_option
@inventory_options
@recog_option
def import_command(
    files: tuple[Path, ...],
    out: Path,
    as_of: dt.datetime | None,
    db: str | None,
    no_db: bool,
    site: str,
    vantage: str,
    recog_dirs: tuple[Path, ...],
) -> None:
    """Import nmap XML FILES made elsewhere (nmap -oX, nmap 5 to 7.9x); nothing is sent.

    Every CPE, OS guess (osmatch/osclass with accuracy), host script (e.g.
    smb-os-discovery), MAC address and vendor is kept; hosts seen in several files are
    merged.  Writes OUT/scan.json and OUT/report.html like a scan, and keeps each file
    gzip-compressed in OUT/nmap/ with its nmap version and command line.  A broken or
    truncated file is reported in one line (with the line number) and the other files
    are still imported; the exit status is then 1.  The import is recorded in the
    inventory (see --db) with the files as evidence, unless --no-db, or unless no host
    was found (an empty scan would make every device look gone in the next diff).
    """
    started = now()

    def said(path: Path, run: NmapRun | None, error: str | None) -> None:
        if error is not None:
            echo(f"error: {error}", err=True)
        if run is not None:
            version = f"nmap {run.nmap_version}" if run.nmap_version else "nmap (version unknown)"
            echo(f"  {path.name}: {len(run.hosts)} host(s) up, {version}", err=True)

    store = FilesystemChunkStore(out / "nmap", prefix="import")
    result = import_files(files, store, said)
    if not result.records:
        echo("error: nothing could be imported", err=True)
        sys.exit(1)
    kept = tuple(h for h in result.hosts if h.has_data)
    versions = sorted({r.nmap_version for r in result.records if r.nmap_version})
    meta = ScanMeta(
        as_of=as_of_date(as_of),
        started=started,
        finished=now(),
        targets=(),
        command_lines=tuple(r.command_line for r in result.records if r.command_line),
        tool_versions=(("nmap", ", ".join(versions)),) if versions else (),
        legacyscan_version=__version__,
        silent_addresses=len(result.hosts) - len(kept),
        errors=result.errors,
        profile="imported nmap XML",
        site=site,
        vantage=vantage,
    )
    echo(f"identify: {len(kept)} device(s)", err=True)
    assessment = assess(kept, meta, identifier_for(recog_dirs))
    json_path, html_path = write_outputs(assessment, out)
    echo(summary_line(assessment), err=True)
    if not no_db and not kept:
        # a scan with no host would make the next `diff` say that every device is gone
        progress("inventory: not recorded: the file(s) hold no host with anything observed")
    elif not no_db:
        from legacyscan.inventory import Inventory

        evidence = {
            f"{r.index:06d}-{Path(r.source).name}": store.xml(r.index) for r in result.records
        }
        with Inventory.open(db) as inventory:
            scan_id = inventory.record_assessment(assessment, "import", evidence)
            progress(f"inventory: recorded as scan {scan_id} in {inventory.location}")
    echo(f"report: {html_path}")
    echo(f"data:   {json_path}")
    if result.errors:
        sys.exit(1)
