"""``legacyscan fingerprints check|explain``: tools for people who add knowledge.

``check`` runs the self-test (every example of every rule is matched first by its own
rule and gives the values it expects) over the bundled rules or a user's own folder;
``explain`` shows which rule reads a given string, what it sets, and the end-of-life
verdict of the identity it names.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from legacyscan.cli.common import as_of_date, as_of_option
from legacyscan.cli.terminal import echo
from legacyscan.identify.ai_services import AiCatalogue
from legacyscan.identify.observe import FIELDS, field_list, is_field
from legacyscan.identify.rules import RuleSet, load_vocabulary
from legacyscan.identify.selftest import candidates, check_examples
from legacyscan.lifecycle.alignment import Gaps, alignment_problems
from legacyscan.lifecycle.database import EolDatabase
from legacyscan.messages import plain
from legacyscan.model import Evidence
from legacyscan.paths import fingerprints_dir

_rules_option = click.option(
    "--rules",
    "folders",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="A folder of rule files (*.yaml) or one rule file, instead of the bundled rules. "
    "Repeatable.",
)
_bundled_option = click.option(
    "--with-bundled",
    is_flag=True,
    help="Load the bundled rules too, so that your rules are checked in the order a scan "
    "would try them.",
)


def _load(folders: tuple[Path, ...], with_bundled: bool) -> RuleSet:
    chosen = list(folders)
    if not chosen or with_bundled:
        chosen.insert(0, fingerprints_dir() / "rules")
    return RuleSet.load(chosen)


@click.group("fingerprints")
def fingerprints_group() -> None:
    """Check and explain the fingerprint rules (fingerprints/rules/*.yaml).

    \b
      legacyscan fingerprints check                       self-test of the bundled rules
      legacyscan fingerprints check --rules my-rules/     self-test of your own rules
      legacyscan fingerprints explain --field sysDescr "Cisco IOS Software, ..."
    """


@fingerprints_group.command("check")
@_rules_option
@_bundled_option
@click.option(
    "--vocabulary",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Vendor/product vocabulary file (default: the bundled vocabulary.yaml).",
)
def check_command(folders: tuple[Path, ...], with_bundled: bool, vocabulary: Path | None) -> None:
    """Run every rule's examples and report each one that fails.

    An example fails when no rule matches it, when another rule matches it first, or when
    it does not give the values under its 'expect'.  A rule without examples fails too,
    and so does a vendor or product missing from the vocabulary.  With the bundled rules,
    every product they name must have end-of-life records or be listed, with a reason, in
    fingerprints/lifecycle-gaps.yaml (and every EOL product must be nameable by a rule).
    Exits 1 on any failure.
    """
    rules = _load(folders, with_bundled)
    failures = check_examples(rules, load_vocabulary(vocabulary))
    if not folders or with_bundled:
        gaps = Gaps.load()
        failures.extend(alignment_problems(rules, EolDatabase.load(), gaps))
        ai = AiCatalogue.load()
        failures.extend(ai.example_problems())
        echo(f"{len(ai.products)} AI product(s) in ai-servers.yaml, each example checked")
        echo(
            f"{len(gaps.no_lifecycle_data)} product(s) named by rules have no lifecycle data "
            f"and {len(gaps.no_rule_yet)} EOL product(s) no rule yet, each with its reason in "
            "fingerprints/lifecycle-gaps.yaml"
        )
    examples = sum(len(rule.examples) for rule in rules.rules)
    for line in failures:
        echo(f"FAIL {line}")
    summary = f"{len(rules.rules)} rule(s), {examples} example(s)"
    if failures:
        echo(f"{summary}: {len(failures)} failure(s)", err=True)
        sys.exit(1)
    echo(f"{summary}: all passed")


def _resolve_field(name: str) -> str:
    """A field from its full name or a unique short form ("sysDescr", "oui", "title")."""
    if is_field(name):
        return name
    short = [f for f in sorted(FIELDS) if f.rsplit(".", 1)[-1].lower() == name.lower()]
    if len(short) == 1:
        return short[0]
    if short:
        raise click.BadParameter(f"{name!r} is ambiguous: {', '.join(short)}", param_hint="--field")
    raise click.BadParameter(
        f"unknown field {name!r}; fields: {field_list()}", param_hint="--field"
    )


def _context(pairs: tuple[str, ...]) -> dict[str, list[str]]:
    context: dict[str, list[str]] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"{pair!r} is not FIELD=VALUE", param_hint="--context")
        context.setdefault(_resolve_field(name.strip()), []).append(value)
    return context


@fingerprints_group.command("explain")
@click.option(
    "--field",
    "field_name",
    required=True,
    help="The observed field, full or short: snmp.sysDescr or sysDescr, nmap.service, "
    "ssh.banner, mac.oui, http.title, dicom.implementationVersionName...",
)
@click.argument("value")
@click.option(
    "--context",
    "context_pairs",
    multiple=True,
    metavar="FIELD=VALUE",
    help="Another field of the same device, for rules with a 'when' condition, e.g. "
    "--context sysObjectID=1.3.6.1.4.1.311.1.1.3.1.2. Repeatable.",
)
@_rules_option
@_bundled_option
@as_of_option
def explain_command(
    field_name: str,
    value: str,
    context_pairs: tuple[str, ...],
    folders: tuple[Path, ...],
    with_bundled: bool,
    as_of: dt.datetime | None,
) -> None:
    """Show which rule reads VALUE, what it names, and that product's end-of-life verdict.

    Every rule whose pattern matches is listed in the order they are tried; the first
    whose conditions hold wins, as in a scan.  Exits 1 when no rule matches.
    """
    field = _resolve_field(field_name)
    context = _context(context_pairs)
    rules = _load(folders, with_bundled)
    day = as_of_date(as_of)
    echo(f"{field} = {value!r}")
    found = candidates(rules, field, value, context)
    winner = next((c for c in found if c.matched), None)
    for candidate in found:
        rule = candidate.rule
        if candidate is winner:
            mark = "MATCH"
        elif candidate.matched:
            mark = "later"  # would match, but the winner is tried first
        else:
            mark = "needs"
        line = f"  {mark:<5} {rule.id} ({rule.origin}, priority {rule.priority})"
        if candidate.missing_when:
            conditions = dict(rule.when)
            wanted = ", ".join(f"{f} ~ /{conditions[f].pattern}/" for f in candidate.missing_when)
            line += f": only with {wanted}"
        echo(line)
    if winner is None:
        echo("no rule names this value: it stays unknown")
        sys.exit(1)
    values = winner.values
    rule = winner.rule
    echo(f"\nrule {rule.id} sets:")
    for key in ("kind", "vendor", "product", "version", "cpe", "class", "type"):
        if values.get(key):
            echo(f"  {key:<8} {values[key]}")
    if rule.classify is not None:
        echo(f"  weight   {rule.classify.weight} (class signal)")
    if rule.identity is None and not rule.also:
        echo("  (no identity: a class signal only)")
        return
    match = rule.pattern.search(value)
    assert match is not None  # the winner matched this very value
    database = EolDatabase.load()
    for identity in rule.identities(match, Evidence("explain", field, value, rule.id)):
        name = f"{identity.vendor} {identity.product} {identity.version or ''}".strip()
        life = database.lifecycle(identity, day)
        echo(f"\n{name}: lifecycle on {day.isoformat()}: {life.status.upper()}")
        for alt in identity.alternatives:
            echo(f"  or       {alt.vendor} {alt.product} {alt.version or ''}".rstrip())
        if life.cycle:
            echo(f"  cycle    {life.cycle}")
        echo(f"  why      {plain(life.reason)}")
        if life.source:
            echo(f"  source   {life.source} (checked {life.checked})")
