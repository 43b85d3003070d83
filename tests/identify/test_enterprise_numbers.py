"""The medical vendors' enterprise-number rules against IANA's registry, as nmap ships it.

Each ``snmp.oid.*`` rule cites "IANA enterprise number N: 'Organisation'" in its example's
source; the number and the name must be the registry's, and the rule must read exactly that
enterprise (1.3.6.1.4.1.N and below, never 1.3.6.1.4.1.N5...).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from legacyscan.identify.engine import Identifier
from legacyscan.identify.rules import Rule, RuleSet
from legacyscan.model import Host, SnmpSystem

# nmap's copy of https://www.iana.org/assignments/enterprise-numbers/ ("number<TAB>name").
REGISTRY_COPIES = [
    Path("/usr/share/nmap/nselib/data/enterprise_numbers.txt"),
    Path("/usr/local/share/nmap/nselib/data/enterprise_numbers.txt"),
]
SOURCE = re.compile(r"^IANA enterprise number (\d+): '(.*)'$")


def _registry() -> dict[int, str]:
    for path in REGISTRY_COPIES:
        if path.is_file():
            entries: dict[int, str] = {}
            for line in path.read_text(encoding="utf-8").splitlines():
                number, _, name = line.partition("\t")
                if number.isdigit():
                    entries[int(number)] = name
            return entries
    pytest.skip("nmap's enterprise_numbers.txt is not installed (apt package nmap)")


def _enterprise_rules() -> list[Rule]:
    return [rule for rule in RuleSet.load().rules if rule.id.startswith("snmp.oid.")]


def test_there_are_medical_enterprise_rules() -> None:
    assert len(_enterprise_rules()) >= 15


@pytest.mark.parametrize("rule", _enterprise_rules(), ids=lambda r: r.id)
def test_number_and_name_are_the_registry_s(rule: Rule) -> None:
    registry = _registry()
    (example,) = rule.examples
    cited = SOURCE.match(example.source)
    assert cited, f"{rule.id}: source must read \"IANA enterprise number N: 'Name'\""
    number, name = int(cited.group(1)), cited.group(2)
    assert registry.get(number) == name, f"{rule.id}: registry has {registry.get(number)!r}"
    assert example.value == f"1.3.6.1.4.1.{number}"
    assert rule.pattern.search(f"1.3.6.1.4.1.{number}.3.1.7")
    assert rule.pattern.search(f".1.3.6.1.4.1.{number}")
    assert not rule.pattern.search(f"1.3.6.1.4.1.{number}5")
    assert not rule.pattern.search(f"1.3.6.1.4.1.1{number}")


def test_a_vendor_number_classifies_but_names_no_operating_system() -> None:
    # A B. Braun agent with nothing else to say: medical infusion pump, its maker, no product.
    host = Host(address="127.0.0.1", snmp=SnmpSystem(object_id="1.3.6.1.4.1.22447.1.2"))
    device = Identifier().identify(host)
    (maker,) = device.identities
    assert (maker.vendor, maker.product, maker.vendor_only) == ("B. Braun", "", True)
    assert (device.device_class, device.device_type) == ("medical", "infusion-pump")
    assert [s.reason for s in device.deciding_signals] == ["snmp.oid.b-braun"]


def test_a_general_siemens_number_is_no_medical_signal() -> None:
    # Siemens AG's own number also covers building automation (Desigo) and industry.
    host = Host(address="127.0.0.1", snmp=SnmpSystem(object_id="1.3.6.1.4.1.4329.6.1"))
    assert Identifier().identify(host).device_class != "medical"
