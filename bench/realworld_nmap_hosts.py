"""Builds the nmap hosts the real-world corpus gained on 2026-12-07 (docs/realworld-corpus.md).

Reads every ``<nmaprun>`` XML file in the history of git repositories (bare or not: the
``--git`` folders, each named ``owner+name``, as the search tool's ``fetch`` lays them out)
and prints, in the corpus's format, each host that is up, shows evidence, and says what it
is: smb-os-discovery's OS line or the native OS of nmap's microsoft-ds label, else the
Ubuntu/Debian package string of its OpenSSH, else two or more services nmap attributes to
Windows (a vendor-only Microsoft truth).  Hosts labelled by hand are in ``OVERRIDES``.  One
entry per repository and address (the richest scan); hosts already in either half (same
file, or same repository and address) are left out, the held-out half read for its names
and sources only, never printed.  The half: ``dev`` when sha256(name)'s first byte is even.

    .venv/bin/python bench/realworld_nmap_hosts.py --git DIR [--git DIR ...] [--append]

Where one host was scanned alike several times, which scan is kept can differ from the
committed entries (two Phage home-network hosts are kept from a 11:45 scan, not 11:30).
``--append`` adds the entries to ``{dev,held-out}/nmap-hosts.yaml``; without it they are
printed as YAML.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "realworld"
#: not real hosts' own words: a honeypot's emulated services, a host whose services contradict
SKIP_REPOS = {"Codepath-Twitter-Clone/CyberSecurity_Unit11"}
SKIP_FILES = {
    "libnmap/test/files/extra_ports.xml",
    "testfiles/scanme.xml",  # scanme.nmap.org, already in from another repository
}


IDENT_SCRIPTS = {
    "banner",
    "http-server-header",
    "http-title",
    "smb-os-discovery",
    "dns-nsid",
    "mysql-info",
    "rdp-ntlm-info",
    "ssl-cert",
    "snmp-sysdescr",
    "ftp-syst",
    "smtp-commands",
    "ms-sql-info",
    "nbstat",
    "smb2-time",
    "sslv2",
    "fingerprint-strings",
}
KEEP_SERVICE_SCRIPTS = {
    "banner",
    "http-server-header",
    "http-title",
    "dns-nsid",
    "mysql-info",
    "rdp-ntlm-info",
    "ms-sql-info",
    "snmp-sysdescr",
    "ftp-syst",
}
KEEP_HOST_SCRIPTS = {"smb-os-discovery"}

UBUNTU = [
    (r"^4\.7p1 Debian 8ubuntu", "8.04"),
    (r"^5\.3p1 Debian 3ubuntu", "10.04"),
    (r"^5\.9p1 Debian 5ubuntu1", "12.04"),
    (r"^6\.6\.1p1 Ubuntu 2ubuntu2", "14.04"),
    (r"^7\.2p2 Ubuntu 4ubuntu2", "16.04"),
    (r"^7\.6p1 Ubuntu 4ubuntu0", "18.04"),
    (r"^8\.2p1 Ubuntu 4", "20.04"),
    (r"^8\.9p1 Ubuntu 3", "22.04"),
    (r"^9\.6p1 Ubuntu 3ubuntu13", "24.04"),
]
DEBIAN = [
    (r"^5\.5p1 Debian 6\+squeeze", "6"),
    (r"^6\.0p1 Debian 4(\+deb7u|$)", "7"),
    (r"^5\.5p1 Debian 6$", "6"),
    (r"^4\.3p2 Debian 9$", "4"),
    (r"^6\.7p1 Debian 5\+deb8u", "8"),
    (r"^7\.4p1 Debian 10\+deb9u", "9"),
    (r"^7\.9p1 Debian 10\+deb10u", "10"),
    (r"^8\.4p1 Debian 5\+deb11u", "11"),
    (r"^9\.2p1 Debian 2\+deb12u", "12"),
]

WIN = [  # (regex on smb OS line / microsoft-ds product, product, server?)
    (r"Windows Server 2019", "Windows Server 2019", True),
    (r"Windows Server 2022", "Windows Server 2022", True),
    (r"Windows Server 2016", "Windows Server 2016", True),
    (r"Windows Server 2012 R2", "Windows Server 2012 R2", True),
    (r"Windows Server \(R\) 2008", "Windows Server 2008", True),
    (r"Windows Server 2012", "Windows Server 2012", True),
    (r"Windows Server 2008 R2", "Windows Server 2008 R2", True),
    (r"Windows Server 2008", "Windows Server 2008", True),
    (r"Windows Server 2003", "Windows Server 2003", True),
    (r"Windows 2000", "Windows 2000", None),
    (r"Windows XP", "Windows XP", False),
    (r"Windows Vista", "Windows Vista", False),
    (r"Windows 7", "Windows 7", False),
    (r"Windows 8\.1", "Windows 8.1", False),
    (r"Windows 10", "Windows 10", False),
    (r"Windows 11", "Windows 11", False),
]
VERSION_PREFIX = {
    "Windows Server 2019": "10.0",
    "Windows Server 2022": "10.0",
    "Windows Server 2016": "10.0",
    "Windows 10": "10.0",
    "Windows 11": "10.0",
    "Windows Server 2012 R2": "6.3",
    "Windows 8.1": "6.3",
    "Windows Server 2012": "6.2",
    "Windows Server 2008 R2": "6.1",
    "Windows 7": "6.1",
    "Windows Server 2008": "6.0",
    "Windows Vista": "6.0",
    "Windows Server 2003": "5.2",
    "Windows XP": "5.1",
}


def windows_truth(text):
    for rx, product, server in WIN:
        if re.search(rx, text):
            t = {"vendor": "Microsoft", "product": product}
            if product == "Windows 2000":
                # the vocabulary's convention: Windows 2000 is "Windows" 5.0.2195 (its one build)
                return {
                    "vendor": "Microsoft",
                    "product": "Windows",
                    "version": "5.0.2195",
                }, "server"
            head = text.split("(")[0].replace(product, "")
            m = re.search(r"\b(\d{4,5})\b", head)
            if m and product in VERSION_PREFIX:
                t["version"] = f"{VERSION_PREFIX[product]}.{m.group(1)}"
            if server is True:
                t["class"] = "server"
            elif server is False:
                t["class"] = "workstation"
            return t, ("server" if server else "workstation")
    return None, None


def truth_of(services, host_scripts):
    smb = host_scripts.get("smb-os-discovery", "")
    m = re.search(r"OS: ([^\n]*)", smb)
    if m and "Windows" in m.group(1):
        t, fam = windows_truth(m.group(1))
        if t:
            return t, fam, "smb-os-discovery OS line"
    for s in services:
        if (
            s.get("name") == "microsoft-ds"
            and " or " not in s.get("product", "")
            and " - " not in s.get("product", "")
            and s.get("product", "").replace("Microsoft ", "").startswith("Windows")
        ):
            t, fam = windows_truth(s["product"])
            if t:
                return t, fam, "microsoft-ds product"
    for s in services:
        if s.get("product") == "OpenSSH":
            v = s.get("version", "")
            for rx, rel in UBUNTU:
                if re.search(rx, v):
                    return (
                        {"vendor": "Canonical", "product": "Ubuntu", "version": rel},
                        "server",
                        "OpenSSH Ubuntu package",
                    )
            for rx, rel in DEBIAN:
                if re.search(rx, v):
                    return (
                        {"vendor": "Debian", "product": "Debian", "version": rel},
                        "server",
                        "OpenSSH Debian package",
                    )
    ms = [s for s in services if "cpe:/o:microsoft:windows" in s.get("cpes", [])]
    if len(ms) >= 2:
        names = {s.get("name") for s in services}
        t = {"vendor": "Microsoft"}
        if {"kerberos-sec", "ldap"} <= names:
            t["class"] = "server"
        return t, "server", "Microsoft Windows services (release not shown)"
    return None, None, None


def parse(xml_text):
    root = ET.fromstring(xml_text)
    for h in root.iter("host"):
        st = h.find("status")
        if st is not None and st.get("state") != "up":
            continue
        addr = next(
            (a.get("addr") for a in h.findall("address") if a.get("addrtype") in ("ipv4", "ipv6")),
            None,
        )
        mac = next((a for a in h.findall("address") if a.get("addrtype") == "mac"), None)
        services = []
        for p in h.iter("port"):
            state = p.find("state")
            if state is None or state.get("state") != "open":
                continue
            sv = p.find("service")
            s = {"port": int(p.get("portid"))}
            if p.get("protocol") != "tcp":
                s["protocol"] = p.get("protocol")
            if sv is not None:
                for k in ("name", "product", "version", "extrainfo"):
                    if sv.get(k):
                        s[k] = sv.get(k)
                if sv.get("devicetype"):
                    s["devicetype"] = sv.get("devicetype")
                cpes = [c.text for c in sv.findall("cpe") if c.text]
                if cpes:
                    s["cpes"] = cpes
            scripts = {
                sc.get("id"): sc.get("output", "").strip("\n")
                if sc.get("id") != "smb-os-discovery"
                else sc.get("output", "")
                for sc in p.findall("script")
                if sc.get("id") in KEEP_SERVICE_SCRIPTS
            }
            if scripts:
                s["scripts"] = scripts
            services.append(s)
        hs = {}
        hsel = h.find("hostscript")
        if hsel is not None:
            for sc in hsel.findall("script"):
                if sc.get("id") in KEEP_HOST_SCRIPTS:
                    hs[sc.get("id")] = sc.get("output", "")
        oss = []
        osel = h.find("os")
        if osel is not None:
            for om in osel.findall("osmatch"):
                o = {"name": om.get("name"), "accuracy": int(om.get("accuracy", "0"))}
                cpes, classes = [], []
                for oc in om.findall("osclass"):
                    cls = {
                        k: oc.get(k) for k in ("vendor", "osfamily", "osgen", "type") if oc.get(k)
                    }
                    cls = {
                        {"osfamily": "family", "osgen": "generation"}.get(k, k): v
                        for k, v in cls.items()
                    }
                    classes.append(cls)
                    cpes += [c.text for c in oc.findall("cpe") if c.text and c.text not in cpes]
                if cpes:
                    o["cpes"] = cpes
                if classes:
                    o["classes"] = classes
                oss.append(o)
        yield addr, (mac.get("vendor") if mac is not None else None), services, hs, oss


OVERRIDES = {
    ("GetPhage/phage", "10.0.1.116"): (
        {"vendor": "Philips", "class": "iot"},
        "building",
        "its web page's title (hue personal wireless lighting: a Philips Hue bridge)",
    ),
    ("GetPhage/phage", "10.0.1.20"): (
        {"vendor": "Apple", "product": "macOS"},
        "workstation",
        "its Apple Remote Desktop VNC and iTunes DAAP services (a Mac)",
    ),
    ("GetPhage/phage", "10.0.1.122"): ({"vendor": "Apple"}, "other", "its Apple AirPlay service"),
    ("GetPhage/phage", "10.0.1.123"): ({"vendor": "Apple"}, "other", "its Apple AirPlay service"),
    ("GetPhage/phage", "10.0.1.1"): (
        {"vendor": "Ubiquiti", "product": "EdgeOS", "class": "network"},
        "network-switch",
        "its web interface's title (EdgeOS, a Debian 7 based router OS,"
        " as its OpenSSH package also says)",
    ),
    ("GetPhage/phage", "10.0.1.155"): (
        {"vendor": "Epson", "product": "Printer", "class": "printer", "model": "WorkForce WF-2540"},
        "printer",
        "its own UPnP/IPP service banner (Epson WorkForce WF-2540)",
    ),
    ("GetPhage/phage", "10.0.1.39"): (
        {"vendor": "Apple", "class": "network"},
        "wireless",
        "its AirPort admin and AFP services (Apple AirPort Extreme/Time Capsule)",
    ),
    ("GetPhage/phage", "10.0.1.157"): (
        {"vendor": "Apple", "class": "network"},
        "wireless",
        "its AirPort admin service (Apple AirPort or Time Capsule)",
    ),
}


def _git(gitdir: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(gitdir), *args], capture_output=True, text=True, errors="replace"
    ).stdout


def xml_files(gitdir: Path) -> Iterator[tuple[str, str]]:
    """(path, newest commit holding it) of every .xml file in the repository's history."""
    seen: dict[str, str] = {}
    commit = ""
    for line in _git(
        gitdir, "log", "--all", "--format=C %H", "--name-only", "--diff-filter=AM"
    ).splitlines():
        if line.startswith("C "):
            commit = line[2:]
        elif line.lower().endswith(".xml") and line not in seen:
            seen[line] = commit
    yield from seen.items()


