"""Every sentence the model can emit has words in every language, and renders right."""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

import legacyscan
from legacyscan.lifecycle.verdicts import status_on
from legacyscan.messages import (
    LANGUAGES,
    CatalogueError,
    Term,
    catalogue,
    message,
    plain,
    render,
    to_data,
)
from legacyscan.model import EolRecord, Message
from legacyscan.paths import fingerprints_dir
from legacyscan.report.i18n import Language

PACKAGE = Path(legacyscan.__file__).parent
#: The only places that build a message from a key that is not a literal: ``message``
#: itself, and the risk weights' reasons, whose keys are data (checked below).
DYNAMIC_KEYS_ALLOWED = {("messages.py", "message"), ("risk/device.py", "reason_of")}
NNBSP = "\u202f"


def _message_calls() -> Iterator[tuple[str, str, ast.Call]]:
    """(file, enclosing function, call) for every ``message(...)`` and ``Message(...)``."""
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
        owner = {id(c): f.name for f in functions for c in ast.walk(f)}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("message", "Message")
            ):
                yield str(path.relative_to(PACKAGE)), owner.get(id(node), "<module>"), node


def emitted_keys() -> set[str]:
    keys = set()
    for _, _, call in _message_calls():
        first = call.args[0] if call.args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            keys.add(first.value)
    return keys


def data_keys() -> set[str]:
    """Keys named by data: the reasons of the shipped risk weights."""
    weights = yaml.safe_load((fingerprints_dir() / "risk.yaml").read_text(encoding="utf-8"))
    entries = [*weights["exposure"].values(), weights["snmp_default_community"]]
    return {f"reason.{e['key']}" for e in entries}


def test_the_code_names_its_message_keys_literally() -> None:
    dynamic = [
        f"{where}:{call.lineno} in {function}"
        for where, function, call in _message_calls()
        if not (
            call.args
            and isinstance(call.args[0], ast.Constant)
            and isinstance(call.args[0].value, str)
        )
        and (where, function) not in DYNAMIC_KEYS_ALLOWED
    ]
    assert dynamic == [], "a message key must be a literal so that its translation is checked"


