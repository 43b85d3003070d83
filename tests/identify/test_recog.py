"""Recog fingerprints read as a lower-priority rule source (files in Recog's format, written
here: the element and attribute names of Recog's xml/fingerprints.xsd, our own strings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from legacyscan.identify.engine import Identifier
from legacyscan.identify.recog import load_recog
from legacyscan.identify.rules import RuleSet, load_vocabulary
from legacyscan.model import Host, Service, SnmpSystem

SNMP = """<?xml version="1.0"?>
<fingerprints matches="snmp.sys_description" protocol="snmp" database_type="util.os">
  <fingerprint pattern="^Acme Printer Model (\\w+) firmware (\\d+\\.\\d+)$">
    <description>An Acme printer</description>
    <example>Acme Printer Model X1 firmware 2.3</example>
    <param pos="0" name="hw.vendor" value="Lexmark"/>
    <param pos="0" name="hw.device" value="Printer"/>
    <param pos="1" name="hw.model"/>
    <param pos="2" name="hw.version"/>
  </fingerprint>
  <fingerprint pattern="^Nobody-we-know OS (?&lt;ver&gt;\\d+)$">
    <example>Nobody-we-know OS 3</example>
    <param pos="0" name="os.vendor" value="Nobody"/>
  </fingerprint>
  <fingerprint pattern="((">
    <example>broken</example>
    <param pos="0" name="os.vendor" value="Cisco"/>
  </fingerprint>
</fingerprints>
"""

SSH = """<?xml version="1.0"?>
<fingerprints matches="ssh.banner" protocol="ssh">
  <fingerprint pattern="^ExampleSSH_(\\d+\\.\\d+)$">
    <example>ExampleSSH_2.1</example>
    <param pos="0" name="service.vendor" value="OpenBSD"/>
    <param pos="0" name="service.product" value="OpenSSH"/>
    <param pos="1" name="service.version"/>
  </fingerprint>
</fingerprints>
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "snmp_sysdescr.xml").write_text(SNMP, encoding="utf-8")
    (tmp_path / "ssh_banners.xml").write_text(SSH, encoding="utf-8")
    (tmp_path / "not-xml.xml").write_text("<fingerprints", encoding="utf-8")
    return tmp_path


def _identifier(folder: Path) -> Identifier:
    bundled = RuleSet.load()
    extra = load_recog([folder], load_vocabulary(), bundled.tables)
    return Identifier(bundled.extended(extra))


def test_usable_fingerprints_become_rules(folder: Path) -> None:
    rules = load_recog([folder], load_vocabulary(), RuleSet.load().tables)
    # the broken pattern and the unknown vendor are left out; the bad file is skipped
    assert sorted(r.id for r in rules) == ["recog.snmp_sysdescr.xml.1", "recog.ssh_banners.xml.1"]
    assert all(r.priority == 95 for r in rules)


def test_a_recog_fingerprint_names_vendor_and_class(folder: Path) -> None:
    host = Host(address="127.0.0.1", snmp=SnmpSystem(descr="Acme Printer Model X1 firmware 2.3"))
    device = _identifier(folder).identify(host)
    (lexmark,) = device.identities
    # the maker alone, on a device classed printer: the device kind is the product
    assert (lexmark.vendor, lexmark.product, lexmark.version) == ("Lexmark", "Printer", "2.3")
    assert device.device_class == "printer"
    assert [s.reason for s in device.deciding_signals] == ["recog.snmp_sysdescr.xml.1"]


def test_an_ssh_banner_is_read_with_its_protocol_prefix(folder: Path) -> None:
    service = Service(
        port=2222,
        protocol="tcp",
        state="open",
        name="ssh",
        scripts=(("banner", "SSH-2.0-ExampleSSH_2.1"),),
    )
    device = _identifier(folder).identify(Host(address="127.0.0.1", services=(service,)))
    named = {(i.vendor, i.product, i.version) for i in device.identities}
    assert ("OpenBSD", "OpenSSH", "2.1") in named


def test_bundled_rules_come_first(folder: Path) -> None:
    identifier = _identifier(folder)
    first = identifier.rules.first_match("ssh.banner", "SSH-2.0-OpenSSH_7.4", {})
    assert first is not None and not first[0].id.startswith("recog.")


def test_identify_command_reads_a_recog_folder(tmp_path: Path, folder: Path) -> None:
    from clirun import run

    walk = tmp_path / "printer.walk"
    walk.write_text(
        '.1.3.6.1.2.1.1.1.0 = STRING: "Acme Printer Model X1 firmware 2.3"\n', encoding="utf-8"
    )
    without = run(
        "identify", "--snmpwalk", str(walk), "--format", "json", "--recog", str(tmp_path / "none")
    )
    assert without.returncode == 2 and "--recog" in without.stderr  # a missing folder: one line
    found = run("identify", "--snmpwalk", str(walk), "--format", "json", "--recog", str(folder))
    assert found.returncode == 0, found.stderr
    assert "recog: " in found.stderr and '"Lexmark"' in found.stdout
