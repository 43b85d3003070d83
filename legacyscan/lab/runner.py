"""Start, stop and list the simulated hospital.

``up`` reads a scenario (``hospital`` by default, see ``scenario``), writes the snmpsim
data files (``snmpdata``) and the listener lists for ``legacyscan.lab.services``, starts
a bounded number of processes in their own process groups -- one snmpsim per
``AGENTS_PER_PROCESS`` agents (``snmpagent``), one services process per
``LISTENERS_PER_PROCESS`` TCP/UDP listeners -- and waits until they answer.  Everything
lives in one state folder, so ``down`` can stop what ``up`` started and leave nothing
behind, even after ``up`` itself was killed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from legacyscan.collect.snmp.credentials import Credential, Secret, community
from legacyscan.lab.request_log import log_path
from legacyscan.lab.scenario import SNMP_V3_USER, LabDevice, LabError, Scenario, load, scaled
from legacyscan.lab.snmpdata import Network, snmprec

__all__ = ["LabDevice", "LabError", "LabState", "down", "status", "up", "truth_rows"]

START_TIMEOUT = 120.0
AGENTS_PER_PROCESS = 1000  # snmpsim: ~85 MB and ~13 s of indexing per 1,000 agents
LISTENERS_PER_PROCESS = 4000  # well under the default 20,000 open files per process


@dataclass(frozen=True)
class LabState:
    scenario: str
    snmp_port: int
    devices: tuple[LabDevice, ...]
    pids: tuple[int, ...]

    @property
    def targets(self) -> tuple[str, ...]:
        """Addresses a scan should cover: the devices that show something on TCP or SNMP."""
        return tuple(d.address for d in self.devices if d.snmp or _tcp(d))

    def credentials(self) -> tuple[Credential, ...]:
        """What an engineer's credentials file for this lab would hold, in a sensible order.

        ``public`` first (most agents answer it), then each other community the scenario
        uses, then the lab's SNMPv3 user: the demo reads every agent, not only the
        default-community ones.
        """
        communities = dict.fromkeys(["public"])
        communities.update((d.community, None) for d in self.devices if d.community)
        found = [community(name, f"lab-{name}") for name in communities]
        if any(d.snmp_access.startswith("v3:") for d in self.devices):
            found.append(
                Credential(
                    label="lab-v3",
                    version="3",
                    user=SNMP_V3_USER["user"],
                    auth="sha",
                    auth_key=Secret(SNMP_V3_USER["auth"]),
                    priv="aes128",
                    priv_key=Secret(SNMP_V3_USER["priv"]),
                )
            )
        return tuple(found)


def _tcp(device: LabDevice) -> bool:
    return any(s.get("kind") != "bacnet" for s in device.services)


def state_dir() -> Path:
    """LEGACYSCAN_LAB_DIR, or $XDG_STATE_HOME/legacyscan/lab (~/.local/state/...)."""
    explicit = os.environ.get("LEGACYSCAN_LAB_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "legacyscan" / "lab"


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
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        devices = tuple(
            LabDevice(**{**d, "services": tuple(d["services"])}) for d in data["devices"]
        )
        return LabState(data["scenario"], data["snmp_port"], devices, tuple(data["pids"]))
    except (ValueError, KeyError, TypeError):
        return None  # a state file cut short by a killed `up`: `down` uses the pids file


def _write_state(folder: Path, state: LabState) -> None:
    data = {
        "scenario": state.scenario,
        "snmp_port": state.snmp_port,
        "devices": [asdict(d) | {"services": list(d.services)} for d in state.devices],
        "pids": list(state.pids),
    }
    tmp = folder / "state.json.tmp"
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, folder / "state.json")


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
        except PermissionError:
            raise LabError(
                f"port {port} needs root; as an ordinary user use a port above 1023 "
                "(--snmp-port 16100)"
            ) from None
        except OSError:
            return False
    return True


def _check_ports(scenario: Scenario) -> None:
    for device in scenario.devices:
        if device.snmp and not _port_free(device.address, scenario.snmp_port, socket.SOCK_DGRAM):
            raise LabError(
                f"UDP port {device.address}:{scenario.snmp_port} is taken by another program"
            )
        for service in device.services:
            kind = socket.SOCK_DGRAM if service["kind"] == "bacnet" else socket.SOCK_STREAM
            if not _port_free(device.address, int(service["port"]), kind):
                proto = "UDP" if kind == socket.SOCK_DGRAM else "TCP"
                raise LabError(
                    f"{proto} port {device.address}:{service['port']} is taken by another program"
                )


def _check_dependencies(scenario: Scenario) -> None:
    if not any(d.snmp for d in scenario.devices):
        return
    if importlib.util.find_spec("snmpsim") is None:
        raise LabError("snmpsim is not installed: pip install 'legacyscan[lab]'")
    v3 = any(d.snmp_access.startswith("v3:") for d in scenario.devices)
    if v3 and importlib.util.find_spec("cryptography") is None:
        raise LabError("SNMPv3 agents need 'cryptography': pip install 'legacyscan[lab]'")


def build(
    name: str = "hospital", scale: int | None = None, snmp_port: int | None = None
) -> Scenario:
    """The scenario ``up`` would start, without starting it (``lab truth`` uses it too)."""
    return scaled(name, scale, snmp_port) if scale else load(name, snmp_port)


def up(
    scenario: str = "hospital",
    progress: Callable[[str], None] = lambda _: None,
    scale: int | None = None,
    snmp_port: int | None = None,
) -> LabState:
    folder = state_dir()
    current = _read_state()
    if current is not None and any(_alive(p) for p in current.pids):
        raise LabError(
            f"the lab is already running ({len(current.devices)} devices); "
            "'legacyscan lab down' stops it"
        )
    if folder.exists():
        down()  # leftovers of a lab that died: clean them first
    plan = build(scenario, scale, snmp_port)
    _check_dependencies(plan)
    _check_ports(plan)
    folder.mkdir(parents=True, exist_ok=True)
    pids: list[int] = []
    try:
        # State first (without pids), so that `lab down` after a killed `up` knows the lab.
        _write_state(folder, LabState(plan.name, plan.snmp_port, plan.devices, ()))
        ready_files = _start_services(plan, folder, pids)
        progress(f"lab: writing SNMP data for {sum(1 for d in plan.devices if d.snmp)} agents")
        probes = _start_agents(plan, folder, pids)
        state = LabState(plan.name, plan.snmp_port, plan.devices, tuple(pids))
        _write_state(folder, state)
        progress(f"lab: {len(pids)} process(es) started, waiting for the devices to answer")
        _wait_ready(state, ready_files, probes)
    except BaseException:
        down()
        raise
    return state


def netbios_name(device: LabDevice) -> str:
    """The computer name a Windows device gives over SMB and NTLM: its sysName, or its
    lab name, upper case, at most 15 characters as NetBIOS allows."""
    name = (device.snmp or {}).get("sysName") or device.name
    return name.upper()[:15]


def _start_services(plan: Scenario, folder: Path, pids: list[int]) -> list[Path]:
    listeners = []
    for device in plan.devices:
        for service in device.services:
            params = dict(service.get("params") or {})
            if service["kind"] == "printer":
                params["count_file"] = str(_count_file(folder, device.address, service["port"]))
            if service["kind"] in ("http", "ai-http"):  # what it is asked: request_log.py
                params["log_file"] = str(log_path(folder, device.address, service["port"]))
                (folder / "requests").mkdir(exist_ok=True)
            if service["kind"] in ("smb", "rdp") and "netbios_name" not in params:
                params["netbios_name"] = netbios_name(device)
            listeners.append({"address": device.address, "port": int(service["port"]),
                              "kind": service["kind"], "params": params})  # fmt: skip
    ready_files = []
    for number, start in enumerate(range(0, len(listeners), LISTENERS_PER_PROCESS)):
        config = folder / f"services-{number}.json"
        chunk = listeners[start : start + LISTENERS_PER_PROCESS]
        config.write_text(json.dumps({"listeners": chunk}), encoding="utf-8")
        ready = folder / f"services-{number}.ready"
        command = [sys.executable, "-m", "legacyscan.lab.services", str(config),
                   "--ready-file", str(ready)]  # fmt: skip
        pids.append(_spawn(command, folder / f"services-{number}.log", folder))
        ready_files.append(ready)
    return ready_files


def _count_file(folder: Path, address: str, port: int) -> Path:
    return folder / "printers" / f"{address}_{port}.bytes"


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()  # noqa: S324 - snmpsim's naming


def _start_agents(plan: Scenario, folder: Path, pids: list[int]) -> list[LabDevice]:
    """One snmpsim per AGENTS_PER_PROCESS agents; returns one device to probe per process."""
    agents = [d for d in plan.devices if d.snmp]
    network = Network(plan.devices, plan.segments)
    probes = []
    for number, start in enumerate(range(0, len(agents), AGENTS_PER_PROCESS)):
        chunk = agents[start : start + AGENTS_PER_PROCESS]
        data = folder / "snmp" / str(number) / "data"
        data.mkdir(parents=True)
        endpoints = []
        for index, device in enumerate(chunk):
            # snmpagent's layout: per community (md5) folder, or the top for SNMPv3.
            name = f"1.3.6.1.6.1.1.{index}.snmprec"
            community = device.community
            target = data / _md5(community) / name if community is not None else data / name
            target.parent.mkdir(exist_ok=True)
            target.write_text(snmprec(device, network), encoding="utf-8")
            if community is not None:
                (data / f"{community}.snmprec").touch()  # registers the community
            endpoints.append(f"--agent-udpv4-endpoint={device.address}:{plan.snmp_port}")
        command = [
            sys.executable, "-m", "legacyscan.lab.snmpagent",
            f"--data-dir={data}", f"--cache-dir={data.parent / 'cache'}",
            f"--v3-user={SNMP_V3_USER['user']}", f"--v3-auth-key={SNMP_V3_USER['auth']}",
            "--v3-auth-proto=SHA", f"--v3-priv-key={SNMP_V3_USER['priv']}",
            "--v3-priv-proto=AES", *endpoints,
        ]  # fmt: skip
        pids.append(_spawn(command, data.parent / "snmpsim.log", folder))
        # The engine serves only once every endpoint is bound: the last v2c one answers last.
        v2c = [d for d in chunk if d.community is not None]
        if v2c:
            probes.append(v2c[-1])
    return probes


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


def _wait_ready(state: LabState, ready_files: list[Path], probes: list[LabDevice]) -> None:
    from legacyscan.collect.snmp.sweep import poll

    deadline = time.monotonic() + START_TIMEOUT
    waiting = list(probes)
    while time.monotonic() < deadline:
        dead = [p for p in state.pids if not _alive(p)]
        if dead:
            raise LabError(f"a lab process exited at start; see the logs in {state_dir()}")
        if all(f.exists() for f in ready_files):
            for probe in list(waiting):
                answer = poll(
                    [probe.address],
                    port=state.snmp_port,
                    community_name=probe.community or "public",
                    timeout=0.5,
                    retries=0,
                )
                if answer and answer[0].system is not None:
                    waiting.remove(probe)
            if not waiting:
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


def printer_bytes() -> dict[str, int]:
    """Bytes each lab printer port received since ``up``: "address:port" -> count."""
    counts: dict[str, int] = {}
    state = _read_state()
    for device in state.devices if state else ():
        for service in device.services:
            if service["kind"] == "printer":
                path = _count_file(state_dir(), device.address, service["port"])
                text = path.read_text().strip() if path.is_file() else "0"
                counts[f"{device.address}:{service['port']}"] = int(text or 0)
    return counts


def status() -> str:
    state = _read_state()
    if state is None:
        return "lab: not running"
    running = sum(1 for p in state.pids if _alive(p))
    lines = [
        f"lab '{state.scenario}': {running}/{len(state.pids)} process(es) running; "
        f"{len(state.devices)} devices; SNMP on UDP port {state.snmp_port}; folder {state_dir()}"
    ]
    for device in state.devices:
        ports = ",".join(str(s["port"]) for s in device.services) or "-"
        snmp = device.snmp_access or "no snmp"
        lines.append(
            f"  {device.address:<15} {device.segment:<14} {device.name:<24} tcp {ports}; {snmp}"
        )
    for where, count in printer_bytes().items():
        lines.append(f"printer {where}: {count} byte(s) received")
    return "\n".join(lines)


def truth_rows(devices: tuple[LabDevice, ...]) -> list[dict[str, str]]:
    """The ground truth, one flat row per device (``legacyscan lab truth``)."""
    rows = []
    for d in devices:
        t = d.truth
        rows.append({
            "address": d.address, "name": d.name, "segment": d.segment, "mac": d.mac,
            "class": t.get("class", "unknown"), "type": t.get("type", ""),
            "vendor": t.get("vendor", ""), "product": t.get("product", ""),
            "version": t.get("version", ""), "lifecycle": t.get("lifecycle", "unknown"),
            "legacy": t.get("legacy", ""), "snmp": d.snmp_access or "none",
            "known_gap": t.get("known_gap", ""), "seen_by": t.get("seen_by", "scan"),
            "default_scan": " ".join(default_scan_evidence(d)),
        })  # fmt: skip
    return rows


def default_scan_evidence(device: LabDevice) -> tuple[str, ...]:
    """What a default scan (clinical-safe, community ``public`` only) can read of a device:
    ``snmp`` (its agent answers ``public``), ``tcp`` (pass 1's banners and version
    detection), ``smb`` / ``rdp-ntlm`` (what pass 2 reads, when its class allows it), or
    only ``switch-tables`` (ARP and forwarding entries: never probed)."""
    if device.truth.get("seen_by") == "arp":
        return ("switch-tables",)
    found = ["snmp"] if device.snmp_access == "v2c:public" else []
    services = [s for s in device.services if s["kind"] not in ("printer", "bacnet")]
    if services:
        found.append("tcp")
    if any(s["kind"] == "smb" for s in services):
        found.append("smb")
    if any(s["kind"] == "rdp" and (s.get("params") or {}).get("ntlm_version")
           and (s.get("params") or {}).get("protocol") in ("ssl", "hybrid")
           for s in services):  # fmt: skip
        found.append("rdp-ntlm")
    return tuple(found) or ("nothing",)


def current() -> LabState | None:
    """The running lab's state, if a lab runs (its processes are alive)."""
    state = _read_state()
    if state is not None and any(_alive(p) for p in state.pids):
        return state
    return None
