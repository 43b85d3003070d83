"""Our nmap XML decoder against python-nmap's, on every recorded nmap output we hold.

python-nmap (``nmap.PortScanner.analyse_nmap_xml_scan``) is the reference parser of the
Python world; where it reads a field, we must read the same value.  We read more (every
CPE, osclass, scripts per port, nmap 5's bare osclass) and drop on purpose what says
nothing about a device (closed and filtered ports), and we read files python-nmap cannot
(``old-missing-attributes.xml``).  The scans themselves run nmap directly
(``collect/nmap_runner.py``), so this differential test is where python-nmap serves.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from testpaths import FIXTURES as ALL_FIXTURES

from legacyscan.collect.nmap.parse import parse_nmap_xml
from legacyscan.model import Host

nmap = pytest.importorskip("nmap")  # python-nmap, in the test extra
pytestmark = pytest.mark.skipif(not shutil.which("nmap"), reason="python-nmap needs nmap")

FIXTURES = ALL_FIXTURES / "nmap"
READABLE = sorted(p for p in FIXTURES.rglob("*.xml") if p.name != "old-missing-attributes.xml")


def _reference(path: Path) -> dict[str, Any]:
    result: dict[str, Any] = nmap.PortScanner().analyse_nmap_xml_scan(path.read_text())
    return {
        address: host for address, host in result["scan"].items() if host["status"]["state"] == "up"
    }


def _ours(path: Path) -> dict[str, Host]:
    return {h.address: h for h in parse_nmap_xml(path.read_bytes(), str(path)).hosts if h.address}


@pytest.mark.parametrize("path", READABLE, ids=lambda p: p.name)
def test_every_field_python_nmap_reads_we_read_alike(path: Path) -> None:
    reference, ours = _reference(path), _ours(path)
    assert set(ours) == set(reference)
    for address, expected in reference.items():
        host = ours[address]
        mac = expected["addresses"].get("mac")
        assert (host.mac or "").upper() == (mac or "").upper(), address
        if mac:
            assert host.mac_vendor == (expected["vendor"].get(mac) or None), address
        for protocol in ("tcp", "udp"):
            for port, seen in expected.get(protocol, {}).items():
                if not seen["state"].startswith("open"):
                    continue  # closed and filtered ports say nothing about a device: dropped
                (service,) = [s for s in host.services if (s.port, s.protocol) == (port, protocol)]
                assert (service.state, service.name, service.product, service.version) == (
                    seen["state"],
                    seen["name"],
                    seen["product"],
                    seen["version"],
                ), f"{address} {protocol}/{port}"
                assert service.extrainfo == seen["extrainfo"], f"{address} {protocol}/{port}"
                if seen.get("cpe"):  # python-nmap keeps one CPE; we keep them all
                    assert seen["cpe"] in service.cpes, f"{address} {protocol}/{port}"
        if expected.get("osmatch"):  # without it, we still read nmap 5's bare osclass
            assert [(m.name, m.accuracy) for m in host.os_matches] == [
                (m["name"], int(m["accuracy"])) for m in expected["osmatch"]
            ], address
        assert [(s[0], s[1].strip()) for s in host.host_scripts] == [
            (s["id"], s["output"].strip()) for s in expected.get("hostscript", [])
        ], address


def test_we_read_what_python_nmap_cannot() -> None:
    path = FIXTURES / "versions" / "old-missing-attributes.xml"
    with pytest.raises(AttributeError):
        nmap.PortScanner().analyse_nmap_xml_scan(path.read_text())
    assert _ours(path)
