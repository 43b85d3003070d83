"""The real-world measurement corpus is well formed: every entry cites its source and
licence, its truth uses the controlled vocabulary, and its values stay out of the rules'
examples.  How well the rules do on it is measured by bench/realworld_accuracy.py, never
asserted here."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from testpaths import FIXTURES

from legacyscan.files import load_mapping
from legacyscan.identify.corpus import REALWORLD_SPLITS, load_realworld
from legacyscan.identify.rules import RuleSet, load_vocabulary
from legacyscan.paths import fingerprints_dir

CORPUS = FIXTURES / "realworld"
VOCABULARY = load_vocabulary()
CLASSES = set(load_mapping(fingerprints_dir() / "classes.yaml")["precedence"])
FAMILIES = {
    "printer", "ups-pdu", "camera", "network-switch", "firewall", "wireless", "storage",
    "server", "workstation", "telephony", "device-server", "building", "medical", "daemon",
    "other",
}  # fmt: skip
EVIDENCE_KEYS = {"snmp", "entities", "banners", "services", "os", "host_scripts", "walk"}
TRUTH_KEYS = {"vendor", "product", "version", "class", "type", "kind", "model"}
#: Files of the dev half only: entries added after the split, whose hash rule was not
#: recorded, so none could be put in held-out the same way (docs/realworld-corpus.md).
DEV_ONLY = {"snmp-librenms-more.yaml"}


def _entries() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for split in REALWORLD_SPLITS:
        for path in sorted((CORPUS / split).glob("*.yaml")):
            data = load_mapping(path)
            found += [(f"{split}/{path.name}", entry) for entry in data["devices"]]
    return found


ENTRIES = _entries()


def test_both_halves_hold_entries_of_every_kind_of_file() -> None:
    files = {split: {p.name for p in (CORPUS / split).glob("*.yaml")} for split in REALWORLD_SPLITS}
    assert files["dev"] and files["dev"] - DEV_ONLY == files["held-out"]
    per_split = Counter(where.split("/")[0] for where, _ in ENTRIES)
    assert all(per_split[split] > 0 for split in REALWORLD_SPLITS)


def test_every_entry_cites_its_source_and_licence_and_has_evidence() -> None:
    problems = []
    for where, entry in ENTRIES:
        name = f"{where}: {entry.get('name')!r}"
        for key in ("name", "family", "source", "licence"):
            if not str(entry.get(key) or "").strip():
                problems.append(f"{name}: no {key}")
        if entry.get("family") not in FAMILIES:
            problems.append(f"{name}: family {entry.get('family')!r} not one of {sorted(FAMILIES)}")
        if not EVIDENCE_KEYS & set(entry):
            problems.append(f"{name}: no observed value")
    assert problems == []


def test_every_truth_is_named_in_the_vocabulary() -> None:
    problems = []
    for where, entry in ENTRIES:
        name = f"{where}: {entry.get('name')!r}"
        truth = entry.get("truth") or {}
        vendor, product = truth.get("vendor"), truth.get("product")
        if set(truth) - TRUTH_KEYS:
            problems.append(f"{name}: unknown truth keys {sorted(set(truth) - TRUTH_KEYS)}")
        if vendor not in VOCABULARY:
            problems.append(f"{name}: vendor {vendor!r} not in vocabulary")
        elif product is not None and product not in VOCABULARY[vendor]:
            problems.append(f"{name}: product {product!r} not in vocabulary under {vendor!r}")
        if truth.get("class") is not None and truth["class"] not in CLASSES:
            problems.append(f"{name}: class {truth['class']!r} not in classes.yaml")
        if truth.get("kind") not in (None, "application"):
            problems.append(f"{name}: kind {truth['kind']!r}")
        if truth.get("version") is not None and not isinstance(truth["version"], str):
            problems.append(f"{name}: version {truth['version']!r} is not text")
    assert problems == []


def test_entry_names_are_unique_within_a_half() -> None:
    names = Counter((where.split("/")[0], entry["name"]) for where, entry in ENTRIES)
    assert [n for n, count in names.items() if count > 1] == []


def test_no_single_observed_value_is_a_rule_example() -> None:
    """A rule's examples prove the rule; the corpus measures generalisation, so a sysDescr,
    banner or OS match of the corpus must not be copied into fingerprints/rules.  (A whole
    nmap host, many values together, may share a common one, such as an OS guess, with a
    rule.)"""
    rules = RuleSet.load()
    examples = {str(e.value).strip() for rule in rules.rules for e in rule.examples}
    # the platform table's examples too (fingerprints/tables/platform-names.yaml)
    platforms = rules.tables.platforms
    examples |= {e.value.strip() for p in platforms.platforms for e in p.examples}
    examples |= {value.strip() for kind in platforms.kinds for value in kind.examples}
    # and the model-family table's (fingerprints/tables/model-families.yaml)
    examples |= {e.value.strip() for f in rules.tables.families.families for e in f.examples}
    shared = []
    for where, entry in ENTRIES:
        if entry.get("services"):
            continue
        values = [(entry.get("snmp") or {}).get("sysDescr") or ""]
        values += list((entry.get("banners") or {}).values())
        values += [match["name"] for match in entry.get("os") or []]
        values += [
            str(row.get(key) or "")
            for row in entry.get("entities") or []
            for key in ("descr", "software_rev", "firmware_rev")
        ]
        shared += [f"{where}: {v[:60]!r}" for v in values if v.strip() and v.strip() in examples]
    assert shared == []


def test_the_whole_corpus_loads_and_recordings_exist() -> None:
    devices = load_realworld(CORPUS)
    assert len(devices) == len(ENTRIES)
    assert {d.split for d in devices} == set(REALWORLD_SPLITS)
    for where, entry in ENTRIES:
        if entry.get("walk"):
            assert (CORPUS / where.split("/")[0] / entry["walk"]).is_file(), entry["walk"]


BANNER_KINDS = ["ssh", "ftp", "telnet", "smtp", "http_server", "http_title", "mysql_version"]


@pytest.mark.parametrize("kind", [*BANNER_KINDS, "dns_version"])
def test_a_banner_becomes_the_script_output_nmap_would_report(kind: str) -> None:
    from legacyscan.identify.corpus import host_from_entry

    host = host_from_entry({"banners": {kind: "Example 1.0"}}, CORPUS)
    (service,) = host.services
    assert service.state == "open" and service.scripts
    assert service.scripts[0][1].endswith("Example 1.0")


def test_an_unknown_banner_kind_is_an_error() -> None:
    from legacyscan.identify.corpus import host_from_entry

    with pytest.raises(ValueError, match="unknown banner kind"):
        host_from_entry({"banners": {"gopher": "x"}}, CORPUS)


def test_a_dev_only_entry_is_no_entry_of_either_half_s_other_files() -> None:
    """Entries added to dev after the split must be new devices, not a copy of one the
    corpus already holds (held-out above all: that would leak it into dev)."""
    added = {e["name"] for w, e in ENTRIES if w.split("/")[1] in DEV_ONLY}
    others = {e["name"] for w, e in ENTRIES if w.split("/")[1] not in DEV_ONLY}
    assert added and not added & others
