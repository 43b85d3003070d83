"""``legacyscan fingerprints check|explain`` as a user runs them (real processes)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

AS_OF = "2026-11-23"
WIN_2008_R2 = (
    "Hardware: Intel64 Family 6 Model 44 Stepping 2 AT/AT COMPATIBLE - "
    "Software: Windows Version 6.1 (Build 7601 Multiprocessor Free)"
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "legacyscan", "fingerprints", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _rules(folder: Path, body: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "10-mine.yaml").write_text(textwrap.dedent(body), encoding="utf-8")
    return folder


def test_check_passes_on_the_bundled_rules() -> None:
    result = run("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("all passed")
    assert "FAIL" not in result.stdout


def test_check_names_each_failing_example_of_a_users_folder(tmp_path: Path) -> None:
    folder = _rules(
        tmp_path / "mine",
        """\
        rules:
          - id: mine.infusion-gateway
            field: snmp.sysDescr
            pattern: '^Acme Gateway (?P<version>\\d+\\.\\d+)'
            classify: {class: medical, type: infusion-pump}
            examples:
              - value: Acme Gateway 2.1
                expect: {class: medical, type: patient-monitor}
              - value: Other Gateway 2.1
                expect: {class: medical}
          - id: mine.no-example
            field: port
            pattern: '^tcp/4001$'
            classify: {class: medical}
        """,
    )
    result = run("check", "--rules", str(folder))
    assert result.returncode == 1
    fails = [line for line in result.stdout.splitlines() if line.startswith("FAIL ")]
    assert fails == [
        "FAIL 10-mine.yaml: mine.infusion-gateway: example 'Acme Gateway 2.1' gives "
        "type='infusion-pump', expected 'patient-monitor'",
        "FAIL 10-mine.yaml: mine.infusion-gateway: example not matched: 'Other Gateway 2.1'",
        "FAIL 10-mine.yaml: mine.no-example: has no example",
    ]
    assert "2 rule(s), 2 example(s): 3 failure(s)" in result.stderr


def test_check_with_bundled_shows_a_user_rule_shadowing_a_bundled_one(tmp_path: Path) -> None:
    folder = _rules(
        tmp_path / "mine",
        """\
        rules:
          - id: mine.dicom
            field: port
            pattern: '^tcp/104$'
            classify: {class: medical, type: PACS}
            examples: [{value: tcp/104, expect: {type: PACS}}]
        """,
    )
    alone = run("check", "--rules", str(folder))
    assert alone.returncode == 0, alone.stdout
    together = run("check", "--rules", str(folder), "--with-bundled")
    assert together.returncode == 1
    # rules sort by priority, then file name: 10-mine.yaml is tried before 90-ports.yaml
    fails = [line for line in together.stdout.splitlines() if line.startswith("FAIL ")]
    assert fails == [
        "FAIL 90-ports.yaml: port.dicom: example first matched by mine.dicom: 'tcp/104'"
    ]
    # with the bundled rules, the gaps between rules and EOL records are summarised
    assert "lifecycle-gaps.yaml" in together.stdout


def test_a_broken_rule_file_is_one_error_line(tmp_path: Path) -> None:
    folder = _rules(tmp_path / "mine", "rules:\n  - id: x\n    field: port\n    pattern: '('\n")
    result = run("check", "--rules", str(folder))
    assert result.returncode == 2
    assert result.stderr.startswith("error: 10-mine.yaml: rule x: bad regex")
    assert "Traceback" not in result.stderr


def test_explain_names_the_rule_the_values_and_the_lifecycle() -> None:
    result = run(
        "explain", "--field", "sysDescr", WIN_2008_R2,
        "--context", "sysObjectID=1.3.6.1.4.1.311.1.1.3.1.2", "--as-of", AS_OF,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "  MATCH snmp.windows.server-2008-r2 (10-snmp-windows.yaml" in out
    assert "  product  Windows Server 2008 R2" in out
    assert "  version  6.1.7601" in out
    assert f"lifecycle on {AS_OF}: " in out
    assert "  source   https://" in out


def test_explain_shows_rules_waiting_for_a_condition() -> None:
    result = run("explain", "--field", "snmp.sysDescr", WIN_2008_R2, "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    assert (
        "needs snmp.windows.7 (10-snmp-windows.yaml, priority 50): only with snmp.sysObjectID"
        in (result.stdout)
    )
    assert "MATCH snmp.windows.nt61-either" in result.stdout


def test_explain_unknown_value_exits_1() -> None:
    result = run("explain", "--field", "sysDescr", "a toaster")
    assert result.returncode == 1
    assert "no rule names this value: it stays unknown" in result.stdout


def test_explain_refuses_an_unknown_or_ambiguous_field() -> None:
    result = run("explain", "--field", "banner", "SSH-2.0-OpenSSH_4.3")
    assert result.returncode == 2
    assert "ambiguous: ftp.banner, smtp.banner, ssh.banner, telnet.banner" in result.stderr
    result = run("explain", "--field", "sysUpTime", "1")
    assert result.returncode == 2
    assert "unknown field 'sysUpTime'" in result.stderr


def test_a_bad_vocabulary_file_is_one_line(tmp_path: Path) -> None:
    from clirun import run as run_here  # in this process: six cases

    cases = {
        "a: [\n": "not valid YAML (line 2, column 1",
        "other: 1\n": "expected a 'vendors:' mapping",
        "vendors: 5\n": "expected a 'vendors:' mapping",
        "vendors:\n  Cisco: 5\n": "vendor 'Cisco': expected a list of product names",
        "vendors:\n  Cisco: [IOS, [x]]\n": "vendor 'Cisco': expected a list of product names",
        "vendors:\n  Cisco: {IOS: 1}\n": "vendor 'Cisco': expected a list of product names",
    }
    for number, (text, message) in enumerate(cases.items()):
        path = tmp_path / f"vocabulary-{number}.yaml"
        path.write_text(text, encoding="utf-8")
        result = run_here("fingerprints", "check", "--vocabulary", str(path))
        assert result.returncode != 0, text
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], text
