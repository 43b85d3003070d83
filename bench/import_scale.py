"""Import + identification of a large nmap XML versus nmap's own XSL report, same file, same run.

Generates an nmap 7.93-style XML file of N hosts (a mix of hospital devices: Windows XP
and 7 consoles, Linux PACS servers, Cisco switches, embedded web servers...), then times,
each in its own process with its peak memory (max RSS from wait4):

* import + identification: the file decoded by legacyscan's importer, every host
  identified and looked up in the end-of-life database (a child of this script);
* ``xsltproc /usr/share/nmap/nmap.xsl FILE``: nmap's own HTML report, the baseline;
* with ``--full``: the whole ``legacyscan import FILE --out DIR`` command, which also
  builds the topology, scores risk and writes scan.json and report.html.

Prints the ratios.

    python bench/import_scale.py              # 5,000 hosts: a couple of minutes
    python bench/import_scale.py --hosts 20000 --full
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


def measure(argv: list[str], stdout: int | None = None) -> tuple[float, float, bytes]:
    """Wall seconds, peak RSS (MiB) and output of one process, from wait4."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.PIPE)
    output = process.stdout.read() if process.stdout else b""
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        assert process.stderr is not None
        sys.exit(f"failed: {' '.join(argv)}\n{process.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024, output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=5000, help="hosts in the XML (default 5000)")
    parser.add_argument("--full", action="store_true", help="also time the whole import command")
    parser.add_argument("--keep", type=Path, help="keep the generated XML and outputs here")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        return child(options.child)
    if shutil.which("xsltproc") is None or not XSL.is_file():
        sys.exit("needs xsltproc and nmap's nmap.xsl (apt-get install xsltproc nmap)")
    work = options.keep or Path(tempfile.mkdtemp(prefix="bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    xml = work / "bench.xml"
    generate(xml, options.hosts)
    size = xml.stat().st_size / 2**20
    print(f"{options.hosts} hosts, {size:.1f} MiB of nmap XML: {xml}", flush=True)
    ours, ours_mem, output = measure(
        [sys.executable, __file__, "--child", str(xml)], subprocess.PIPE
    )
    phases = json.loads(output)
    print(
        f"legacyscan import + identification: {ours:.1f} s, peak {ours_mem:.0f} MiB "
        f"(interpreter start and knowledge {phases['knowledge']:.1f} s, "
        f"parse {phases['parse']:.1f} s, identify {phases['identify']:.1f} s, "
        f"lifecycle {phases['lifecycle']:.1f} s; {phases['devices']} devices, "
        f"{phases['identities']} identities)",
        flush=True,
    )
    with open(work / "nmap.html", "wb") as html:
        theirs, theirs_mem, _ = measure(["xsltproc", str(XSL), str(xml)], html.fileno())
    print(f"xsltproc nmap.xsl (HTML only): {theirs:.1f} s, peak {theirs_mem:.0f} MiB", flush=True)
    print(
        f"ratio import+identification / xsltproc: time {ours / theirs:.2f}, "
        f"memory {ours_mem / theirs_mem:.2f} (target: time <= 1.00)"
    )
    if options.full:
        command = [sys.executable, "-m", "legacyscan", "import", str(xml),
                   "--out", str(work / "out"), "--as-of", "2026-11-23"]  # fmt: skip
        full, full_mem, _ = measure(command, subprocess.DEVNULL)
        print(
            f"whole 'legacyscan import' (+ topology, risk, scan.json, report.html): "
            f"{full:.1f} s, peak {full_mem:.0f} MiB; ratio to xsltproc {full / theirs:.2f}"
        )
    if options.keep is None:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
