"""``legacyscan lab logs``: the same month and seed give the same bytes; the truth adds
up; bad months are refused.  No lab is started."""

from __future__ import annotations

import json
from pathlib import Path

from clirun import run


def test_same_seed_same_bytes_and_the_truth_adds_up(tmp_path: Path) -> None:
    for name in ("a", "b"):
        done = run("lab", "logs", "--out", str(tmp_path / name), "--month", "2026-02")
        assert done.returncode == 0, done.stderr
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert "squid-access.log.gz" in files and "truth.json" in files
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    truth = json.loads((tmp_path / "a" / "truth.json").read_text())
    proxy = sum(sum(d.values()) for d in truth["counts"]["proxy"].values())
    dns = sum(sum(d.values()) for d in truth["counts"]["dns"].values())
    assert proxy == dns > 0
    assert f"{proxy:,} AI connection(s)" in done.stdout
    assert truth["month"] == "2026-02"
    other = run("lab", "logs", "--out", str(tmp_path / "c"), "--month", "2026-02", "--seed", "7")
    assert other.returncode == 0
    assert (tmp_path / "c" / "bind-query.log").read_bytes() != (
        tmp_path / "a" / "bind-query.log"
    ).read_bytes()


def test_a_bad_month_is_refused(tmp_path: Path) -> None:
    done = run("lab", "logs", "--out", str(tmp_path), "--month", "2026-13")
    assert done.returncode == 2
    assert "YYYY-MM" in done.stderr and "Traceback" not in done.stderr


def test_the_minimal_scenario_adds_up_too(tmp_path: Path) -> None:
    from legacyscan.lab.logs import write_month
    from legacyscan.lab.scenario import load

    truth = write_month(load("minimal"), tmp_path)
    segments = {seg for by in truth["counts"]["proxy"].values() for seg in by}
    assert segments and segments <= {d.segment for d in load("minimal").devices}
    mapping = (tmp_path / "segments.yaml").read_text()
    assert all(f"name: {segment}," in mapping for segment in segments)
