"""``legacyscan snmp``: SNMP only, on every address given, with a status per address."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from legacyscan.cli.common import format_option, progress
from legacyscan.cli.terminal import echo, field
from legacyscan.codec import to_data
from legacyscan.collect.scope import build_scope
from legacyscan.collect.snmp.credentials import community, load_credentials
from legacyscan.collect.snmp.mib_tables import GROUPS
from legacyscan.collect.snmp.sweep import (
    SnmpOptions,
    SnmpResult,
    run_sweep,
    sweep_addresses,
    text_progress,
)
from legacyscan.model import SnmpTables

TABLES_HELP = (
    "Table groups to read, comma-separated: "
    + ", ".join(GROUPS)
    + "; 'all' (default) or 'none' (system group only)."
)


def parse_groups(value: str) -> tuple[str, ...]:
    """--tables: 'all', 'none' or a comma-separated list of groups."""
    text = value.strip().lower()
    if text == "all":
        return GROUPS
    if text in ("none", ""):
        return ()
    groups = tuple(dict.fromkeys(g.strip() for g in text.split(",") if g.strip()))
    unknown = [g for g in groups if g not in GROUPS]
    if unknown:
        raise click.BadParameter(
            f"unknown table group(s) {', '.join(unknown)}; choose from {', '.join(GROUPS)}",
            param_hint="--tables",
        )
    return groups


def build_options(
    credentials: Path | None,
    community_name: str | None,
    port: int,
    **settings: object,
) -> SnmpOptions:
    """SnmpOptions from the command line: a credentials file, or one community."""
    if credentials is not None and community_name is not None:
        raise click.UsageError("give either a credentials file or --community, not both")
    if credentials is not None:
        creds = load_credentials(credentials)
    else:
        creds = (community(community_name or "public", "--community"),)
    return SnmpOptions(port=port, credentials=creds, **settings)  # type: ignore[arg-type]


@click.command("snmp")
@click.argument("targets", nargs=-1, required=True)
@click.option(
    "--snmp-credentials",
    "--credentials",
    "credentials",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="YAML file of communities and SNMPv3 users to try in order (see docs/snmp.md). "
    "Without it, the community given by --community is used.",
)
@click.option("--community", default=None, help="One v2c community to try (default: public).")
@click.option("--snmp-port", "--port", "port", type=click.IntRange(1, 65535), default=161,
              show_default=True, help="UDP port of the agents.")  # fmt: skip
@click.option("--tables", "tables", default="all", show_default=True, help=TABLES_HELP)
@click.option("--timeout", type=click.FloatRange(0.1, 60), default=2.0, show_default=True,
              help="Seconds to wait for each answer.")  # fmt: skip
@click.option("--retries", type=click.IntRange(0, 10), default=1, show_default=True,
              help="Times a request is re-sent before an address counts as silent.")  # fmt: skip
@click.option("--concurrency", type=click.IntRange(1, 4096), default=128, show_default=True,
              help="Addresses polled at the same time.")  # fmt: skip
@click.option("--pace", type=click.FloatRange(0, 10), default=0.02, show_default=True,
              help="Seconds between two requests to the same address (be gentle).")  # fmt: skip
@click.option("--max-rows", type=click.IntRange(1), default=10_000, show_default=True,
              help="Rows read per table before it is cut short (and reported so).")  # fmt: skip
@format_option
@click.option("--show-silent", is_flag=True, help="List silent addresses one by one too.")
@click.option(
    "--allow-public",
    is_flag=True,
    help="Allow globally routable addresses in the targets (refused by default).",
)
def snmp_command(
    targets: tuple[str, ...],
    credentials: Path | None,
    community: str | None,
    port: int,
    tables: str,
    timeout: float,
    retries: int,
    concurrency: int,
    pace: float,
    max_rows: int,
    fmt: str,
    show_silent: bool,
    allow_public: bool,
) -> None:
    """Read SNMP from every address of TARGETS (addresses, CIDR blocks or ranges).

    Every address is asked, not only those a port scan found.  Credentials are tried in
    order; the label of the one that worked is printed, never a secret.  For each
    address the system group and the chosen tables are read (firmware revisions,
    installed software, interfaces, ARP and forwarding tables, VLANs, LLDP/CDP
    neighbours, TCP connections) and one status is printed: ok, partial (a table cut
    short, and why), no-response, auth-failed or error.  Progress goes to stderr.

    \b
    Example:
      legacyscan snmp 10.20.0.0/24 --credentials snmp-creds.yaml --format json > snmp.json
    """
    scope = build_scope(targets, allow_public=allow_public)
    options = build_options(
        credentials,
        community,
        port,
        timeout=timeout,
        retries=retries,
        concurrency=concurrency,
        pace=pace,
        groups=parse_groups(tables),
        max_rows=max_rows,
    )
    addresses = sweep_addresses(scope.targets)
    echo(
        f"snmp: {len(addresses)} address(es), {len(options.credentials)} credential(s), "
        f"{options.concurrency} at a time",
        err=True,
    )
    started = time.monotonic()
    results = run_sweep(addresses, options, text_progress(progress))
    elapsed = time.monotonic() - started
    if fmt == "json":
        echo(json.dumps(_to_json(results, elapsed), indent=2, ensure_ascii=False))
    else:
        for result in results:
            if result.status != "no-response" or show_silent:
                _print_result(result)
    echo(_summary(results, elapsed), err=True)


def _counts(results: list[SnmpResult]) -> dict[str, int]:
    counts = dict.fromkeys(("ok", "partial", "no-response", "auth-failed", "error"), 0)
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    return counts


def _summary(results: list[SnmpResult], elapsed: float) -> str:
    counts = ", ".join(f"{n} {status}" for status, n in _counts(results).items() if n)
    return f"snmp: {len(results)} address(es) in {elapsed:.1f} s: {counts or 'nothing'}"


def _to_json(results: list[SnmpResult], elapsed: float) -> dict[str, object]:
    return {
        "summary": {"addresses": len(results), "seconds": round(elapsed, 2), **_counts(results)},
        "hosts": [
            {
                "address": r.address,
                "status": r.status,
                "detail": r.detail,
                "credential": r.credential,
                "seconds": r.seconds,
                "requests": r.requests,
                "system": to_data(r.system),
                "tables": to_data(r.tables),
            }
            for r in results
        ],
    }


_TABLE_LABELS = (
    ("entities", "entities"),
    ("installed_software", "software"),
    ("interfaces", "interfaces"),
    ("interface_addresses", "addresses"),
    ("arp", "arp"),
    ("forwarding", "forwarding"),
    ("vlans", "vlans"),
    ("neighbours", "neighbours"),
    ("connections", "connections"),
)


def _clean(text: str) -> str:
    """Agent-supplied text inside one line (the one sanitiser, ``terminal.field``)."""
    return field(text)


def _print_result(result: SnmpResult) -> None:
    head = f"{result.address:<15} {result.status}"
    if result.credential:
        head += f"  credential={result.credential}"
    if result.detail and result.status != "partial":
        head += f"  ({result.detail})"
    echo(_clean(head))
    system = result.system
    if system is not None:
        descr = (system.descr or "").splitlines()[0] if system.descr else ""
        echo("    " + _clean(f"{system.name or '-'}: {descr[:100]}"))
    tables = result.tables
    if tables is None:
        return
    counts = [f"{label} {len(getattr(tables, name))}" for name, label in _TABLE_LABELS]
    echo("    " + ", ".join(counts))
    _print_entities(tables)
    for reason in tables.incomplete:
        echo("    " + _clean(f"incomplete: {reason}"))


def _print_entities(tables: SnmpTables) -> None:
    for entity in tables.entities:
        revisions = [
            f"{label} {value}"
            for label, value in (
                ("hw", entity.hardware_rev),
                ("fw", entity.firmware_rev),
                ("sw", entity.software_rev),
                ("serial", entity.serial),
            )
            if value
        ]
        if revisions:
            name = entity.model_name or entity.descr or entity.name
            echo("    " + _clean(f"entity {entity.index} {name}: {', '.join(revisions)}"))
