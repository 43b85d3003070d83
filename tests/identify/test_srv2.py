"""The product subtrees of fingerprints/tables/sysobjectid-srv2.yaml (Blue Coat's ProxySG,
Alteon, Buffalo TeraStation, Huawei OceanStor...), each proven on an OID the cited MIB
assigns, through the whole identify stage; and the neighbouring branches the same MIBs give
to other product lines, which must not be named so."""

from __future__ import annotations

import pytest
from builders import identify_agent

from legacyscan.model import IdentifiedDevice


def _named(device: IdentifiedDevice) -> list[tuple[str, str]]:
    return [(i.vendor, i.product) for i in device.identities if not i.vendor_only]


CASES = [
    # BLUECOAT-MIB sg1000 ::= { device 1 }, sg210 ::= { device 26 }, sgvmwareesx (30)
    ("1.3.6.1.4.1.3417.1.1.1", "Blue Coat", "SGOS", "network", "proxy"),
    ("1.3.6.1.4.1.3417.1.1.26", "Blue Coat", "SGOS", "network", "proxy"),
    ("1.3.6.1.4.1.3417.1.1.30", "Blue Coat", "SGOS", "network", "proxy"),
    # ALTEON-ROOT-MIB aws2424 ::= { aws2000-switches 1 }, aws3408 ::= { aws3000-switches 1 }
    ("1.3.6.1.4.1.1872.1.13.1.1", "Radware", "AlteonOS", "network", "load-balancer"),
    ("1.3.6.1.4.1.1872.1.13.2.1", "Radware", "AlteonOS", "network", "load-balancer"),
    # BUFFALO-ROOT-MIB teraStation ::= {buffalo 27}
    ("1.3.6.1.4.1.5227.27", "Buffalo", "TeraStation", "server", "storage"),
    # HUAWEI-STORAGE-HARDWARE-MIB hwISM ::= { hwStorage 1 }
    ("1.3.6.1.4.1.34774.4.1", "Huawei", "OceanStor", "server", "storage"),
    # AXIS-VIDEO-MIB videoBased ::= { products 1 }
    ("1.3.6.1.4.1.368.1.1", "Axis", "AXIS OS", "iot", None),
    # BLADE-MIB bladeCenterSnmpMIB ::= { netfinitySupportProcessorAgent 2 }
    (
        "1.3.6.1.4.1.2.3.51.2",
        "IBM",
        "BladeCenter Management Module",
        "server",
        "management-controller",
    ),
]


@pytest.mark.parametrize(("oid", "vendor", "product", "device_class", "device_type"), CASES)
def test_a_product_subtree_names_the_product_and_the_class(
    oid: str, vendor: str, product: str, device_class: str, device_type: str | None
) -> None:
    device = identify_agent(oid)
    assert (vendor, product) in _named(device)
    assert device.device_class == device_class
    assert device.device_type == device_type


@pytest.mark.parametrize(
    ("oid", "not_product"),
    [
        # BLUECOAT-MIB director ::= { products 2 }, av ::= { products 3 }: not ProxySG
        ("1.3.6.1.4.1.3417.1.2.1", "SGOS"),
        ("1.3.6.1.4.1.3417.1.3.1", "SGOS"),
        # ALTEON-ROOT-MIB wsm-BladeCenter ::= { registration2 15 }: IBM's switch module
        ("1.3.6.1.4.1.1872.1.15", "AlteonOS"),
        # BUFFALO-ROOT-MIB bs-2024-gm ::= {buffalo 11}: a switch, not a TeraStation
        ("1.3.6.1.4.1.5227.11", "TeraStation"),
    ],
)
def test_other_branches_of_the_same_mib_are_not_named_so(oid: str, not_product: str) -> None:
    assert not_product not in [product for _, product in _named(identify_agent(oid))]
