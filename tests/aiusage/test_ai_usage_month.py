"""``legacyscan ai-usage`` on the lab's generated month: every count per service and
department equals the generator's truth, in every kind of evidence; attribution is
sure, likely or unattributed as the inventory says; nothing of a URL path or a user
name reaches any output (JSON, CSV, HTML)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest
from clirun import run
from logmonth import LEFT, SWAPPED, Month

from legacyscan.aiusage.usagefile import read_usage
from legacyscan.lab.logs import VISITORS


def ai_usage(month: Month, out: Path, *extra: str) -> Path:
    output = out / "ai-usage.json"
    done = run(
        "ai-usage", *month.logs, "--db", str(month.db), "--segments",
        str(month.folder / "segments.yaml"), "--policy", str(month.folder / "policy.yaml"),
        "--csv-columns", "host=cs-url", "--year", "2026", "-o", str(output),
        "--csv", str(out / "csv"), *extra,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return output


@pytest.fixture(scope="module")
def usage(month: Month, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ai_usage(month, tmp_path_factory.mktemp("usage"))


def test_every_count_equals_the_truth(month: Month, usage: Path) -> None:
    data = read_usage(usage)
    found: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for row in data.rows:
        cell = found[row.evidence][row.service]
        cell[row.segment] = cell.get(row.segment, 0) + row.connections
    assert {e: dict(s) for e, s in found.items()} == month.truth["counts"]


def test_approved_services_and_unapproved_share(month: Month, usage: Path) -> None:
    data = read_usage(usage)
    assert {s.id for s in data.services if s.approved} == set(month.truth["approved"])
    proxy = month.truth["counts"]["proxy"]
    total = sum(sum(d.values()) for d in proxy.values())
    unapproved = sum(sum(d.values()) for s, d in proxy.items() if s not in month.truth["approved"])
    from legacyscan.report.ai_usage import AiUsageView

    view = AiUsageView(data)
    assert (view.evidence, view.total, view.unapproved) == ("proxy", total, unapproved)


def test_malformed_lines_are_counted_with_their_numbers(month: Month, usage: Path) -> None:
    inputs = {i.name: i for i in read_usage(usage).inputs}
    squid = inputs["squid-access.log.gz"]
    assert list(squid.first_malformed) == month.truth["malformed"]["squid-access.log.gz"]
    assert squid.lines == month.truth["lines"]["squid-access.log.gz"]


def test_attribution(usage: Path) -> None:
    rows = read_usage(usage).rows
    certainty = defaultdict(set)
    for row in rows:
        certainty[row.address].add(row.attribution)
    assert certainty["127.42.30.11"] == {"sure"}  # the same workstation in both scans
    assert certainty[LEFT] == {"likely"}  # only the first scan saw it
    assert certainty[SWAPPED[0]] == {"likely"}  # two devices: the closer scan names it
    for visitor in VISITORS:
        assert certainty[visitor] == {"unattributed"}
    # The swap: before mid-month the first scan's device, after it the second's.
    names = {(r.day < "2026-11-16", r.device) for r in rows if r.address == SWAPPED[0]}
    assert names == {(True, "guest-phone-1"), (False, "guest-phone-2")}


def test_nothing_of_a_path_or_a_user_reaches_any_output(
    month: Month, usage: Path, tmp_path: Path
) -> None:
    imported = tmp_path / "scan"
    done = run("import", "tests/fixtures/nmap/lab-minimal.xml", "--out", str(imported), "--no-db")
    assert done.returncode == 0, done.stderr
    outputs = [usage, *sorted((usage.parent / "csv").glob("*.csv"))]
    for fmt, name in (("html", "report.html"), ("json", "report.json"), ("csv", "report-csv")):
        target = tmp_path / name
        done = run("report", str(imported / "scan.json"), "--format", fmt, "--ai-usage",
                   str(usage), "-o", str(target))  # fmt: skip
        assert done.returncode == 0, done.stderr
        outputs += sorted(target.glob("*.csv")) if target.is_dir() else [target]
    html = (tmp_path / "report.html").read_text()
    assert 'id="shadow-ai"' in html and "ChatGPT" in html
    assert "IA non référencée" in html  # both languages are in the page
    assert "ai_usage" in json.loads((tmp_path / "report.json").read_text())
    canaries = month.truth["canaries"] + ["jdupont", "/v1/", "backend-api", "index.html"]
    for path in outputs:
        text = path.read_text(encoding="utf-8")
        for canary in canaries:
            assert canary not in text, (path.name, canary)


def test_keep_users_writes_pseudonyms_only(
    month: Month, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = tmp_path / "key"
    key.write_text("a-secret-key-of-the-hospital-0123456789")
    output = ai_usage(month, tmp_path, "--keep-users", "--user-key-file", str(key))
    data = read_usage(output)
    users = {r.user for r in data.rows if r.user}
    assert users and all(u.startswith("u-") and len(u) == 18 for u in users)
    assert data.kept.users == "pseudonymised"
    text = output.read_text() + "".join(p.read_text() for p in (tmp_path / "csv").glob("*.csv"))
    for canary in month.truth["canaries"] + [key.read_text()]:
        assert canary not in text
    # without a key it refuses in one line
    monkeypatch.delenv("LEGACYSCAN_USER_KEY", raising=False)
    done = run("ai-usage", month.logs[0], "--no-db", "--keep-users", "-o", str(tmp_path / "x"))
    assert done.returncode == 2 and done.stderr.startswith("error: --keep-users needs a key")
