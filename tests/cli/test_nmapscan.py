"""``legacyscan profiles`` and the scan's scope options with --dry-run: no packet is sent."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from clirun import run

pytestmark = pytest.mark.skipif(
    subprocess.run(["which", "nmap"], capture_output=True).returncode != 0,
    reason="nmap is not installed",
)


def test_profiles_lists_every_profile_and_the_denylist() -> None:
    result = run("profiles")
    assert result.returncode == 0, result.stderr
    for word in ("clinical-safe (default)", "standard", "thorough", "dicom-ping", "intrusive"):
        assert word in result.stdout
    assert "515,631,9100-9107" in result.stdout


def test_dry_run_prints_the_plan_and_sends_nothing(tmp_path: Path) -> None:
    targets = tmp_path / "targets.txt"
    targets.write_text("127.51.0.0/25\n127.51.0.128/25  # second half\n")
    result = run(
        "scan", "--targets-file", str(targets), "--exclude", "127.51.0.9",
        "--chunk-size", "100", "--dry-run",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "plan: 255 address(es) in 3 chunk(s) of up to 100" in out
    assert "profile: clinical-safe" in out
    assert "excluded (never sent a packet): 127.51.0.9/32" in out
    commands = [line for line in out.splitlines() if line.startswith("  [")]
    assert len(commands) == 3 and all(" nmap -n " in c for c in commands)
    assert "127.51.0.9/32" not in "".join(commands)
    assert "dry run: nothing was sent" in out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["8.8.8.0/24", "--dry-run"], "public"),
        (["10.0.0.0/8", "--dry-run"], "--max-hosts"),
        (["127.51.0.1", "--dry-run", "--script", "dicom-brute"], "'brute' category"),
        (["127.51.0.1", "--dry-run", "--script", "vuln"], "not categories"),
        (["127.51.0.1", "--dry-run", "--ports", "22,9100"], "--allow-printer-ports"),
        (["127.51.0.1", "--dry-run", "--profile", "aggressive"], "no scan profile"),
        (["127.51.0.1"], "--out DIR is required"),
        (["--dry-run"], "give TARGETS"),
        (["--resume", "--out", "/nonexistent/scan"], "no scan to resume"),
        (["127.51.0.1", "--dry-run", "--second-pass-host", "pc-1"], "not an address"),
        (
            ["127.51.0.1", "--dry-run", "--no-second-pass", "--second-pass-host", "127.51.0.1"],
            "needs a second pass",
        ),
    ],
)
def test_refusals_are_one_line(args: list[str], expected: str) -> None:
    result = run("scan", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and expected in line


def test_public_allowed_only_with_the_flag() -> None:
    result = run("scan", "8.8.8.8", "--allow-public", "--dry-run")
    assert result.returncode == 0 and "8.8.8.8/32" in result.stdout  # printed, never sent


def test_dry_run_shows_both_passes_and_the_allow_list_per_class() -> None:
    result = run("scan", "127.51.0.0/28", "--dry-run", "--second-pass-host", "127.51.0.5")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("pass 1 (discovery):")
    assert "pass 2 (read-only OS scripts): decided after pass 1" in out
    assert "  class medical: nothing" in out and "  class printer: nothing" in out
    assert "  class unknown: nothing" in out
    workstation = next(line for line in out.splitlines() if line.startswith("  class workstation"))
    assert "smb-os-discovery (tcp/445,tcp/139)" in workstation and "rdp-ntlm-info" in workstation
    assert "named by you (--second-pass-host): 127.51.0.5" in out
    assert "devices seen only in switch tables: never anything" in out
    off = run("scan", "127.51.0.0/28", "--dry-run", "--no-second-pass").stdout
    assert "pass 2: none" in off and "class workstation" not in off
    thorough = run("scan", "127.51.0.0/28", "--dry-run", "--profile", "thorough").stdout
    assert "pass 2: none" in thorough


def test_dry_run_shows_the_ai_service_ports_per_class() -> None:
    out = run("scan", "127.51.0.0/28", "--dry-run").stdout
    assert "AI services (read-only HTTP GETs" in out
    lines = out.splitlines()
    nothing = next(line for line in lines if line.startswith("  nothing to: "))
    for fragile in ("medical", "iot", "power", "printer"):
        assert fragile in nothing
    server = next(line for line in lines if line.startswith("  server: tcp/"))
    assert "11434" in server
    off = run("scan", "127.51.0.0/28", "--dry-run", "--no-ai-probes").stdout
    assert "AI services: no GET sent (--no-ai-probes" in off
