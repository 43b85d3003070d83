"""Start, stop and list the simulated hospital.

``up`` reads a scenario (``minimal.yaml`` by default), writes one snmpsim data file per
SNMP device and a listener list for ``legacyscan.lab.services``, starts the processes in
their own process groups and waits until every agent and port answers.  Everything
lives in one state folder, so ``down`` can stop what ``up`` started and leave nothing
behind, even after ``up`` itself was killed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from legacyscan.collect.snmpwalk import SYSTEM_OIDS
from legacyscan.errors import UserError

SCENARIO_DIR = Path(__file__).resolve().parent
LAB_NETWORK = "127.42."  # every lab address lives in 127.42.0.0/16
START_TIMEOUT = 60.0


class LabError(UserError, RuntimeError):
    """A lab operation that cannot go on; the message says what to do."""


@dataclass(frozen=True)
class LabDevice:
    name: str
    address: str
    segment: str
    truth: dict[str, str]
    snmp: dict[str, str] | None
    services: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class LabState:
    scenario: str
    snmp_port: int
    devices: tuple[LabDevice, ...]
    pids: tuple[int, ...]

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(d.address for d in self.devices)


def state_dir() -> Path:
    """LEGACYSCAN_LAB_DIR, or $XDG_STATE_HOME/legacyscan/lab (~/.local/state/...)."""
    explicit = os.environ.get("LEGACYSCAN_LAB_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "legacyscan" / "lab"


def load_scenario(name_or_path: str = "minimal") -> tuple[str, int, tuple[LabDevice, ...]]:
    path = Path(name_or_path)
    if not path.suffix:
        path = SCENARIO_DIR / f"{name_or_path}.yaml"
    if not path.is_file():
        raise LabError(f"no lab scenario {name_or_path!r} (looked for {path})")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    devices = []
    for raw in data["devices"]:
        address = str(raw["address"])
        if not address.startswith(LAB_NETWORK):
            raise LabError(f"{path.name}: {address} is outside the lab network 127.42.0.0/16")
        devices.append(
            LabDevice(
                name=str(raw["name"]),
                address=address,
                segment=str(raw.get("segment", "")),
                truth={k: str(v) for k, v in (raw.get("truth") or {}).items()},
                snmp={k: str(v) for k, v in raw["snmp"].items()} if raw.get("snmp") else None,
                services=tuple(raw.get("services") or ()),
            )
        )
    return str(data.get("name", path.stem)), int(data.get("snmp_port", 16100)), tuple(devices)


def snmprec(system: dict[str, str]) -> str:
    """An snmpsim data file for the system group (OctetStrings hex-encoded: they may hold CR/LF)."""
    types = {"sysDescr": "descr", "sysObjectID": "object_id", "sysContact": "contact",
             "sysName": "name", "sysLocation": "location"}  # fmt: skip
    lines = {SYSTEM_OIDS["uptime"]: f"{SYSTEM_OIDS['uptime']}|67|4242424"}
    for key, value in system.items():
        oid = SYSTEM_OIDS[types[key]]
        if key == "sysObjectID":
            lines[oid] = f"{oid}|6|{value}"
        else:
            lines[oid] = f"{oid}|4x|{value.encode('utf-8').hex()}"
    return (
        "\n".join(lines[oid] for oid in sorted(lines, key=lambda o: tuple(map(int, o.split(".")))))
        + "\n"
    )


def _snmpsim_command() -> str:
    beside = Path(sys.executable).parent / "snmpsim-command-responder"
    if beside.exists():
        return str(beside)
    found = shutil.which("snmpsim-command-responder")
    if found is None:
        raise LabError("snmpsim is not installed: pip install 'legacyscan[lab]'")
    return found


def _alive(pid: int) -> bool:
    try:
        # Our own child that exited is a zombie until reaped; kill(pid, 0) would call it alive.
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass  # not our child (a lab started by another command): ask the kernel
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read_state() -> LabState | None:
    path = state_dir() / "state.json"
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return LabState(
        scenario=data["scenario"],
        snmp_port=data["snmp_port"],
        devices=tuple(
            LabDevice(**{**d, "services": tuple(d["services"])}) for d in data["devices"]
        ),
        pids=tuple(data["pids"]),
    )


def _write_state(folder: Path, state: LabState) -> None:
    data = {
        "scenario": state.scenario,
        "snmp_port": state.snmp_port,
        "devices": [d.__dict__ | {"services": list(d.services)} for d in state.devices],
        "pids": list(state.pids),
    }
    (folder / "state.json").write_text(json.dumps(data, indent=2), encoding="utf-8")


def _record_pid(folder: Path, pid: int) -> None:
    """Append at once, so that a killed ``up`` still leaves ``down`` a list to stop."""
    with open(folder / "pids", "a", encoding="utf-8") as handle:
        handle.write(f"{pid}\n")


def _port_free(address: str, port: int, kind: int) -> bool:
    with socket.socket(socket.AF_INET, kind) as probe:
        # As the servers will: a port left in TIME_WAIT by an earlier scan is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((address, port))
        except OSError:
            return False
    return True


def up(scenario: str = "minimal", progress: Callable[[str], None] = lambda _: None) -> LabState:
    folder = state_dir()
    current = _read_state()
    if current is not None and any(_alive(p) for p in current.pids):
        raise LabError(
            f"the lab is already running ({len(current.devices)} devices); "
            "'legacyscan lab down' stops it"
        )
    if folder.exists():
        down()  # leftovers of a lab that died: clean them first
    name, snmp_port, devices = load_scenario(scenario)
    for device in devices:
        if device.snmp and not _port_free(device.address, snmp_port, socket.SOCK_DGRAM):
            raise LabError(f"UDP port {device.address}:{snmp_port} is taken by another program")
        for service in device.services:
            if not _port_free(device.address, int(service["port"]), socket.SOCK_STREAM):
                raise LabError(
                    f"TCP port {device.address}:{service['port']} is taken by another program"
                )
    snmpsim = _snmpsim_command() if any(d.snmp for d in devices) else ""
    folder.mkdir(parents=True, exist_ok=True)
    pids: list[int] = []
    try:
        listeners = [
            {
                "address": d.address,
                "port": int(s["port"]),
                "kind": s["kind"],
                "params": s.get("params", {}),
            }
            for d in devices
            for s in d.services
        ]
        (folder / "services.json").write_text(
            json.dumps({"listeners": listeners}), encoding="utf-8"
        )
        ready_file = folder / "services.ready"
        pids.append(
            _spawn(
                [
                    sys.executable,
                    "-m",
                    "legacyscan.lab.services",
                    str(folder / "services.json"),
                    "--ready-file",
                    str(ready_file),
                ],
                folder / "services.log",
                folder,
            )
        )
        # One snmpsim per agent: snmpsim picks its data by community, so agents that share
        # the community "public" need a process each (see docs/architecture.md).
        for device in devices:
            if not device.snmp:
                continue
            data = folder / "snmp" / device.address / "data"
            data.mkdir(parents=True)
            (data / "public.snmprec").write_text(snmprec(device.snmp), encoding="utf-8")
            pids.append(
                _spawn(
                    [
                        snmpsim,
                        f"--data-dir={data}",
                        f"--cache-dir={data.parent / 'cache'}",
                        f"--agent-udpv4-endpoint={device.address}:{snmp_port}",
                    ],
                    data.parent / "snmpsim.log",
                    folder,
                )
            )
        progress(f"lab: {len(pids)} process(es) started, waiting for the devices to answer")
        state = LabState(scenario=name, snmp_port=snmp_port, devices=devices, pids=tuple(pids))
        _write_state(folder, state)
        _wait_ready(state, ready_file)
    except BaseException:
        down()
        raise
    return state


def _spawn(command: list[str], log: Path, folder: Path) -> int:
    env = dict(os.environ, SNMPSIM_ALLOW_ROOT="true")  # snmpsim refuses root unless told
    with open(log, "wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own fixed command lines
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env=env,
        )
    _record_pid(folder, process.pid)
    return process.pid


def _wait_ready(state: LabState, ready_file: Path) -> None:
    from legacyscan.collect.snmp import poll

    deadline = time.monotonic() + START_TIMEOUT
    agents = [d.address for d in state.devices if d.snmp]
    while time.monotonic() < deadline:
        dead = [p for p in state.pids if not _alive(p)]
        if dead:
            raise LabError(f"a lab process exited at start; see the logs in {state_dir()}")
        if ready_file.exists():
            answers = poll(agents, port=state.snmp_port, timeout=0.5, retries=0) if agents else []
            if all(r.system is not None for r in answers):
                return
        time.sleep(0.3)
    raise LabError(
        f"the lab did not answer within {START_TIMEOUT:.0f} s; see the logs in {state_dir()}"
    )


def down() -> int:
    """Stop every process the lab started (even a half-started lab) and remove its folder."""
    folder = state_dir()
    pids: set[int] = set()
    state = _read_state()
    if state is not None:
        pids.update(state.pids)
    pid_file = folder / "pids"
    if pid_file.is_file():
        pids.update(int(line) for line in pid_file.read_text().split() if line.strip().isdigit())
    stopped = 0
    for pid in pids:
        if _alive(pid):
            try:
                os.killpg(pid, signal.SIGTERM)
                stopped += 1
            except (ProcessLookupError, PermissionError):
                pass
    deadline = time.monotonic() + 5
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in pids:
        if _alive(pid):
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    shutil.rmtree(folder, ignore_errors=True)
    return stopped


def status() -> str:
    state = _read_state()
    if state is None:
        return "lab: not running"
    running = sum(1 for p in state.pids if _alive(p))
    lines = [
        f"lab '{state.scenario}': {running}/{len(state.pids)} process(es) running; "
        f"SNMP on UDP port {state.snmp_port}; folder {state_dir()}"
    ]
    for device in state.devices:
        ports = ",".join(str(s["port"]) for s in device.services) or "-"
        snmp = "snmp" if device.snmp else "no snmp"
        lines.append(
            f"  {device.address:<15} {device.segment:<11} {device.name:<22} tcp {ports}; {snmp}"
        )
    return "\n".join(lines)
