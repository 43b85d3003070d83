"""Scale of the topology and risk stages: build the graph and score 5k, 20k, 50k devices.

Synthetic assessed devices (identities and lifecycles given, no identification) in a
hospital-like layout: ward segments of about 200 devices, three flat segments of
2,000 to 5,000 devices (where exposure pairs run into the millions), a switch per
ward segment with its forwarding table, TCP connection tables with flows between
segments, and a scan vantage.  Each size runs in its own process so that its peak
memory (ru_maxrss) is its own; the time covers building the network, exposures,
bridges, device, segment and network scores (``analysis.evaluate``).

    .venv/bin/python bench/graph_scale.py            # 5000 20000 50000
    .venv/bin/python bench/graph_scale.py 2000 8000  # other sizes

Prints one line per size and the per-device time against the first size (the baseline
of the same run): 1.0 means linear growth.  Targets: 50k devices under 60 s and 2 GB.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import resource
import subprocess
import sys
import time

AS_OF = dt.date(2026, 11, 23)
KINDS = [  # (class, type, share)
    ("workstation", None, 0.40), ("server", None, 0.08), ("medical", "infusion-pump", 0.12),
    ("medical", "imaging", 0.05), ("medical", "patient-monitor", 0.05),
    ("telehealth", "video-endpoint", 0.03), ("iot", "camera", 0.12), ("printer", None, 0.10),
    ("network", None, 0.05),
]  # fmt: skip
STATUSES = [("eol", 0.25), ("extended", 0.05), ("unknown", 0.30), ("supported", 0.40)]


def generate(count: int, seed: int = 7) -> tuple[list[object], object]:
    from legacyscan.model import (
        AssessedDevice,
        AssessedIdentity,
        ForwardingEntry,
        Host,
        IdentifiedDevice,
        Identity,
        Interface,
        Lifecycle,
        ScanMeta,
        Service,
        SnmpSystem,
        SnmpTables,
        TcpConnection,
    )  # fmt: skip

    rng = random.Random(seed)
    flat = [min(5000, count // 10), min(3000, count // 15), min(2000, count // 20)]
    sizes = flat[:]
    while sum(sizes) < count:
        sizes.append(min(rng.randint(120, 250), count - sum(sizes)))
    addresses: list[tuple[int, str]] = []
    for segment, size in enumerate(sizes):
        for index in range(size):
            third, fourth = divmod(index, 250)
            addresses.append(
                (segment, f"10.{segment // 8}.{(segment % 8) * 32 + third}.{fourth + 1}")
            )
    kinds = rng.choices([k[:2] for k in KINDS], [k[2] for k in KINDS], k=count)
    statuses = rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES], k=count)
    devices = []
    first_of: dict[int, str] = {}
    macs: dict[int, list[str]] = {}
    for number, ((segment, address), (device_class, device_type), status) in enumerate(
        zip(addresses, kinds, statuses, strict=True)
    ):
        mac = f"02:{number >> 24 & 255:02x}:{number >> 16 & 255:02x}:{number >> 8 & 255:02x}:{number & 255:02x}:01"
        first_of.setdefault(segment, address)
        macs.setdefault(segment, []).append(mac)
        ports = rng.sample([22, 80, 443, 445, 3389, 104, 23], rng.randint(0, 3))
        end = AS_OF - dt.timedelta(days=rng.randint(-1500, 4000))
        identity = Identity("os", "Vendor", f"Product {number % 50}", "1", None, 0.9, ())
        life = Lifecycle(
            status=status,
            eol_date=end if status != "unknown" else None,  # type: ignore[arg-type]
            known_exploited=("CVE-2017-0144",) if status == "eol" and number % 7 == 0 else (),
        )
        host = Host(
            address=address, mac=mac, services=tuple(Service(p, "tcp", "open") for p in ports)
        )
        devices.append((segment, device_class, device_type, host, identity, life))
    built = []
    for segment, device_class, device_type, host, identity, life in devices:
        tables = None
        if host.address == first_of[segment] and segment >= 3:  # the ward's switch
            tables = SnmpTables(
                interfaces=tuple(Interface(i, name=f"Gi0/{i}") for i in range(1, 49)),
                forwarding=tuple(
                    ForwardingEntry(m, if_index=1 + i % 48, vlan=100 + segment)
                    for i, m in enumerate(macs[segment])
                ),
            )
            device_class, device_type = "network", None
        elif rng.random() < 0.02:  # a few agents with connection tables
            peer = rng.choice(addresses)[1]
            tables = SnmpTables(
                connections=(TcpConnection(host.address or "", 49152, peer, 445, "established"),)
            )
        host = Host(
            address=host.address,
            mac=host.mac,
            services=host.services,
            snmp=SnmpSystem(name=f"dev-{host.address}") if tables else None,
            snmp_tables=tables,
        )
        ident = IdentifiedDevice(host, (identity,), device_class, device_type, 0.9)  # type: ignore[arg-type]
        built.append(AssessedDevice(ident, (AssessedIdentity(identity, life),)))
    vantage = first_of[3]
    meta = ScanMeta(as_of=AS_OF, started="", finished="", targets=(), vantage=vantage)
    return built, meta


def measure(count: int) -> dict[str, float]:
    from legacyscan.risk.evaluate import evaluate

    started = time.perf_counter()
    devices, meta = generate(count)
    generated = time.perf_counter()
    assessment = evaluate(devices, meta)  # type: ignore[arg-type]
    done = time.perf_counter()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "devices": count,
        "generate_s": generated - started,
        "evaluate_s": done - generated,
        "peak_mib": peak_kib / 1024,
        "segments": len(assessment.topology.segments),
        "exposures": assessment.topology.total_exposures,
        "listed": len(assessment.topology.exposures),
        "bridges": len(assessment.topology.bridges),
        "network_score": round(assessment.network_score or 0.0, 1),
    }


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(measure(int(argv[1]))))
        return
    sizes = [int(a) for a in argv] or [5000, 20000, 50000]
    baseline = None
    print(
        f"{'devices':>8} {'evaluate s':>11} {'peak MiB':>9} {'us/device':>10} {'vs first':>9} "
        f"{'segments':>9} {'exposure pairs':>15} {'listed':>7} {'bridges':>8}"
    )
    for size in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(size)],
            capture_output=True,
            text=True,
            check=True,
        )
        row = json.loads(out.stdout)
        per = row["evaluate_s"] / size * 1e6
        baseline = baseline or per
        print(
            f"{size:>8} {row['evaluate_s']:>11.2f} {row['peak_mib']:>9.0f} {per:>10.1f} "
            f"{per / baseline:>9.2f} {row['segments']:>9} {row['exposures']:>15,} "
            f"{row['listed']:>7} {row['bridges']:>8}"
        )
    print(
        "targets: 50,000 devices under 60 s and 2,048 MiB (peak RSS includes the generated "
        "devices and the Python interpreter)"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
