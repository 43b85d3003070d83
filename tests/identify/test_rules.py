"""The fingerprint rules proven by their own examples, and the rule format's error messages."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from legacyscan.identify.rules import Example, Rule, RuleError, RuleSet, load_vocabulary
from legacyscan.identify.selftest import check_example, check_examples
from legacyscan.paths import fingerprints_dir

RULES = RuleSet.load()
VOCABULARY = load_vocabulary()


def _cases() -> list[pytest.param]:
    return [
        pytest.param(rule, index, example, id=f"{rule.id}[{index}]")
        for rule in RULES.rules
        for index, example in enumerate(rule.examples)
    ]


def test_every_rule_in_the_files_is_loaded_and_tested() -> None:
    folder = fingerprints_dir() / "rules"
    in_files = [
        str(raw["id"])
        for path in sorted(folder.glob("*.yaml"))
        for raw in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("rules") or []
    ]
    assert sorted(in_files) == sorted(r.id for r in RULES.rules)
    assert {rule.id for rule, _, _ in (c.values for c in _cases())} == set(in_files)


@pytest.mark.parametrize(("rule", "index", "example"), _cases())
def test_rule_example(rule: Rule, index: int, example: Example) -> None:
    problems = check_example(RULES, rule, example)
    assert not problems, "\n".join(problems)


def test_check_examples_passes_on_the_bundled_rules() -> None:
    assert check_examples(RULES, VOCABULARY) == []


def test_every_rule_has_at_least_one_example() -> None:
    missing = [f"{r.origin}: {r.id}" for r in RULES.rules if not r.examples]
    assert missing == []


def _write(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_check_examples_reports_a_rule_without_example(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "10-test.yaml",
        """\
        rules:
          - id: test.with-example
            field: port
            pattern: '^tcp/9100$'
            classify: {class: printer, weight: 0.6}
            examples:
              - value: tcp/9100
                expect: {class: printer}
          - id: test.without-example
            field: port
            pattern: '^tcp/515$'
            classify: {class: printer, weight: 0.6}
        """,
    )
    failures = check_examples(RuleSet.load([tmp_path]), VOCABULARY)
    assert failures == ["10-test.yaml: test.without-example: has no example"]


def test_check_examples_reports_a_shadowed_rule_and_a_wrong_expectation(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "10-test.yaml",
        """\
        rules:
          - id: test.broad
            field: port
            pattern: '^tcp/'
            classify: {class: server, weight: 0.1}
            examples:
              - value: tcp/22
                expect: {class: workstation}
          - id: test.narrow
            field: port
            pattern: '^tcp/9100$'
            classify: {class: printer, weight: 0.6}
            examples:
              - value: tcp/9100
                expect: {class: printer}
        """,
    )
    failures = check_examples(RuleSet.load([tmp_path]), VOCABULARY)
    assert any("test.broad" in f and "class='server'" in f for f in failures), failures
    assert any("test.narrow" in f and "first matched by test.broad" in f for f in failures)


def test_every_identity_vendor_and_product_is_in_the_vocabulary() -> None:
    outside = [
        f"{r.origin}: {r.id}: {r.identity.vendor} / {r.identity.product}"
        for r in RULES.rules
        if r.identity is not None
        and r.identity.product not in VOCABULARY.get(r.identity.vendor, ())
    ]
    assert outside == []


def test_check_examples_reports_a_name_outside_the_vocabulary(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "10-test.yaml",
        """\
        rules:
          - id: test.unlisted
            field: nmap.service
            pattern: '^Acme (?P<version>\\d+)'
            identity: {kind: application, vendor: Acme, product: Widget, version: '{version}'}
            examples:
              - value: Acme 3
                expect: {product: Widget, version: '3'}
        """,
    )
    failures = check_examples(RuleSet.load([tmp_path]), VOCABULARY)
    assert failures == ["10-test.yaml: test.unlisted: vendor 'Acme' not in vocabulary"]


_GOOD_RULE = """\
  - id: test.good
    field: port
    pattern: '^tcp/9100$'
    classify: {class: printer}
    examples: [{value: tcp/9100, expect: {class: printer}}]
