"""``dispatch``, ``jobs`` and the broker settings, against a real ``redis-server``.

What a message on the broker holds is read back from Redis itself: the job's payload,
named by labels, and no secret (neither the broker's password nor any SNMP secret).
"""

from __future__ import annotations

import base64
import json
import re
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from clirun import run
from redisserver import command, redis_server, redis_skip_reason

from legacyscan.inventory import Inventory
from legacyscan.jobs.broker import BrokerError, redact, resolve
from legacyscan.jobs.store import JobStore

needs_redis = pytest.mark.skipif(redis_skip_reason() is not None, reason=str(redis_skip_reason()))
PASSWORD = "br0ker-pa55word"


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    if redis_skip_reason() is not None:
        pytest.skip(str(redis_skip_reason()))
    folder = tmp_path_factory.mktemp("redis")
    with redis_server(folder, password=PASSWORD) as port:
        url_file = folder / "broker.url"
        url_file.write_text(f"# group broker\nredis://:{PASSWORD}@127.0.0.1:{port}/0\n")
        url_file.chmod(0o600)
        yield port, url_file


def _messages(port: int, queue: str) -> list[dict[str, object]]:
    raw = command(port, "LRANGE", queue, "0", "-1", password=PASSWORD)
    found = []
    for line in raw.split(b"\r\n"):
        if line.startswith(b"{"):
            found.append(json.loads(line))
    return found


def test_the_broker_url_comes_from_a_file_or_the_environment(tmp_path: Path) -> None:
    url_file = tmp_path / "url"
    url_file.write_text("# comment\n\nredis://:secret@broker.example:6380/2\n")
    config = resolve(url_file, env={"LEGACYSCAN_BROKER_URL": "redis://other:1/0"})
    assert config.url == "redis://:secret@broker.example:6380/2"
    assert config.shown == "redis://:***@broker.example:6380/2"
    assert (
        resolve(None, env={"LEGACYSCAN_BROKER_URL": "amqp://u:p@mq/"}).shown == "amqp://u:***@mq/"
    )
    assert resolve(None, env={"LEGACYSCAN_BROKER_URL_FILE": str(url_file)}).origin == str(url_file)
    assert resolve(None, env={}).url == "redis://127.0.0.1:6379/0"
    assert redact("rediss://user:p@ss:w@host:1/0") == "rediss://user:***@host:1/0"


def test_tls_options_of_a_rediss_url_are_passed_to_broker_and_backend(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("not checked here: only passed on\n")
    env = {
        "LEGACYSCAN_BROKER_URL": f"rediss://:pw@broker:6380/0?ssl_cert_reqs=required&ssl_ca_certs={ca}"
    }
    settings = resolve(None, env=env).celery_settings()
    assert settings["broker_url"] == "rediss://:pw@broker:6380/0"
    assert settings["broker_use_ssl"] == {
        "ssl_cert_reqs": ssl.CERT_REQUIRED,
        "ssl_ca_certs": str(ca),
    }
    assert settings["redis_backend_use_ssl"] == settings["broker_use_ssl"]
    amqps = {"LEGACYSCAN_BROKER_URL": f"amqps://u:pw@mq:5671/?ssl_ca_certs={ca}"}
    assert resolve(None, env=amqps).celery_settings()["broker_use_ssl"] == {
        "cert_reqs": ssl.CERT_REQUIRED, "ca_certs": str(ca)
    }  # fmt: skip


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://broker/", "must be redis://"),
        ("redis:///0", "with a host"),
        ("redis://b:1/0?ssl_ca_certs=/x", "TLS options given for a plain redis://"),
        ("rediss://b:1/0?ssl_cert_reqs=maybe", "ssl_cert_reqs must be one of"),
        ("rediss://b:1/0?ssl_ca_certs=/nonexistent/ca.pem", "no file /nonexistent/ca.pem"),
    ],
)
def test_a_bad_broker_url_is_one_line(url: str, why: str) -> None:
    with pytest.raises(BrokerError, match=re.escape(why)):
        resolve(None, env={"LEGACYSCAN_BROKER_URL": url})


@needs_redis
def test_an_unreachable_broker_is_one_line_and_records_nothing(tmp_path: Path) -> None:
    url_file = tmp_path / "url"
    url_file.write_text("redis://:hidden@127.0.0.1:9/0\n")  # port 9: nobody listens
    db = str(tmp_path / "inventory.sqlite")
    result = run("dispatch", "127.42.99.1", "--site", "chu-nord", "--broker-file", str(url_file),
                 "--db", db)  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot reach the broker redis://:***@127.0.0.1:9/0")
    assert result.stderr.count("\n") == 1 and "hidden" not in result.stderr
    assert not Path(db).exists()