def entries(gitdir: Path, repo: str) -> Iterator[dict[str, Any]]:
    for path, commit in xml_files(gitdir):
        if path in SKIP_FILES:
            continue
        text = _git(gitdir, "show", f"{commit}:{path}")
        if "<nmaprun" not in text[:3000]:
            continue
        try:
            hosts = list(parse(text))
        except ET.ParseError:
            continue  # a scan cut short
        for addr, _mac, services, hs, oss in hosts:
            if not (any(s.get("product") or s.get("scripts") for s in services) or hs or oss):
                continue
            t, fam, why = OVERRIDES.get((repo, addr), (None, None, None))
            if t is None:
                t, fam, why = truth_of(services, hs)
            if t is None:
                continue
            for s in services:
                s.pop("devicetype", None)
            e: dict[str, Any] = {
                "name": f"nmap host {repo} {path} ({addr})",
                "family": fam,
                "source": f"{repo} {path} at {commit[:7]}: nmap XML of a real machine (service, OS"
                f" and host-script lines as nmap wrote them); truth from {why}",
                "licence": "none stated (observed values only, no file copied)",
            }
            if services:
                e["services"] = services
            if hs:
                e["host_scripts"] = hs
            if oss:
                e["os"] = oss
            e["truth"] = t
            yield e


