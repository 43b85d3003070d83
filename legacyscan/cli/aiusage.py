"""``legacyscan ai-usage``: generative-AI use seen in the hospital's own logs."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

from legacyscan.cli.common import progress
from legacyscan.cli.inventory import db_option
from legacyscan.cli.terminal import echo, field
from legacyscan.errors import UserError
from legacyscan.model.aiusage import InputSummary

USER_KEY_ENV = "LEGACYSCAN_USER_KEY"


def _user_key(key_file: Path | None) -> bytes:
    """The pseudonyms' key: from --user-key-file, else $LEGACYSCAN_USER_KEY; never printed."""
    from legacyscan.files import read_limited

    if key_file is not None:
        key = read_limited(key_file, 4096).strip()
    else:
        key = os.environ.get(USER_KEY_ENV, "").strip().encode()
    if len(key) < 16:
        raise UserError(
            f"--keep-users needs a key of at least 16 characters, in --user-key-file FILE or "
            f"${USER_KEY_ENV}; keep it secret and the same across runs to compare pseudonyms"
        )
    return key


def _zone(name: str) -> dt.tzinfo:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if name.upper() == "UTC":
        return dt.UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(
            f"{name[:60]!r} is not a time zone (e.g. Europe/Paris, UTC)", param_hint="--timezone"
        ) from None


def _year(path: Path, given: int | None) -> int:
    if given is not None:
        return given
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).year
    except (OSError, OverflowError, ValueError):
        return 2026


def print_file(path: Path, summary: InputSummary) -> None:
    """One line per log read: its format, lines, AI connections and malformed lines."""
    line = (
        f"{field(path.name)}: {summary.format}, {summary.lines:,} line(s), "
        f"{summary.matched:,} to AI services"
    )
    if summary.malformed:
        first = ", ".join(map(str, summary.first_malformed))
        line += f", {summary.malformed:,} malformed (first at line {first})"
    if summary.skipped and summary.skipped == summary.lines:
        line += " (no line records a connection: is --format right?)"
    if summary.note:
        line += f"; {field(summary.note)}"
    progress(line)


