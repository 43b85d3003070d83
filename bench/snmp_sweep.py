"""Benchmark: an SNMP sweep of 1,000 addresses (about 200 live agents) against shell loops.

Run under the lab lock (it starts agents on loopback):

    flock /tmp/legacyscan-lab.lock .venv/bin/python bench/snmp_sweep.py [--targets 1000]

What it does, all in one run, on 127.50.100.0 onwards (UDP port 16170):

* starts snmpsim processes serving every fifth address (``--agent-udpv4-endpoint`` is
  repeated, 50 endpoints a process).  The processes serve different devices: a
  synthetic 24-port access switch (ENTITY-MIB and IF-MIB fully populated), the ward
  switch test fixture, and snmpsim's own Windows XP and Linux recordings;
* the other addresses are silent: nothing listens there.  On loopback the kernel
  answers ICMP port-unreachable, but both net-snmp and pysnmp send from unconnected
  UDP sockets and ignore it, so each silent address costs a real timeout (the script
  checks this with snmpget before timing anything);
* times three ways of collecting the system group, ENTITY-MIB and interface tables:
  1. ``legacyscan snmp RANGE --tables entity,interfaces --concurrency 64`` (one process,
     asyncio; see --concurrency below);
  2. the loop an engineer would write: per address ``snmpget`` of the system group,
     then ``snmpbulkwalk`` of entPhysicalTable, ifTable and ifXTable, sequentially;
  3. the same loop run 32 wide with ``xargs -P 32``.
  Every way uses the same timeout (1 s) and retries (0).
* ``--concurrency`` (64 by default here, 128 in the CLI): each snmpsim process is one
  single-threaded Python program serving 50 agents, so a burst of 256 probes at once
  queues in it for more than the 1 s timeout and agents are missed (measured: 153 of
  200 heard at 256).  Real agents are separate devices; the simulator is not.
* prints the times, the ratios (targets: >= 20x the sequential loop, >= 1x the
  32-wide loop), how many agents each way heard from, and peak memory (max RSS).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from ipaddress import IPv4Address
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from legacyscan.lab.snmp_agents import snmpsim  # noqa: E402

FIRST = IPv4Address("127.50.100.0")
PORT = 16170
TIMEOUT, RETRIES = 1, 0
ENDPOINTS_PER_PROCESS = 50
SYSTEM = [f"1.3.6.1.2.1.1.{n}.0" for n in range(1, 7)]
WALKS = ["1.3.6.1.2.1.47.1.1.1", "1.3.6.1.2.1.2.2", "1.3.6.1.2.1.31.1.1"]

PROBE = """#!/bin/sh
# what an engineer writes: the system group, then the ENTITY and interface tables
a="$1"; out="$2/$a.txt"
snmpget -v2c -c public -t {timeout} -r {retries} -On "$a:{port}" {system} > "$out" 2>/dev/null \
  || {{ rm -f "$out"; exit 0; }}
for table in {walks}; do
  snmpbulkwalk -v2c -c public -t {timeout} -r {retries} -On "$a:{port}" "$table" \
    >> "$out" 2>/dev/null
