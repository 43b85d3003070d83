"""Import of a large nmap XML versus python-nmap's bare parse of the same file, same run.

Generates an nmap 7.93-style XML file of N hosts (a mix of hospital devices: Windows XP
and 7 consoles, Linux PACS servers, Cisco switches, embedded web servers...), then times,
each in its own process with its peak memory (max RSS from wait4):

* python-nmap 0.7.1's ``analyse_nmap_xml_scan`` of the file: the baseline (issue 20);
* the phases inside legacyscan (a child of this script: knowledge, decode, identify,
  lifecycle), to see where the time goes;
* ``legacyscan identify --nmap-xml FILE`` (text to /dev/null): decode, identify, lifecycle,
  topology and risk, printed;
* ``legacyscan import FILE --out DIR --no-db``: the same plus scan.json and report.html
  (``--db``: recorded in a throw-away SQLite inventory instead, as a user's default);
* with ``--xsltproc``: nmap's own HTML report (``xsltproc nmap.xsl``), the old baseline,
  which grows faster than linearly (7 minutes at 20,000 hosts).

Several ``--hosts`` sizes compare the time per host of the largest with the smallest.
``--startup`` also times ``legacyscan eol show windows`` against a bare interpreter start.
Prints the ratios; the targets are issue 20's.  The machine is shared: run it when it is
quiet, and read the ratios (same run), not the seconds.

    python bench/import_scale.py                          # 20,000 hosts: about a minute
    python bench/import_scale.py --hosts 20000 100000 --startup
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

XSL = Path("/usr/share/nmap/nmap.xsl")

# (ports with service attributes, os match) — strings as nmap 7.93 prints them.
PROFILES = [
    (
        [(135, "msrpc", "Microsoft Windows RPC", "", "", ["cpe:/o:microsoft:windows"]),
         (445, "microsoft-ds", "Microsoft Windows XP microsoft-ds", "", "",
          ["cpe:/o:microsoft:windows_xp"]),
         (104, "dicom", "DICOM", "", "", [])],
        ("Microsoft Windows XP SP3", "cpe:/o:microsoft:windows_xp::sp3"),
    ),
    (
        [(80, "http", "Microsoft IIS httpd", "7.5", "",
          ["cpe:/a:microsoft:internet_information_services:7.5", "cpe:/o:microsoft:windows"]),
         (3389, "ms-wbt-server", "Microsoft Terminal Services", "", "",
          ["cpe:/o:microsoft:windows"])],
        ("Microsoft Windows 7 SP1", "cpe:/o:microsoft:windows_7::sp1"),
    ),
    (
        [(22, "ssh", "OpenSSH", "4.3", "protocol 2.0", ["cpe:/a:openbsd:openssh:4.3"]),
         (80, "http", "Apache httpd", "2.2.3", "(CentOS)", ["cpe:/a:apache:http_server:2.2.3"]),
         (11112, "dicom", "", "", "", [])],
        ("Linux 2.6.18", "cpe:/o:linux:linux_kernel:2.6.18"),
    ),
    (
        [(23, "telnet", "Cisco router telnetd", "", "",
          ["cpe:/a:cisco:telnet", "cpe:/o:cisco:ios"])],
        ("Cisco IOS 12.2", "cpe:/o:cisco:ios:12.2"),
    ),
    (
        [(80, "http", "lighttpd", "1.4.35", "", ["cpe:/a:lighttpd:lighttpd:1.4.35"]),
         (2575, "hl7", "", "", "", [])],
        None,
    ),
    (
        [(22, "ssh", "OpenSSH", "8.9p1", "Ubuntu Linux; protocol 2.0",
          ["cpe:/a:openbsd:openssh:8.9p1", "cpe:/o:linux:linux_kernel"]),
         (443, "http", "nginx", "1.18.0", "", ["cpe:/a:igor_sysoev:nginx:1.18.0"])],
        ("Linux 5.0 - 5.14", "cpe:/o:linux:linux_kernel:5"),
    ),
]  # fmt: skip
MACS = ["00:09:FB", "00:10:5D", "00:12:21", "44:4B:5D", "00:0C:29", "58:42:E4"]
VENDORS = {"00:09:FB": "Philips Patient Monitoring", "00:10:5D": "Draeger Medical",
           "00:12:21": "B.Braun Melsungen AG", "44:4B:5D": "GE Healthcare",
           "00:0C:29": "VMware", "58:42:E4": "Baxter Healthcare"}  # fmt: skip


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def generate(path: Path, hosts: int, seed: int = 4) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE nmaprun>\n'
            '<?xml-stylesheet href="file:///usr/share/nmap/nmap.xsl" type="text/xsl"?>\n'
            '<nmaprun scanner="nmap" args="nmap -sV -O -oX bench.xml 10.0.0.0/14" '
            'start="1700000000" startstr="Tue Nov 14 22:13:20 2023" version="7.93" '
            'xmloutputversion="1.05">\n'
            '<scaninfo type="syn" protocol="tcp" numservices="1000" services="1-1000"/>\n'
            '<verbose level="0"/>\n<debugging level="0"/>\n'
        )
        for n in range(hosts):
            address = str(ipaddress.IPv4Address("10.0.0.0") + n + 1)
            ports, osmatch = PROFILES[rng.randrange(len(PROFILES))]
            prefix = MACS[rng.randrange(len(MACS))]
            mac = f"{prefix}:{n >> 16 & 255:02X}:{n >> 8 & 255:02X}:{n & 255:02X}"
            out.write(
                f'<host starttime="1700000001" endtime="1700000100">'
                f'<status state="up" reason="arp-response" reason_ttl="0"/>\n'
                f'<address addr="{address}" addrtype="ipv4"/>\n'
                f'<address addr="{mac}" addrtype="mac" vendor="{VENDORS[prefix]}"/>\n'
                "<hostnames>\n</hostnames>\n<ports>"
                '<extraports state="closed" count="997">'
                '<extrareasons reason="reset" count="997"/></extraports>\n'
            )
            for port, name, product, version, extra, cpes in ports:
                attrs = f'name="{name}"'
                for key, value in (("product", product), ("version", version),
                                   ("extrainfo", extra)):  # fmt: skip
                    if value:
                        attrs += f' {key}="{_esc(value)}"'
                cpe = "".join(f"<cpe>{c}</cpe>" for c in cpes)
                out.write(
                    f'<port protocol="tcp" portid="{port}"><state state="open" reason="syn-ack" '
                    f'reason_ttl="64"/><service {attrs} method="probed" conf="10">{cpe}'
                    "</service></port>\n"
                )
            out.write("</ports>\n")
            if osmatch:
                out.write(
                    f'<os><portused state="open" proto="tcp" portid="{ports[0][0]}"/>'
                    f'<osmatch name="{osmatch[0]}" accuracy="96" line="1">'
                    f'<osclass type="general purpose" vendor="x" osfamily="x" accuracy="96">'
                    f"<cpe>{osmatch[1]}</cpe></osclass></osmatch></os>\n"
                )
            out.write('<times srtt="300" rttvar="100" to="100000"/>\n</host>\n')
        out.write(
            '<runstats><finished time="1700001000" timestr="Tue Nov 14 22:30:00 2023" '
            f'elapsed="1000" exit="success"/><hosts up="{hosts}" down="0" total="{hosts}"/>'
            "</runstats>\n</nmaprun>\n"
        )


def child(xml: Path) -> None:
    """Import + identification, in this process; prints the phase timings as JSON."""
    from legacyscan.collect.nmap.imports import import_files
    from legacyscan.identify import Identifier
    from legacyscan.lifecycle.database import EolDatabase

    start = time.perf_counter()
    identifier, eol = Identifier(), EolDatabase.load()
    loaded = time.perf_counter()
    result = import_files([xml])
    hosts = [h for h in result.hosts if h.has_data]
    parsed = time.perf_counter()
    identified = identifier.identify_all(hosts)
    named = time.perf_counter()
    assessed = [eol.assess(device, dt.date(2026, 11, 23)) for device in identified]
    done = time.perf_counter()
    print(json.dumps({
        "knowledge": loaded - start, "parse": parsed - loaded, "identify": named - parsed,
        "lifecycle": done - named, "devices": len(assessed),
        "identities": sum(len(a.identities) for a in assessed),
    }))  # fmt: skip


def python_nmap(xml: Path) -> None:
    """The baseline: python-nmap's parse of the file, in this process."""
    import nmap  # python-nmap 0.7.1, the test extra

    scanner = nmap.PortScanner.__new__(nmap.PortScanner)  # no nmap binary lookup
    parsed = scanner.analyse_nmap_xml_scan(nmap_xml_output=xml.read_text(encoding="utf-8"))
    print(len(parsed["scan"]))


