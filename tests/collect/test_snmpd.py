"""Against net-snmp's real snmpd: v2c and SNMPv3 users configured by the test itself.

The agent is this machine's own snmpd binary with a configuration written here (no
system files), listening on 127.50.2.1 only.  The secrets are unusual strings so that
the test can grep every output for them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from legacyscan.collect.snmp.credentials import load_credentials
from legacyscan.collect.snmp.sweep import SnmpOptions, run_sweep
from legacyscan.lab.snmp_agents import snmpd

pytestmark = pytest.mark.lab

ADDRESS, PORT = "127.50.2.1", 16162
COMMUNITY = "v2c-Zq8wCommunity"
#: label -> (user, auth, auth_key, priv, priv_key) as net-snmp names the protocols
USERS = {
    "sha-aes128": ("u1", "SHA", "auth-Xk2pSecret01", "AES", "priv-Xk2pSecret01"),
    "sha224-aes192": ("u2", "SHA-224", "auth-Xk2pSecret02", "AES-192", "priv-Xk2pSecret02"),
    "sha256-aes256": ("u3", "SHA-256", "auth-Xk2pSecret03", "AES-256", "priv-Xk2pSecret03"),
    "sha384-aes128": ("u4", "SHA-384", "auth-Xk2pSecret04", "AES", "priv-Xk2pSecret04"),
    "sha512-aes256c": ("u5", "SHA-512", "auth-Xk2pSecret05", "AES-256-C", "priv-Xk2pSecret05"),
    "sha256-nopriv": ("u6", "SHA-256", "auth-Xk2pSecret06", "", ""),
    "noauth": ("u7", "", "", "", ""),
    "md5-des": ("u8", "MD5", "auth-Xk2pSecret08", "DES", "priv-Xk2pSecret08"),
    "wrong-key": ("u9", "SHA-256", "auth-Xk2pSecret09", "AES-256", "priv-Xk2pSecret09"),
}
SECRETS = [COMMUNITY] + [s for u in USERS.values() for s in (u[2], u[4]) if s]


def _config() -> str:
    lines = [f"rocommunity {COMMUNITY} default", "sysName lab-snmpd", "sysLocation test rack"]
    for user, auth, auth_key, priv, priv_key in USERS.values():
        spec = " ".join(p for p in (auth, f'"{auth_key}"' if auth else "", priv,
                                     f'"{priv_key}"' if priv else "") if p)  # fmt: skip
        lines.append(f"createUser {user} {spec}".rstrip())
        level = "priv" if priv else "auth" if auth else "noauth"
        lines.append(f"rouser {user} {level}")
    return "\n".join(lines) + "\n"


def _yaml_entry(label: str) -> str:
    user, auth, auth_key, priv, priv_key = USERS[label]
    lines = [f"  - label: {label}", "    version: 3", f"    user: {user}"]
    if auth:
        lines += [f"    auth: {auth.lower()}", f'    auth_key: "{auth_key}"']
    if priv:
        lines += [f"    priv: {priv.lower()}", f'    priv_key: "{priv_key}"']
    return "\n".join(lines)


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    work = tmp_path_factory.mktemp("snmpd")
    with snmpd(ADDRESS, PORT, _config(), work, ready_args=("-v2c", "-c", COMMUNITY)):
        yield ADDRESS, PORT


def _creds_file(tmp_path: Path, *entries: str) -> Path:
    path = tmp_path / "creds.yaml"
    path.write_text("credentials:\n" + "\n".join(entries) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("label", sorted(set(USERS) - {"wrong-key"}))
def test_v3_user_answers(agent: tuple[str, int], tmp_path: Path, label: str) -> None:
    creds = load_credentials(_creds_file(tmp_path, _yaml_entry(label)))
    options = SnmpOptions(port=PORT, credentials=creds, groups=(), timeout=2)
    [result] = run_sweep([ADDRESS], options)
    assert result.status == "ok", result.detail
    assert result.credential == label
    assert result.system is not None and result.system.name == "lab-snmpd"


def test_wrong_v3_credentials_are_auth_failures(agent: tuple[str, int], tmp_path: Path) -> None:
    entries = [
        "  - label: wrong-key\n    version: 3\n    user: u9\n    auth: sha256\n"
        '    auth_key: "not-the-right-key"\n    priv: aes256\n    priv_key: "priv-Xk2pSecret09"',
        "  - label: nobody\n    version: 3\n    user: nobody\n    auth: sha\n"
        '    auth_key: "whatever-key"',
    ]
    options = SnmpOptions(
        port=PORT, credentials=load_credentials(_creds_file(tmp_path, *entries)), groups=()
    )
    [result] = run_sweep([ADDRESS], options)
    assert result.status == "auth-failed"
    assert "wrong-key" in result.detail and "nobody" in result.detail
    assert result.error is not None


def test_falls_through_to_the_working_credential_and_reads_real_tables(
    agent: tuple[str, int], tmp_path: Path
) -> None:
    entries = [
        "  - label: wrong-community\n    version: 2c\n    community: nope-not-this",
        "  - label: wrong-user\n    version: 3\n    user: nobody\n    auth: sha\n"
        '    auth_key: "whatever-key"',
        _yaml_entry("sha256-aes256"),
        f'  - label: v2c\n    version: 2c\n    community: "{COMMUNITY}"',
    ]
    options = SnmpOptions(
        port=PORT,
        credentials=load_credentials(_creds_file(tmp_path, *entries)),
        timeout=1,
        retries=0,
        groups=("interfaces", "software", "connections"),
    )
    [result] = run_sweep([ADDRESS], options)
    assert result.credential == "sha256-aes256"
    assert result.status in ("ok", "partial"), result.detail
    tables = result.tables
    assert tables is not None
    assert any(i.descr == "lo" for i in tables.interfaces)  # this machine's own interfaces
    assert any(a.address == "127.0.0.1" for a in tables.interface_addresses)
    assert tables.installed_software  # Debian's snmpd lists the dpkg packages


def test_no_secret_in_any_output(agent: tuple[str, int], tmp_path: Path) -> None:
    """The snmp command's text, JSON and progress output never show a secret."""
    entries = [
        "  - label: wrong-community\n    version: 2c\n    community: nope-not-this",
        "  - label: wrong-key\n    version: 3\n    user: u9\n    auth: sha256\n"
        '    auth_key: "auth-Xk2pWrongKey"\n    priv: aes256\n    priv_key: "priv-Xk2pWrongKey"',
        *(_yaml_entry(label) for label in sorted(USERS) if label != "wrong-key"),
        f'  - label: v2c\n    version: 2c\n    community: "{COMMUNITY}"',
    ]
    creds = _creds_file(tmp_path, *entries)
    outputs = []
    for fmt in ("text", "json"):
        done = subprocess.run(
            [sys.executable, "-m", "legacyscan", "snmp", ADDRESS, "127.50.2.9",
             "--port", str(PORT), "--credentials", str(creds), "--format", fmt,
             "--timeout", "1", "--retries", "0", "--tables", "entity,interfaces"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        outputs += [done.stdout, done.stderr]
    data = json.loads(outputs[2])
    assert data["hosts"][0]["credential"] == "md5-des"  # the first working one, in order
    assert data["hosts"][1]["status"] == "no-response"
    for output in outputs:
        for secret in [*SECRETS, "auth-Xk2pWrongKey", "nope-not-this"]:
            assert secret not in output