"""


@pytest.mark.parametrize(
    ("rule_text", "expected"),
    [
        pytest.param(
            "  - id: test.bad-regex\n    field: port\n    pattern: '^tcp/(104'\n"
            "    classify: {class: medical}\n",
            "bad regex",
            id="bad-regex",
        ),
        pytest.param(
            "  - id: test.bad-field\n    field: snmp.sysUpTime\n    pattern: 'x'\n"
            "    classify: {class: medical}\n",
            "unknown field 'snmp.sysUpTime'",
            id="unknown-field",
        ),
        pytest.param(
            "  - id: test.bad-when\n    field: port\n    pattern: 'x'\n"
            "    when: {nmap.banner: 'y'}\n    classify: {class: medical}\n",
            "unknown field 'nmap.banner'",
            id="unknown-when-field",
        ),
        pytest.param(
            "  - id: test.bad-class\n    field: port\n    pattern: 'x'\n"
            "    classify: {class: toaster}\n",
            "class must be one of",
            id="unknown-class",
        ),
        pytest.param(
            "  - id: test.bad-kind\n    field: port\n    pattern: 'x'\n"
            "    identity: {kind: gadget, vendor: Cisco, product: IOS}\n",
            "identity kind must be one of",
            id="unknown-kind",
        ),
        pytest.param(
            "  - id: test.bad-flag\n    field: port\n    pattern: 'x'\n    flags: [verbose]\n"
            "    classify: {class: medical}\n",
            "unknown flag 'verbose'",
            id="unknown-flag",
        ),
        pytest.param(
            "  - id: test.does-nothing\n    field: port\n    pattern: 'x'\n",
            "must set an identity, a class, or both",
            id="no-effect",
        ),
    ],
)
def test_rule_format_errors_name_file_and_rule(
    tmp_path: Path, rule_text: str, expected: str
) -> None:
    _write(tmp_path, "20-broken.yaml", "rules:\n" + _GOOD_RULE + rule_text)
    rule_id = rule_text.split("id: ", 1)[1].split("\n", 1)[0]
    with pytest.raises(RuleError) as caught:
        RuleSet.load([tmp_path])
    message = str(caught.value)
    assert "20-broken.yaml" in message
    assert rule_id in message
    assert expected in message


def test_a_rule_without_id_is_named_by_its_position(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "20-broken.yaml",
        "rules:\n" + _GOOD_RULE + "  - field: port\n    pattern: x\n    classify: {class: iot}\n",
    )
    with pytest.raises(RuleError, match=r"20-broken\.yaml: rule #2: missing id"):
        RuleSet.load([tmp_path])


def test_duplicate_rule_id_across_files_names_both_files(tmp_path: Path) -> None:
    _write(tmp_path, "10-first.yaml", "rules:\n" + _GOOD_RULE)
    _write(tmp_path, "20-second.yaml", "rules:\n" + _GOOD_RULE)
    with pytest.raises(RuleError) as caught:
        RuleSet.load([tmp_path])
    message = str(caught.value)
    assert "20-second.yaml" in message and "10-first.yaml" in message
    assert "test.good" in message


def test_invalid_yaml_names_the_file(tmp_path: Path) -> None:
    _write(tmp_path, "30-yaml.yaml", "rules:\n  - id: [unclosed\n")
    with pytest.raises(RuleError, match=r"30-yaml\.yaml: not valid YAML"):
        RuleSet.load([tmp_path])


def test_rules_are_ordered_by_priority_then_file(tmp_path: Path) -> None:
    _write(tmp_path, "10-a.yaml", "rules:\n" + _GOOD_RULE)
    _write(
        tmp_path,
        "20-b.yaml",
        "rules:\n" + _GOOD_RULE.replace("test.good", "test.urgent") + "    priority: 1\n",
    )
    rules = RuleSet.load([tmp_path])
    assert [r.id for r in rules.rules] == ["test.urgent", "test.good"]
    hit = rules.first_match("port", "tcp/9100", {})
    assert hit is not None and hit[0].id == "test.urgent"


def test_when_condition_reads_other_fields() -> None:
    descr = (
        "Hardware: Intel64 Family 6 Model 58 Stepping 9 AT/AT COMPATIBLE - "
        "Software: Windows Version 6.1 (Build 7601 Multiprocessor Free)"
    )
    client = RULES.first_match(
        "snmp.sysDescr", descr, {"snmp.sysObjectID": ["1.3.6.1.4.1.311.1.1.3.1.1"]}
    )
    server = RULES.first_match(
        "snmp.sysDescr", descr, {"snmp.sysObjectID": ["1.3.6.1.4.1.311.1.1.3.1.2"]}
    )
    neither = RULES.first_match("snmp.sysDescr", descr, {})
    assert client is not None and client[0].id == "snmp.windows.7"
    assert server is not None and server[0].id == "snmp.windows.server-2008-r2"
    assert neither is not None and neither[0].id == "snmp.windows.nt61-either"


def test_render_leaves_version_out_when_its_group_did_not_match() -> None:
    rule = next(r for r in RULES.rules if r.id == "nmap.service.polycom-realpresence-group")
    found = rule.match("Polycom RealPresence Group 500 SIP", {})
    assert found is not None
    values = rule.render(found)
    assert values["product"] == "RealPresence Group"
    assert values["version"] is None


def test_a_rule_on_the_mac_oui_may_not_name_an_identity(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "10-oui.yaml",
        """\
        rules:
          - id: test.oui-identity
            field: mac.oui
            pattern: '^GE Healthcare$'
            identity: {kind: os, vendor: Microsoft, product: Windows XP}
            examples:
              - {value: GE Healthcare, source: IEEE MA-L 44-4B-5D, expect: {product: Windows XP}}
        """,
    )
    with pytest.raises(RuleError, match="test.oui-identity: a rule on mac.oui may give a class"):
        RuleSet.load([tmp_path])


def test_an_oui_example_must_be_the_registered_organisation(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "10-oui.yaml",
        """\
        rules:
          - id: test.oui
            field: mac.oui
            pattern: '^GE'
            classify: {class: medical, weight: 0.35}
            examples:
              - {value: GE Healthcare, source: IEEE MA-L 44-4B-5D, expect: {class: medical}}
              - {value: GE Medical, source: IEEE MA-L 44-4B-5D, expect: {class: medical}}
              - {value: GE Healthcare, expect: {class: medical}}
        """,
    )
    failures = check_examples(RuleSet.load([tmp_path]), VOCABULARY)
    assert failures == [
        "10-oui.yaml: test.oui: example 'GE Medical': the IEEE registry gives 44-4B-5D to "
        "'GE Healthcare'",
        "10-oui.yaml: test.oui: example 'GE Healthcare' has no OUI in its source "
        "(e.g. 'IEEE MA-L 00-09-FB')",
    ]