done
exit 0
"""


def switch_snmprec() -> str:
    """A 24-port access switch with every column of entPhysicalTable, ifTable, ifXTable."""
    rows: list[tuple[str, str, str]] = []

    def add(oid: str, tag: str, value: object) -> None:
        rows.append((oid, tag, str(value)))

    add("1.3.6.1.2.1.1.1.0", "4", "Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), "
        "Version 12.2(55)SE7, RELEASE SOFTWARE (fc1)")  # fmt: skip
    add("1.3.6.1.2.1.1.2.0", "6", "1.3.6.1.4.1.9.1.716")
    add("1.3.6.1.2.1.1.3.0", "67", 123456)
    add("1.3.6.1.2.1.1.4.0", "4", "noc")
    add("1.3.6.1.2.1.1.5.0", "4", "bench-access-sw")
    add("1.3.6.1.2.1.1.6.0", "4", "bench rack")
    entity = "1.3.6.1.2.1.47.1.1.1.1"
    parts = [(1001, 3, "WS-C2960-24TT-L chassis", 0)]
    parts += [(1002 + n, 10, f"FastEthernet0/{n + 1}", 1001) for n in range(24)]
    parts += [(1030, 9, "uplink module", 1001), (1031, 6, "power supply", 1001),
              (1032, 7, "fan tray", 1001)]  # fmt: skip
    for index, klass, descr, parent in parts:
        values = {2: ("4", descr), 3: ("6", "1.3.6.1.4.1.9.12.3.1.3.716"), 4: ("2", parent),
                  5: ("2", klass), 6: ("2", index % 100), 7: ("4", descr), 8: ("4", "V02"),
                  9: ("4", "12.2(44r)SE3"), 10: ("4", "12.2(55)SE7"), 11: ("4", f"FOC{index}"),
                  12: ("4", "Cisco"), 13: ("4", "WS-C2960-24TT-L"), 14: ("4", ""),
                  15: ("4", ""), 16: ("2", 1 if klass in (3, 9) else 2)}  # fmt: skip
        for column, (tag, value) in values.items():
            add(f"{entity}.{column}.{index}", tag, value)
    for index in range(1, 27):
        name = f"Fa0/{index}" if index <= 24 else f"Gi0/{index - 24}"
        mac = f"001b2c3d{index:02x}00"
        if_cols = {1: ("2", index), 2: ("4", name), 3: ("2", 6), 4: ("2", 1500),
                   5: ("66", 100_000_000), 6: ("4x", mac), 7: ("2", 1), 8: ("2", 1 + index % 2),
                   9: ("67", 100), 10: ("65", 1000 * index), 11: ("65", 10 * index),
                   12: ("65", 0), 13: ("65", 0), 14: ("65", 0), 15: ("65", 0),
                   16: ("65", 2000 * index), 17: ("65", 20 * index), 18: ("65", 0),
                   19: ("65", 0), 20: ("65", 0), 21: ("66", 0), 22: ("6", "0.0")}  # fmt: skip
        for column, (tag, value) in if_cols.items():
            add(f"1.3.6.1.2.1.2.2.1.{column}.{index}", tag, value)
        x_cols = {1: ("4", name), 2: ("65", 0), 3: ("65", 0), 4: ("65", 0), 5: ("65", 0),
                  6: ("70", 1000 * index), 7: ("70", 10 * index), 8: ("70", 0), 9: ("70", 0),
                  10: ("70", 2000 * index), 11: ("70", 20 * index), 12: ("70", 0),
                  13: ("70", 0), 14: ("2", 1), 15: ("66", 100), 16: ("2", 2), 17: ("2", 1),
                  18: ("4", f"bed {index}"), 19: ("67", 0)}  # fmt: skip
        for column, (tag, value) in x_cols.items():
            add(f"1.3.6.1.2.1.31.1.1.1.{column}.{index}", tag, value)
    rows.sort(key=lambda r: tuple(int(a) for a in r[0].split(".")))
    return "".join(f"{oid}|{tag}|{value}\n" for oid, tag, value in rows)


def device_files() -> list[str]:
    """snmprec texts for the agent processes, in turn."""
    import snmpsim as snmpsim_package

    recorded = Path(snmpsim_package.__file__).parent / "data" / "recorded"
    return [
        switch_snmprec(),
        (ROOT / "tests" / "fixtures" / "snmprec" / "ward-switch.snmprec").read_text("latin-1"),
        (recorded / "winxp-full-walk.snmprec").read_text("latin-1"),
        (recorded / "linux-full-walk.snmprec").read_text("latin-1"),
    ]


def timed(command: list[str] | str, **kwargs: object) -> tuple[float, int, subprocess.Popen[bytes]]:
    """Run a command; its wall time and peak RSS in KiB (largest of it and its children)."""
    started = time.monotonic()
    process = subprocess.Popen(command, **kwargs)  # type: ignore[call-overload]  # noqa: S603
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return time.monotonic() - started, usage.ru_maxrss, process


def count_answers(folder: Path) -> tuple[int, int]:
    files = list(folder.glob("*.txt"))
    lines = sum(len(f.read_text("latin-1").splitlines()) for f in files)
    return len(files), lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=1000, help="addresses swept (default 1000)")
    parser.add_argument(
        "--live-every", type=int, default=5, help="one live agent every N addresses"
    )
    parser.add_argument("--concurrency", type=int, default=64, help="legacyscan --concurrency")
    parser.add_argument(
        "--only-legacyscan", action="store_true", help="skip the shell loops (no ratios)"
    )
    args = parser.parse_args()
    addresses = [str(FIRST + n) for n in range(args.targets)]
    live = addresses[:: args.live_every]
    silent = [a for a in addresses if a not in set(live)]
    print(f"load average at start: {os.getloadavg()[0]:.2f} (2 cores)", flush=True)
    print(f"{len(addresses)} addresses, {len(live)} live snmpsim agents, {len(silent)} silent; "
          f"timeout {TIMEOUT} s, retries {RETRIES} for every method", flush=True)  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="snmp-bench-"))
    try:
        with ExitStack() as stack:
            files = device_files()
            groups = [live[i : i + ENDPOINTS_PER_PROCESS]
                      for i in range(0, len(live), ENDPOINTS_PER_PROCESS)]  # fmt: skip
            for number, group in enumerate(groups):
                data = work / f"agents{number}" / "data"
                data.mkdir(parents=True)
                (data / "public.snmprec").write_text(files[number % len(files)], "latin-1")
                stack.enter_context(snmpsim(data, [(a, PORT) for a in group], data.parent))
            print(f"{len(groups)} snmpsim process(es) up", flush=True)
            if silent:
                check_silence(silent[0])
            results = run_all(addresses, work, args.concurrency, args.only_legacyscan)
        report(results, len(live))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check_silence(address: str) -> None:
    started = time.monotonic()
    subprocess.run(["snmpget", "-v2c", "-c", "public", "-t", str(TIMEOUT), "-r", str(RETRIES),
                    f"{address}:{PORT}", SYSTEM[0]], capture_output=True, check=False)  # fmt: skip
    waited = time.monotonic() - started
    print(f"a silent address costs snmpget {waited:.2f} s (a real timeout, not an ICMP error)")
    if waited < TIMEOUT * 0.9:
        raise SystemExit("silent addresses fail fast here: the comparison would be unfair")


def run_all(
    addresses: list[str], work: Path, concurrency: int, only_legacyscan: bool
) -> dict[str, tuple[float, int, str]]:
    results: dict[str, tuple[float, int, str]] = {}
    # 1. legacyscan
    out = work / "legacyscan.json"
    with open(out, "wb") as sink:
        seconds, rss, process = timed(
            [sys.executable, "-m", "legacyscan", "snmp", f"{addresses[0]}-{addresses[-1]}",
             "--port", str(PORT), "--tables", "entity,interfaces", "--timeout", str(TIMEOUT),
             "--retries", str(RETRIES), "--concurrency", str(concurrency), "--format", "json"],
            stdout=sink, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    data = json.loads(out.read_text())
    answered = [h for h in data["hosts"] if h["credential"]]
    values = sum(
        len(h["tables"]["entities"]) + len(h["tables"]["interfaces"])
        for h in answered
        if h["tables"]
    )
    kinds = ("ok", "partial", "no-response", "auth-failed", "error")
    statuses = ", ".join(f"{data['summary'][k]} {k}" for k in kinds)
    reasons = {i for h in answered if h["tables"] for i in h["tables"]["incomplete"]}
    if reasons:
        print(f"legacyscan: incomplete tables: {sorted(reasons)[:5]}")
    results["legacyscan"] = (
        seconds, rss, f"{len(answered)} answered, {values} table rows ({statuses})",
    )  # fmt: skip
    print(f"legacyscan snmp: {seconds:.1f} s", flush=True)
    if only_legacyscan:
        return results
    # 2 and 3: the shell loops
    probe = work / "probe.sh"
    probe.write_text(PROBE.format(timeout=TIMEOUT, retries=RETRIES, port=PORT,
                                  system=" ".join(SYSTEM), walks=" ".join(WALKS)))  # fmt: skip
    probe.chmod(0o755)
    targets = work / "targets.txt"
    targets.write_text("\n".join(addresses) + "\n")
    for name, command in (
        ("xargs -P 32", f"xargs -P 32 -I@ {probe} @ {{out}} < {targets}"),
        ("sequential", f'while read a; do {probe} "$a" {{out}}; done < {targets}'),
    ):
        folder = work / name.replace(" ", "-")
        folder.mkdir()
        seconds, rss, process = timed(["sh", "-c", command.replace("{out}", str(folder))])
        answers, lines = count_answers(folder)
        results[name] = (seconds, rss, f"{answers} answered, {lines} lines of output")
        print(f"{name}: {seconds:.1f} s", flush=True)
    return results


def report(results: dict[str, tuple[float, int, str]], live: int) -> None:
    ours = results["legacyscan"][0]
    print(f"\n{'method':<16}{'seconds':>9}{'peak RSS':>12}  heard")
    for name, (seconds, rss, heard) in results.items():
        print(f"{name:<16}{seconds:>9.1f}{rss / 1024:>9.0f} MiB  {heard}")
    if len(results) == 1:
        print(f"live agents: {live}")
        return
    sequential = results["sequential"][0] / ours
    wide = results["xargs -P 32"][0] / ours
    print(f"\nspeed-up over the sequential loop: {sequential:.1f}x (target >= 20x)")
    print(f"speed-up over the 32-wide loop:    {wide:.2f}x (target >= 1x)")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"legacyscan peak memory: {results['legacyscan'][1] / 1024:.0f} MiB "
          f"(this script: {own:.0f} MiB)")  # fmt: skip
    print(f"live agents: {live}")


if __name__ == "__main__":
    main()
