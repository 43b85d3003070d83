"""A non-editable install into a fresh virtualenv finds its fingerprints and templates.

The data lives at the top of the repository (fingerprints/, reports/) and must ship
inside the wheel.  The installed command runs from a folder outside the checkout, so
that it cannot fall back to the repository's copies.
"""

from __future__ import annotations

import json
import subprocess
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"

pytestmark = pytest.mark.slow


def test_pip_install_outside_the_checkout(tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(ROOT)],
        capture_output=True, text=True, timeout=900, cwd=tmp_path,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr[-2000:]
    site = subprocess.run(
        [str(python), "-c", "import legacyscan, pathlib; print(pathlib.Path(legacyscan.__file__))"],
        capture_output=True, text=True, cwd=tmp_path, check=True,
    ).stdout.strip()  # fmt: skip
    package = Path(site).parent
    assert ROOT not in package.parents, "installed as editable: the test proves nothing"
    assert (package / "fingerprints" / "vocabulary.yaml").is_file()
    assert (package / "reports" / "report.html.j2").is_file()

    walk = tmp_path / "xp.walk"
    walk.write_text((FIXTURES / "cli" / "xp-console.snmpwalk").read_text())
    result = subprocess.run(
        [str(env_dir / "bin" / "legacyscan"), "identify", "--snmpwalk", str(walk),
         "--format", "json", "--as-of", "2026-11-23"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (device,) = json.loads(result.stdout)["devices"]
    assert device["identities"][0]["product"] == "Windows XP"
    assert device["identities"][0]["lifecycle"]["status"] == "eol"

    # The HTML renderer finds its template too: render the report of a stored scan.
    scan_json = tmp_path / "scan.json"
    scan_json.write_text(
        json.dumps(
            {
                "schema": 1,
                "as_of": "2026-11-23",
                "scan": {
                    "started": "2026-11-23T00:00:00+00:00",
                    "finished": "2026-11-23T00:00:01+00:00",
                    "targets": [],
                    "command_lines": [],
                    "tool_versions": {},
                    "legacyscan_version": "test",
                },
                "devices": [],
            }
        )
    )
    report = subprocess.run(
        [str(env_dir / "bin" / "legacyscan"), "report", str(scan_json)],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert report.returncode == 0, report.stderr
    assert "Content-Security-Policy" in (tmp_path / "report.html").read_text()

    # The AI-usage pieces ship too: the log readers, the catalogue, the section's template.
    log = tmp_path / "access.log"
    log.write_text((FIXTURES / "logs" / "squid-access.log").read_text())
    usage = subprocess.run(
        [str(env_dir / "bin" / "legacyscan"), "ai-usage", str(log), "--no-db",
         "-o", str(tmp_path / "ai-usage.json")],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert usage.returncode == 0, usage.stderr
    with_ai = subprocess.run(
        [str(env_dir / "bin" / "legacyscan"), "report", str(scan_json), "--ai-usage",
         str(tmp_path / "ai-usage.json"), "-o", str(tmp_path / "ai.html")],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert with_ai.returncode == 0, with_ai.stderr
    assert 'id="shadow-ai"' in (tmp_path / "ai.html").read_text()


def test_every_package_of_the_tree_is_listed_for_the_wheel() -> None:
    # a folder left out of setup.cfg installs without its modules (and fails at run time)
    import configparser

    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    listed = set(config["options"]["packages"].split())
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "legacyscan").rglob("__init__.py")
    }
    assert sorted(found - listed) == []
