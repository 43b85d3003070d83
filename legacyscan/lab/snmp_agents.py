"""Real SNMP agents on loopback for tests and benchmarks: snmpsim and net-snmp's snmpd.

Both are context managers that start the agent in its own process group, wait until it
answers (net-snmp's ``snmpget``), and stop it on the way out, even when the body
failed.  Only loopback addresses are accepted: these agents are for this machine.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from legacyscan.errors import UserError


class AgentError(UserError, RuntimeError):
    """An agent that would not start; the message points at its log."""


def _loopback(address: str) -> str:
    if not ipaddress.ip_address(address).is_loopback:
        raise AgentError(f"{address}: test agents only listen on loopback")
    return address


def _snmpsim_command() -> str:
    beside = Path(sys.executable).parent / "snmpsim-command-responder"
    found = str(beside) if beside.exists() else shutil.which("snmpsim-command-responder")
    if not found:
        raise AgentError("snmpsim is not installed: pip install 'legacyscan[lab]'")
    return found


def answers(address: str, port: int, args: Sequence[str], timeout: float = 0.5) -> bool:
    """True if net-snmp's snmpget gets sysObjectID from the agent with ``args``."""
    command = ["snmpget", *args, "-t", str(timeout), "-r", "0", "-On", f"{address}:{port}"]
    done = subprocess.run(  # noqa: S603 - fixed command line
        [*command, "1.3.6.1.2.1.1.2.0"], capture_output=True, text=True, check=False
    )
    return done.returncode == 0


@contextmanager
def _running(
    command: list[str],
    log: Path,
    ready: tuple[str, int, Sequence[str]],
    limit: float = 60.0,
    env: dict[str, str] | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    with open(log, "wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own fixed command lines
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env=dict(os.environ, **(env or {})),
        )
    try:
        deadline = time.monotonic() + limit
        address, port, args = ready
        while not answers(address, port, args):
            if process.poll() is not None:
                raise AgentError(f"{command[0]} exited at start; see {log}")
            if time.monotonic() > deadline:
                raise AgentError(f"{command[0]} did not answer within {limit:.0f} s; see {log}")
            time.sleep(0.2)
        yield process
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)


@contextmanager
def snmpsim(
    data_dir: Path,
    endpoints: Sequence[tuple[str, int]],
    work: Path,
    community: str = "public",
    limit: float = 60.0,
) -> Iterator[subprocess.Popen[bytes]]:
    """One snmpsim process serving ``data_dir`` on every endpoint (community = file name)."""
    work.mkdir(parents=True, exist_ok=True)
    command = [
        _snmpsim_command(),
        f"--data-dir={data_dir}",
        f"--cache-dir={work / 'cache'}",
        *(f"--agent-udpv4-endpoint={_loopback(a)}:{p}" for a, p in endpoints),
    ]
    last = endpoints[-1]
    with _running(
        command,
        work / "snmpsim.log",
        (last[0], last[1], ["-v2c", "-c", community]),
        limit,
        env={"SNMPSIM_ALLOW_ROOT": "true"},  # snmpsim refuses root unless told
    ) as process:
        yield process


@contextmanager
def snmpd(
    address: str,
    port: int,
    config: str,
    work: Path,
    ready_args: Sequence[str] = ("-v2c", "-c", "public"),
    limit: float = 30.0,
) -> Iterator[subprocess.Popen[bytes]]:
    """net-snmp's snmpd with only ``config`` (no system files), its state kept in ``work``."""
    work.mkdir(parents=True, exist_ok=True)
    conf = work / "snmpd.conf"
    conf.write_text(config, encoding="utf-8")
    command = [
        "/usr/sbin/snmpd",
        "-f",  # stay in the foreground: we own the process
        "-Lo",
        "-C",  # no system-wide configuration
        "-c",
        str(conf),
        "-p",
        str(work / "snmpd.pid"),
        f"udp:{_loopback(address)}:{port}",
    ]
    env = {"SNMP_PERSISTENT_DIR": str(work / "persist"), "MIBS": ""}
    with _running(command, work / "snmpd.log", (address, port, ready_args), limit, env) as process:
        yield process