def half(name: str) -> str:
    return "dev" if hashlib.sha256(name.encode()).digest()[0] % 2 == 0 else "held-out"


def _existing() -> tuple[set[str], set[str], set[tuple[str, str]]]:
    names, sources, keys = set(), set(), set()
    for split in ("dev", "held-out"):
        data = yaml.load((CORPUS / split / "nmap-hosts.yaml").read_text(), Loader=yaml.CSafeLoader)
        for e in data["devices"]:
            names.add(e["name"])
            sources.add(e["source"].split(" at ")[0])
            keys.add((e["source"].split()[0], e["name"].rsplit("(", 1)[-1].rstrip(")")))
    return names, sources, keys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--git", action="append", type=Path, required=True)
    parser.add_argument("--append", action="store_true")
    args = parser.parse_args()
    names, sources, keys = _existing()
    best: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
    for folder in args.git:
        gitdir = folder / ".git" if (folder / ".git").is_dir() else folder
        repo = (folder.parent.name if folder.name in ("repo", ".git") else folder.name).replace(
            "+", "/", 1
        )
        if repo in SKIP_REPOS:
            continue
        for e in entries(gitdir, repo):
            path = e["name"].split()[3]
            addr = e["name"].rsplit("(", 1)[-1].rstrip(")")
            if e["name"] in names or f"{repo} {path}" in sources or (repo, addr) in keys:
                continue
            score = (
                len(e.get("services", [])) + 3 * len(e.get("host_scripts", {})) + bool(e.get("os"))
            )
            if (repo, addr) not in best or score > best[repo, addr][0]:
                best[repo, addr] = (score, e)
    found = sorted((e for _, e in best.values()), key=lambda e: e["name"])
    for split in ("dev", "held-out"):
        chosen = [e for e in found if half(e["name"]) == split]
        text = (
            yaml.safe_dump(chosen, sort_keys=False, allow_unicode=True, width=100) if chosen else ""
        )
        if args.append and chosen:
            with (CORPUS / split / "nmap-hosts.yaml").open("a") as out:
                out.write(text)
        elif chosen:
            print(f"# {split}: {len(chosen)}")
            print(text)


if __name__ == "__main__":
    main()