#: CPU seconds (user + system) of every process measured, by its argv: on a shared
#: machine the wall time depends on the neighbours, the CPU time much less
CPU: dict[str, float] = {}


def measure(
    argv: list[str], stdout: int | None = None, env: dict[str, str] | None = None
) -> tuple[float, float, bytes]:
    """Wall seconds, peak RSS (MiB) and output of one process, from wait4."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.PIPE, env=env)
    output = process.stdout.read() if process.stdout else b""
    errors = process.stderr.read() if process.stderr else b""
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(argv)}\n{errors.decode()[-2000:]}")
    CPU[" ".join(argv)] = usage.ru_utime + usage.ru_stime
    return elapsed, usage.ru_maxrss / 1024, output


def cpu(argv: list[str]) -> float:
    return CPU[" ".join(argv)]


def one_size(hosts: int, work: Path, options: argparse.Namespace) -> dict[str, float]:
    """Every measure at one size; returns the figures the summary compares."""
    xml = work / f"bench-{hosts}.xml"
    generate(xml, hosts)
    size = xml.stat().st_size / 2**20
    print(f"\n{hosts} hosts, {size:.1f} MiB of nmap XML: {xml}", flush=True)
    argv = [sys.executable, __file__, "--python-nmap", str(xml)]
    base, base_mem, output = measure(argv, subprocess.PIPE)
    base_cpu = cpu(argv)
    assert int(output) == hosts, output
    print(
        f"  python-nmap parse (baseline): {base:6.2f} s (CPU {base_cpu:6.2f} s), "
        f"peak {base_mem:5.0f} MiB",
        flush=True,
    )
    inner, inner_mem, output = measure(
        [sys.executable, __file__, "--child", str(xml)], subprocess.PIPE
    )
    phases = json.loads(output)
    print(
        f"  legacyscan phases in one process: {inner:.2f} s, peak {inner_mem:.0f} MiB "
        f"(interpreter start and knowledge {phases['knowledge']:.2f} s, "
        f"decode {phases['parse']:.2f} s, identify {phases['identify']:.2f} s, "
        f"lifecycle {phases['lifecycle']:.2f} s; {phases['devices']} devices, "
        f"{phases['identities']} identities)",
        flush=True,
    )
    env = {**os.environ, "LEGACYSCAN_DATA_DIR": str(work / f"data-{hosts}")}
    argv = [sys.executable, "-m", "legacyscan", "identify", "--nmap-xml", str(xml),
            "--as-of", "2026-11-23"]  # fmt: skip
    ident, ident_mem, _ = measure(argv, subprocess.DEVNULL, env)
    ident_cpu = cpu(argv)
    print(
        f"  legacyscan identify --nmap-xml: {ident:6.2f} s (CPU {ident_cpu:6.2f} s), "
        f"peak {ident_mem:5.0f} MiB",
        flush=True,
    )
    out = work / f"out-{hosts}"
    db = [] if options.db else ["--no-db"]
    argv = [sys.executable, "-m", "legacyscan", "import", str(xml), "--out", str(out),
            "--as-of", "2026-11-23", *db]  # fmt: skip
    full, full_mem, _ = measure(argv, subprocess.DEVNULL, env)
    full_cpu = cpu(argv)
    scan_json = (out / "scan.json").stat().st_size / 2**20
    report = (out / "report.html").stat().st_size / 2**20
    print(
        f"  legacyscan import{' (inventory recorded)' if options.db else ' --no-db'}: "
        f"{full:6.2f} s (CPU {full_cpu:6.2f} s), peak {full_mem:5.0f} MiB "
        f"(scan.json {scan_json:.0f} MiB, report.html {report:.0f} MiB)",
        flush=True,
    )
    print(
        f"  ratios to python-nmap, wall time: identify {ident / base:.2f} (target <= 5), "
        f"import {full / base:.2f} (target <= 8); CPU time: identify {ident_cpu / base_cpu:.2f}, "
        f"import {full_cpu / base_cpu:.2f}; memory: import {full_mem / base_mem:.2f}, "
        f"peak {full_mem:.0f} MiB (target at 20,000: <= 600)"
    )
    if options.xsltproc and shutil.which("xsltproc") and XSL.is_file():
        with open(work / "nmap.html", "wb") as html:
            theirs, theirs_mem, _ = measure(["xsltproc", str(XSL), str(xml)], html.fileno())
        print(f"  xsltproc nmap.xsl (HTML only): {theirs:.1f} s, peak {theirs_mem:.0f} MiB")
    if options.keep is None:
        shutil.rmtree(out)
        xml.unlink()
    return {"hosts": hosts, "import": full, "import_mem": full_mem, "identify": ident,
            "base": base, "import CPU": full_cpu, "identify CPU": ident_cpu,
            "base CPU": base_cpu}  # fmt: skip


def startup(work: Path) -> None:
    """``legacyscan eol show windows`` against a bare interpreter; best of five each."""
    env = {**os.environ, "LEGACYSCAN_DATA_DIR": str(work / "data-startup")}
    bare = min(measure([sys.executable, "-c", "pass"])[0] for _ in range(5))
    argv = [sys.executable, "-m", "legacyscan", "eol", "show", "windows"]
    measure(argv, subprocess.DEVNULL, env)  # a first run may build the knowledge cache
    shown = min(measure(argv, subprocess.DEVNULL, env)[0] for _ in range(5))
    print(
        f"\nstart-up: 'legacyscan eol show windows' {shown:.2f} s (target < 0.5 s), "
        f"bare interpreter {bare:.2f} s, ratio {shown / bare:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, nargs="+", default=[20000],
                        help="hosts in the XML, one or more sizes (default 20000)")  # fmt: skip
    parser.add_argument("--db", action="store_true", help="record the import in an inventory")
    parser.add_argument("--xsltproc", action="store_true", help="also time nmap's XSL report")
    parser.add_argument("--startup", action="store_true", help="also time 'eol show windows'")
    parser.add_argument("--keep", type=Path, help="keep the generated XML and outputs here")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--python-nmap", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        return child(options.child)
    if options.python_nmap:
        return python_nmap(options.python_nmap)
    work = options.keep or Path(tempfile.mkdtemp(prefix="bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f} at start")
    try:
        if options.startup:
            startup(work)
        results = [one_size(n, work, options) for n in sorted(options.hosts)]
    finally:
        if options.keep is None:
            shutil.rmtree(work)
    if len(results) > 1:
        small, large = results[0], results[-1]
        for key in ("import", "identify", "base", "import CPU", "identify CPU", "base CPU"):
            ratio = (large[key] / large["hosts"]) / (small[key] / small["hosts"])
            print(
                f"time per host at {large['hosts']} / at {small['hosts']}: {key} {ratio:.2f}"
                + (" (target <= 1.2)" if key.startswith("import") else "")
            )
        print(f"import peak at {large['hosts']}: {large['import_mem']:.0f} MiB (target <= 2048)")


if __name__ == "__main__":
    main()
