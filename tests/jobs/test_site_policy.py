"""A worker's local policy: what it may ever scan, checked before any packet."""

from __future__ import annotations

from pathlib import Path

import pytest

from legacyscan.jobs.payload import JobPayload
from legacyscan.jobs.policy import PolicyError, PolicyRefusal, SitePolicy

POLICY = """\
site: chu-nord
vantages: [dc-vlan5]
networks: [10.20.0.0/16]
exclude: [10.20.9.0/24]
profiles: [clinical-safe]
max_hosts: 1024
snmp:
  credentials: snmp.yaml
  port: 16100
work_dir: work
"""
CREDENTIALS = """\
credentials:
  - {label: nord-public, version: 2c, community: "c0mmunity-n0rd"}
  - {label: nord-v3, version: "3", user: scanner, auth: sha, auth_key: "auth-s3cret-key",
     priv: aes128, priv_key: "priv-s3cret-key"}
"""


@pytest.fixture
def policy(tmp_path: Path) -> SitePolicy:
    (tmp_path / "snmp.yaml").write_text(CREDENTIALS)
    (tmp_path / "policy.yaml").write_text(POLICY)
    return SitePolicy.load(tmp_path / "policy.yaml")


def _job(**fields: object) -> JobPayload:
    values: dict[str, object] = {
        "site": "chu-nord", "profile": "clinical-safe", "targets": ("10.20.1.0/24",),
    }  # fmt: skip
    values.update(fields)
    return JobPayload(**values)  # type: ignore[arg-type]


def test_the_policy_file_is_read(policy: SitePolicy, tmp_path: Path) -> None:
    assert policy.site == "chu-nord" and policy.snmp_port == 16100
    assert [c.label for c in policy.credentials] == ["nord-public", "nord-v3"]
    assert policy.work_dir == tmp_path / "work"


def test_an_allowed_job_is_planned_without_the_excluded_addresses(policy: SitePolicy) -> None:
    plan = policy.check(_job(targets=("10.20.8.0/23",)), as_root=False)
    assert plan.address_count == 256  # 10.20.9.0/24 never given to nmap
    assert all(not t.startswith("10.20.9.") for c in plan.chunks for t in c.targets)


@pytest.mark.parametrize(
    ("job", "why"),
    [
        (_job(targets=("10.30.0.1",)), "outside this scanner's networks"),
        (_job(targets=("10.20.0.0/24", "10.21.0.5")), "1 address(es) outside"),
        (_job(site="chu-sud"), "this scanner is at 'chu-nord'"),
        (_job(vantage="ward-b"), "vantage point 'ward-b'"),
        (_job(profile="thorough"), "profile 'thorough' is not allowed here"),
        (_job(targets=("10.20.0.0/20",)), "limit of 1024"),
        (_job(snmp_labels=("somebody-else",)), "no SNMP credential labelled somebody-else"),
        (_job(tcp_ports=(22, 9100)), "printer"),
        (_job(targets=("10.20.9.0/24",)), "nothing left to scan"),
    ],
)
def test_a_job_outside_the_policy_is_refused(policy: SitePolicy, job: JobPayload, why: str) -> None:
    with pytest.raises(PolicyRefusal) as refused:
        policy.check(job, as_root=False)
    assert why in str(refused.value), str(refused.value)


def test_a_job_names_credentials_by_label_only(policy: SitePolicy) -> None:
    chosen = policy.snmp_credentials(_job(snmp_labels=("nord-v3",)))
    assert [c.label for c in chosen] == ["nord-v3"]
    message = repr(_job(snmp_labels=("nord-v3",)).to_message())
    for secret in ("c0mmunity-n0rd", "auth-s3cret-key", "priv-s3cret-key"):
        assert secret not in message


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("site: chu-nord\nprofiles: [clinical-safe]\n", "'networks' must list"),
        ("site: Nord!\nnetworks: [10.0.0.0/8]\nprofiles: [clinical-safe]\n", "bad site name"),
        ("site: n\nnetworks: [10.0.0.0/8]\nprofiles: [gentle]\n", "known scan profiles"),
        ("site: n\nnetworks: [nowhere]\nprofiles: [clinical-safe]\n", "not an address"),
        ("site: n\nnetworks: [10.0.0.0/8]\nprofiles: [clinical-safe]\nscan: all\n", "unknown key"),
        ("site: n\nnetworks: [10.0.0.0/8]\nprofiles: [clinical-safe]\nmax_hosts: -1\n",
         "max_hosts"),
        ("- a list\n", "expected a YAML mapping"),
    ],
)  # fmt: skip
def test_a_bad_policy_file_is_one_line(tmp_path: Path, text: str, why: str) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    with pytest.raises(PolicyError) as bad:
        SitePolicy.load(path)
    assert why in str(bad.value) and "\n" not in str(bad.value)
