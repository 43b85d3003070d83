"""End-of-life verdicts of the simulated hospital, from what its SNMP agents say, offline.

Builds every device of ``legacyscan/lab/hospital.yaml`` as a scan with SNMP v2c would see
it (the agent's data file, decoded as a walk: system group, ENTITY-MIB, software tables),
without starting the lab and without nmap (devices with no v2c agent are seen by address
only), identifies it, judges it as of 2026-12-03 and prints each identified device's
status, what decided it, and for every ``unknown`` the reason naming what is missing.

    .venv/bin/python bench/hospital_eol.py [--scenario hospital] [--as-of YYYY-MM-DD]
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections import Counter
from pathlib import Path

from legacyscan.collect.snmp import mib_decode
from legacyscan.collect.snmp.walkfile import parse_snmprec, system_from_values
from legacyscan.identify.engine import Identifier
from legacyscan.lab import scenario as lab_scenario
from legacyscan.lab.snmpdata import Network, snmprec
from legacyscan.lifecycle.database import EolDatabase
from legacyscan.messages import plain
from legacyscan.model import Host, SnmpTables


def seen_host(device: lab_scenario.LabDevice, network: Network) -> Host:
    if device.snmp is None or device.community is None:
        return Host(address=device.address, mac=device.mac or None)
    values = parse_snmprec(snmprec(device, network).splitlines(keepends=True), device.name)
    tables = mib_decode.decode_tables(values)
    return Host(
        address=device.address,
        mac=device.mac or None,
        snmp=system_from_values(values),
        snmp_tables=None if tables == SnmpTables() else tables,
        sources=("lab-offline",),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default="hospital")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 12, 3))
    args = parser.parse_args()
    scene = lab_scenario.load(args.scenario)
    network = Network(scene.devices, scene.segments)
    db = EolDatabase.load(overlay=Path("/nonexistent-legacyscan-overlay"))
    identifier = Identifier()
    counts: Counter[str] = Counter()
    identified = 0
    for device in scene.devices:
        found = identifier.identify(seen_host(device, network))
        if not found.identities:
            continue
        identified += 1
        assessed = db.assess(found, args.as_of)
        status = assessed.worst_status
        counts[status] += 1
        deciding = assessed.deciding
        named = ", ".join(
            f"{a.identity.vendor} {a.identity.product} {a.identity.version or ''}".strip()
            for a in assessed.identities
        )
        why = plain(deciding.lifecycle.reason) if deciding else ""
        truth = device.truth.get("lifecycle", "?")
        flag = (
            "  !! called supported, truth eol" if status == "supported" and truth == "eol" else ""
        )
        print(f"{status:9} {device.name:24} [{named}] -- {why}{flag}")
    total = sum(counts.values())
    print(
        f"\n{identified} identified devices of {len(scene.devices)}: "
        + ", ".join(f"{counts[s]} {s}" for s in ("supported", "extended", "eol", "unknown"))
        + f"; unknown {counts['unknown']}/{total}"
    )


if __name__ == "__main__":
    main()
