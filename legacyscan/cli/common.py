"""Helpers shared by the command modules: the --as-of option, progress lines, outputs."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from legacyscan.cli.terminal import echo

if TYPE_CHECKING:
    # Imported where used: every command loads this module, and a quick one
    # (``eol show``) should not pay for the rules, jinja2 or networkx.
    from legacyscan.identify import Identifier
    from legacyscan.model import Assessment
    from legacyscan.risk.evaluate import Context

F = TypeVar("F", bound=Callable[..., Any])


def today() -> dt.date:
    return dt.date.today()


def as_of_option(function: F) -> F:
    return click.option(
        "--as-of",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        help="Judge support status on this date (YYYY-MM-DD) instead of today, "
        "so that a verdict can be reproduced later.",
    )(function)


def format_option(function: F) -> F:
    """--format text|json, for the commands whose answer a script may read."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="text for people, json for scripts.",
    )(function)


def segments_option(function: F) -> F:
    return click.option(
        "--segments",
        "segments_file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="YAML file mapping CIDRs to segment names, sites and zone types "
        "(see docs/topology.md); it wins over the VLANs and subnets learnt by SNMP "
        "and over the scanned CIDRs.",
    )(function)


def segments_context(segments_file: Path | None) -> Context | None:
    """The assessment context for ``--segments FILE`` (None: the defaults)."""
    if segments_file is None:
        return None
    from legacyscan.risk.evaluate import Context
    from legacyscan.topology.mapping import SegmentMap

    return Context(segment_map=SegmentMap.load(segments_file))


def as_of_date(value: dt.datetime | None) -> dt.date:
    return value.date() if value else today()


def progress(message: str) -> None:
    echo(f"  {message}", err=True)


def write_outputs(assessment: Assessment, out: Path) -> tuple[Path, Path]:
    from legacyscan.report.html import write_html
    from legacyscan.scanfile import write_scan_json

    out.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out / "scan.json", out / "report.html"
    write_scan_json(assessment, json_path)  # first: the data survives a failing renderer
    write_html(assessment, html_path)
    return json_path, html_path


def summary_line(assessment: Assessment) -> str:
    legacy = sum(1 for d in assessment.devices if d.is_legacy)
    line = (
        f"{len(assessment.devices)} device(s), {legacy} legacy, "
        f"{assessment.topology.total_exposures} legacy->clinical pair(s) in shared segments"
    )
    ai = assessment.ai_services
    if ai:
        open_ = sum(1 for f in ai if f.service.unauthenticated)
        line += f", {len(ai)} self-hosted AI service(s) ({open_} answered without authentication)"
    return line


def _finite_budget(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):
        raise click.BadParameter("must be a finite amount, e.g. 150000", ctx, param)
    return value


def budget_option(required: bool) -> Callable[[F], F]:
    """``--budget``: money available for the plan (finite, not negative)."""
    return click.option(
        "--budget",
        type=click.FloatRange(min=0),
        required=required,
        callback=_finite_budget,
        help="Money available, in the cost model's currency (EUR by default), e.g. 150000."
        + ("" if required else "  Fills the report's budget plan section."),
    )


def costs_option(function: F) -> F:
    """``--costs FILE``: the user's own costs over the shipped defaults."""
    return click.option(
        "--costs",
        "costs_file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="YAML file with your own costs per device class/type and action; keys it leaves "
        "out keep the shipped defaults (fingerprints/costs.yaml, placeholder figures).",
    )(function)


def recog_option(function: F) -> F:
    """``--recog DIR``: Rapid7 Recog XML fingerprints as an extra, lower-priority source."""
    return click.option(
        "--recog",
        "recog_dirs",
        multiple=True,
        type=click.Path(file_okay=False, exists=True, path_type=Path),
        help="A folder of Rapid7 Recog XML fingerprints (repeatable), tried after the bundled "
        "rules, their names mapped through the vocabulary.  Default: Metasploit's copy when "
        "Metasploit is installed.",
    )(function)


def identifier_for(recog_dirs: tuple[Path, ...]) -> Identifier | None:
    """The identify stage with the Recog folders given (or found); None: the bundled rules."""
    from legacyscan.identify import Identifier, RuleSet
    from legacyscan.identify.recog import load_recog, recog_folders
    from legacyscan.identify.rules import load_vocabulary

    folders = list(recog_dirs) or recog_folders()
    if not folders:
        return None
    rules = RuleSet.load()
    extra = load_recog(folders, load_vocabulary(), rules.tables)
    progress(f"recog: {len(extra)} fingerprint(s) from {', '.join(map(str, folders))}")
    return Identifier(rules=rules.extended(extra))