def test_the_scan_finds_the_keys_we_know_of() -> None:
    # guards the test below: an AST walk that found nothing would check nothing
    assert {"risk.lifecycle_eol", "lifecycle.eol", "plan.method_exact", "reach.flow"} <= (
        emitted_keys()
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_key_the_code_can_emit_is_translated(lang: str) -> None:
    words = catalogue(lang)
    missing = sorted(k for k in emitted_keys() | data_keys() if f"msg.{k}" not in words)
    assert missing == [], f"{lang}.yaml lacks these msg keys"


def test_every_risk_weight_names_a_reason_key() -> None:
    weights = yaml.safe_load((fingerprints_dir() / "risk.yaml").read_text(encoding="utf-8"))
    assert all("key" in e for e in weights["exposure"].values())
    assert "key" in weights["snmp_default_community"]


def test_no_sentence_in_the_catalogues_is_left_unused() -> None:
    used = emitted_keys() | data_keys()
    orphans = sorted(
        k
        for k in catalogue("en")
        if k.startswith("msg.") and not k.startswith("msg.join.") and k[4:] not in used
    )
    assert orphans == []


RECORD = EolRecord(
    vendor="Microsoft",
    product="Windows XP",
    cycle="5.1",
    versions=None,
    released=None,
    support_end=dt.date(2009, 4, 14),
    security_end=dt.date(2014, 4, 8),
    extended_end=None,
    source="https://learn.microsoft.com/en-us/lifecycle/products/windows-xp",
    checked=dt.date(2026, 11, 23),
)


def test_a_verdict_reads_in_plain_english_and_in_each_language() -> None:
    verdict = status_on(RECORD, dt.date(2026, 11, 23))
    assert plain(verdict.reason) == "no security updates since 2014-04-08"  # CLI, scan.json, CSV
    assert Language.load("en").msg(verdict.reason) == ("no security updates since 8 April 2014")
    assert Language.load("fr").msg(verdict.reason) == (
        "plus de mises à jour de sécurité depuis le 8 avril 2014"
    )


def test_numbers_percentages_and_terms_follow_the_language() -> None:
    why = message("network.clinical_reached", reached=1234, total=2000, share=0.617, weight=60)
    assert plain(why) == (
        "1234 of 2000 clinical device(s) (62%) can be reached by a legacy system: 0.62 x 60 points"
    )
    french = Language.load("fr").msg(why)
    assert f"1{NNBSP}234 équipement(s) clinique(s) sur 2{NNBSP}000 (62{NNBSP}%)" in french
    assert "0,62 × 60 points" in french
    part = message(
        "risk.blast_part_vital", count=2, cls=Term("medical"), type=Term("infusion-pump"), each=12
    )
    assert plain(part) == "2 medical infusion-pump, life-sustaining (12 points each)"
    assert Language.load("fr").msg(part) == (
        "2 × pompe à perfusion (médical, vital pour le patient, 12 points chacun)"
    )


def test_sub_messages_are_joined_the_language_s_way() -> None:
    names = [message("text", text="RHEL 8"), message("text", text="CentOS Linux 8")]
    why = message("lifecycle.either_no_record", names=names)
    assert plain(why) == "RHEL 8 or CentOS Linux 8: no end-of-life record"
    assert Language.load("fr").msg(why) == "RHEL 8 ou CentOS Linux 8 : aucune fiche de fin de vie"


def test_json_form_of_a_message() -> None:
    why = message("lifecycle.extended", end=dt.date(2020, 1, 14), extended=dt.date(2023, 1, 10))
    assert to_data(why) == {
        "key": "lifecycle.extended",
        "args": {"end": {"date": "2020-01-14"}, "extended": {"date": "2023-01-10"}},
    }
    nested = message("risk.exposure", reasons=[message("risk.exposure_capped", cap=35)])
    assert to_data(nested) == {
        "key": "risk.exposure",
        "args": {"reasons": [{"key": "risk.exposure_capped", "args": {"cap": 35}}]},
    }


def test_an_unknown_key_or_value_is_a_clear_error() -> None:
    with pytest.raises(CatalogueError, match="msg.no.such.key"):
        plain(Message("no.such.key"))
    with pytest.raises(TypeError, match="booleans"):
        message("text", text=True)
    with pytest.raises(KeyError):  # a placeholder left without a value
        render(message("lifecycle.eol"), catalogue("en"), Language.load("en").style)


def _factor_names() -> set[str]:
    names = set()
    for _, _, call in _calls_named("factor"):
        first = call.args[0] if call.args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            names.add(first.value)
    return names


def _calls_named(name: str) -> Iterator[tuple[str, str, ast.Call]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                if node.func.id == name:
                    yield str(path.relative_to(PACKAGE)), "", node


def _device_types() -> set[str]:
    """Every device type the knowledge can give a device, or prices or weighs."""
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("type", "becomes") and isinstance(item, str):
                    found.add(item)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    folder = fingerprints_dir()
    tables = sorted((folder / "tables").glob("*.yaml"))
    for path in [folder / "classes.yaml", *sorted((folder / "rules").glob("*.yaml")), *tables]:
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    costs = yaml.safe_load((folder / "costs.yaml").read_text(encoding="utf-8"))
    weights = yaml.safe_load((folder / "risk.yaml").read_text(encoding="utf-8"))
    found |= set(costs["types"]) | set(weights["blast_radius"]["life_sustaining"])
    classes = {"medical", "iot", "telehealth", "network", "server", "workstation", "printer",
               "power", "unknown"}  # fmt: skip
    found |= set(weights["blast_radius"]["per_device"]) - classes
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_factor_names_and_device_types_have_words(lang: str) -> None:
    words = catalogue(lang)
    assert {"lifecycle", "known-exploited", "mixed", "clinical-reached"} <= _factor_names()
    assert sorted(n for n in _factor_names() if f"term.factor.{n}" not in words) == []
    types = _device_types()
    assert {"infusion-pump", "PACS", "camera"} <= types
    assert sorted(t for t in types if f"term.type.{t}" not in words) == []