def test_dispatch_refuses_with_the_guards_of_scan_before_the_broker(tmp_path: Path) -> None:
    url_file = tmp_path / "url"
    url_file.write_text("redis://127.0.0.1:9/0\n")
    for args, why in (
        (("8.8.8.8",), "public (globally routable)"),
        (("10.0.0.0/8",), "more than the limit"),
        (("10.0.0.1", "--profile", "gentle"), "gentle"),
        (("10.0.0.0/30", "--exclude", "10.0.0.0/30"), "nothing left to scan"),
        (("10.0.0.1", "--site", "Nord Site"), "bad site name"),
        (("10.0.0.1", "--every", "7"), "bad period"),
    ):
        argv = ("dispatch", *args, "--broker-file", str(url_file))
        if "--site" not in args:
            argv += ("--site", "chu-nord")
        result = run(*argv, "--db", str(tmp_path / "inventory.sqlite"))
        assert result.returncode != 0 and why in result.stderr, (args, result.stderr)
        assert "cannot reach" not in result.stderr  # refused before the broker is asked
    assert "--site is required" in run("dispatch", "10.0.0.1").stderr


@needs_redis
def test_a_dispatched_job_is_recorded_and_its_message_holds_no_secret(
    broker: tuple[int, Path], tmp_path: Path
) -> None:
    port, url_file = broker
    db = str(tmp_path / "inventory.sqlite")
    result = run("dispatch", "127.42.1.1", "127.42.10.0/30", "--site", "chu-nord",
                 "--vantage", "dc-vlan5", "--snmp-credential", "nord-v3", "--db", db,
                 "--broker-file", str(url_file))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "sent to legacyscan.site.chu-nord.dc-vlan5" in result.stdout
    assert "note: no worker of site chu-nord has taken a job" in result.stderr  # a typo?
    assert PASSWORD not in result.stdout + result.stderr
    raw = command(port, "LRANGE", "legacyscan.site.chu-nord.dc-vlan5", "0", "-1",
                  password=PASSWORD)  # fmt: skip
    assert PASSWORD.encode() not in raw
    (message,) = _messages(port, "legacyscan.site.chu-nord.dc-vlan5")
    body = json.loads(base64.b64decode(str(message["body"])))
    (payload,) = body[0]
    assert payload["snmp_labels"] == ["nord-v3"] and payload["job_id"] == 1
    assert payload["targets"] == ["127.42.1.1", "127.42.10.0/30"]
    assert set(payload) == {
        "version", "job_id", "schedule_id", "site", "vantage", "profile", "targets", "exclude",
        "tcp_ports", "chunk_size", "parallel", "second_pass", "allow_public", "max_hosts",
        "snmp_labels", "snmp_sweep",
    }  # fmt: skip
    with Inventory.open(db) as inventory:
        (job,) = JobStore(inventory.backend).jobs()
    assert job.state == "queued" and job.sent and job.payload.to_message() == payload
    listing = run("jobs", "--db", db)
    assert "queued" in listing.stdout and "chu-nord/dc-vlan5" in listing.stdout


@needs_redis
def test_every_stores_a_schedule_and_run_schedule_sends_what_is_due(
    broker: tuple[int, Path], tmp_path: Path
) -> None:
    port, url_file = broker
    db = str(tmp_path / "inventory.sqlite")
    common = ("--db", db, "--broker-file", str(url_file))
    result = run("dispatch", "127.42.20.0/28", "--site", "chu-sud", "--every", "7d", *common)
    assert result.returncode == 0, result.stderr
    assert "schedule 1: again every 1w" in result.stdout
    assert run("dispatch", "--run-schedule", *common).stdout.startswith("0 scheduled job")
    with Inventory.open(db) as inventory:
        store = JobStore(inventory.backend)
        (schedule,) = store.schedules()
        assert store.take_due(schedule, schedule.next_due, 0.0)  # due since long ago
    sent = run("dispatch", "--run-schedule", *common)
    assert sent.stdout.startswith("1 scheduled job(s) sent: [2]"), sent.stdout + sent.stderr
    assert run("dispatch", "--run-schedule", *common).stdout.startswith("0 scheduled job")
    assert len(_messages(port, "legacyscan.site.chu-sud")) == 2
    listing = run("jobs", "--db", db).stdout
    assert "schedule 1: chu-sud every 1w" in listing


def test_a_worker_with_a_bad_policy_says_so_in_one_line(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("site: chu-nord\nnetworks: [10.0.0.0/8]\nprofiles: [clinical-safe]\n")
    other = run("worker", "--site", "chu-sud", "--policy", str(policy))
    assert other.returncode == 2
    assert "is the policy of site 'chu-nord', not 'chu-sud'" in other.stderr
    policy.write_text("site: chu-nord\nnetworks: [10.0.0.0/8]\n")
    bad = run("worker", "--site", "chu-nord", "--policy", str(policy))
    assert bad.stderr.startswith("error: ") and "'profiles' must list" in bad.stderr
    assert bad.stderr.count("\n") == 1
    missing = run("worker", "--site", "chu-nord", "--policy", str(tmp_path / "none.yaml"))
    assert missing.returncode == 2 and missing.stderr.startswith("error: ")