@click.command("ai-usage")
@click.argument("logfiles", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "squid", "csv", "bind", "dnsmasq", "zeek-dns", "zeek-ssl"]),
    default="auto",
    show_default=True,
    help="Format of the logs; auto tells each file's from its first lines.",
)
@click.option(
    "--csv-columns",
    default=None,
    metavar="FIELD=COLUMN,...",
    help="For a CSV proxy export: which column holds time, client, host (or url), bytes, "
    "user, e.g. 'time=date,client=c-ip,host=cs-host'.  Default: the usual names.",
)
@click.option(
    "--year",
    type=click.IntRange(2000, 2099),
    default=None,
    help="Year of syslog time stamps, which have none (dnsmasq, BIND through syslog); "
    "default: the year each file was last modified.",
)
@click.option(
    "--timezone",
    default="UTC",
    show_default=True,
    help="Time zone of the times logs write without one (BIND's print-time, syslog stamps "
    "of dnsmasq, CSV times without an offset), e.g. Europe/Paris.  Squid and Zeek write "
    "seconds since 1970 and need none.",
)
@db_option
@click.option("--no-db", is_flag=True, help="Attribute nothing to devices (no inventory).")
@click.option("--site", default=None, help="Only the inventory's scans of this site.")
@click.option(
    "--segments",
    "segments_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="YAML file mapping CIDRs to segment (department) names and sites, as for scan.",
)
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="YAML file of the approved services ('approved: [id, ...]') and the hospital's own "
    "(an on-premises or contracted assistant, 'services:' as in the catalogue).",
)
@click.option(
    "--catalogue",
    "catalogue_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Another AI-service catalogue instead of fingerprints/ai-services.yaml.",
)
@click.option(
    "--keep-users",
    is_flag=True,
    help="Keep users, as keyed pseudonyms (HMAC-SHA256); the key comes from "
    f"--user-key-file or ${USER_KEY_ENV} and is never written.",
)
@click.option(
    "--user-key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File holding the pseudonyms' key (with --keep-users).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("ai-usage.json"),
    show_default=True,
    help="The aggregate file (JSON) for 'legacyscan report --ai-usage FILE'.",
)
@click.option(
    "--csv",
    "csv_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write the tables as CSV files into this folder.",
)
def ai_usage_command(
    logfiles: tuple[Path, ...],
    fmt: str,
    csv_columns: str | None,
    year: int | None,
    timezone: str,
    db: str | None,
    no_db: bool,
    site: str | None,
    segments_file: Path | None,
    policy_file: Path | None,
    catalogue_file: Path | None,
    keep_users: bool,
    user_key_file: Path | None,
    output: Path,
    csv_dir: Path | None,
) -> None:
    """Count connections to outside generative-AI services in the hospital's own logs.

    Reads web-proxy logs (Squid native access.log, a CSV export with a header), DNS query
    logs (BIND, dnsmasq, Zeek dns.log) and Zeek ssl.log (the TLS server name), gzip or
    not, line by line; matches each destination against the catalogue of AI services
    (fingerprints/ai-services.yaml) and your --policy; gives each connection to the
    inventory device seen at its source address in the scans just before and after it
    (sure / likely / unattributed); counts by service, department (segment), device
    class and site, per day.  Everything runs here: the logs stay on premises.

    Kept: destination hosts of AI services, source addresses and devices, counts,
    bytes where logged, days.  Never kept: URL paths or query strings, other hosts, and
    user names (unless --keep-users, then only as keyed pseudonyms).

    \b
    Examples:
      legacyscan ai-usage /var/log/squid/access.log* --segments segments.yaml -o nov.json
      legacyscan ai-usage dns.log.gz ssl.log.gz --policy policy.yaml --csv nov-csv/
      legacyscan report scan.json --ai-usage nov.json -o report.html
    """
    from legacyscan.aiusage import measure
    from legacyscan.aiusage.catalogue import Policy, load_catalogue
    from legacyscan.aiusage.count import Pseudonyms
    from legacyscan.aiusage.usagefile import write_usage
    from legacyscan.collect.logs import CsvColumns, reader_for
    from legacyscan.inventory import Inventory, InventoryError
    from legacyscan.report.ai_usage import AiUsageView, write_usage_csv
    from legacyscan.topology.mapping import SegmentMap

    columns = CsvColumns.parse(csv_columns)
    if user_key_file is not None and not keep_users:
        raise click.UsageError("--user-key-file goes with --keep-users")
    users = Pseudonyms(_user_key(user_key_file)) if keep_users else None
    policy = Policy.load(policy_file) if policy_file else None
    catalogue = load_catalogue(catalogue_file, policy)
    segments = SegmentMap.load(segments_file) if segments_file else None
    zone = _zone(timezone)
    readers = [(path, reader_for(path, fmt, columns, _year(path, year), zone)) for path in logfiles]
    try:
        inventory = None if no_db else Inventory.open(db, create=False)
    except InventoryError as exc:
        raise UserError(f"{exc}; or count without devices: --no-db") from None
    try:
        data = measure(
            readers, catalogue, inventory, site=site, segments=segments,
            segments_name=segments_file.name if segments_file else "",
            policy_name=policy.source if policy else "", users=users, progress=progress,
            on_file=print_file,
        )  # fmt: skip
    finally:
        if inventory is not None:
            inventory.close()
    write_usage(data, output)
    view = AiUsageView(data)
    if view.total:
        echo(
            f"{view.total:,} {view.evidence} connection(s) to AI services, "
            f"{view.unapproved:,} to unapproved ones ({view.unapproved_share:.0%})",
            err=True,
        )
    else:
        echo("no connection to an AI service of the catalogue in these logs", err=True)
    for count in view.by_service[:5]:
        echo(f"  {field(count.name)}: {count.connections:,}", err=True)
    echo(f"data: {output}")
    if csv_dir is not None:
        for path in write_usage_csv(data, csv_dir):
            echo(f"csv:  {path}")
