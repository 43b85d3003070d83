"""fingerprints/rules/48-snmp-security-appliances.yaml: what its rules must not name (the
examples in the file prove what they name)."""

from __future__ import annotations

import pytest

from legacyscan.identify.engine import Identifier
from legacyscan.identify.rules import RuleSet
from legacyscan.model import Host, SnmpSystem

RULES = RuleSet.load()


def _products(descr: str, object_id: str = "1.3.6.1.4.1.8072.3.2.8") -> list[str]:
    host = Host(address="127.0.0.1", snmp=SnmpSystem(descr=descr, object_id=object_id))
    device = Identifier(RULES).identify(host)
    return [i.product for i in device.identities]


@pytest.mark.parametrize(
    "descr",
    [
        # HardenedBSD itself: uname -a in Shawn Webb's "offensive OpenSSL" article
        # (git.hardenedbsd.org/shawn.webb/articles,
        # infosec/offensive-openssl/2023-02-03_introduction)
        "FreeBSD offensive-openssl 13.2-PRERELEASE-HBSD FreeBSD 13.2-PRERELEASE-HBSD #0  "
        "hardened/13-stable/master-n191656-36e160ea752: Tue Feb  7 09:57:03 EST 2023     "
        "shawn@hbsd13-playground-01:/usr/obj/usr/src/amd64.amd64/sys/HARDENEDBSD amd64",
        # a FreeBSD stable branch has no release-series number after it
        "FreeBSD build 13.2-STABLE FreeBSD 13.2-STABLE stable/13-n255000-0123456789a GENERIC amd64",
    ],
)
def test_a_hardenedbsd_or_freebsd_branch_is_no_opnsense(descr: str) -> None:
    assert "OPNsense" not in _products(descr)


def test_an_opnsense_on_freebsd_13_is_named_by_its_branch_too() -> None:
    # 22.1 and later build FreeBSD again: a line written here in the form FreeBSD's newvers.sh
    # gives a git tree (<branch>-n<count>-<hash>), not a recorded one
    descr = (
        "FreeBSD fw 13.1-RELEASE-p7 FreeBSD 13.1-RELEASE-p7 "
        "stable/23.1-n250530-4c2a8a7d4c1 SMP amd64"
    )
    assert "OPNsense" in _products(descr)


def test_a_debian_kernel_is_no_proxmox() -> None:
    # Observium's unix poller's Debian 9 example, beside its Proxmox ones
    descr = "Linux hostname 4.9.0-6-amd64 #1 SMP Debian 4.9.88-1+deb9u1 (2018-05-07) x86_64"
    products = _products(descr, "1.3.6.1.4.1.8072.3.2.10")
    assert "Proxmox VE" not in products
    assert "Debian" in products


def test_policy_secure_is_not_named_connect_secure() -> None:
    # the same appliances' NAC product says so in its sysDescr (a line written here in the
    # documented form with "Policy Secure" in the product's place, not a recorded one)
    descr = "Pulse Secure, LLC,Pulse Policy Secure,PSA-3000,9.1R14 (build 16847)"
    assert "Connect Secure" not in _products(descr, "1.3.6.1.4.1.12532.256.2.1")


def test_a_compellent_line_cut_before_its_kernel_name_is_still_storage_center() -> None:
    # Observium's Compellent line cut after its first build path, as agents cut sysDescr
    # values longer than 255 characters (a longer build path than this one's gets cut so;
    # written here from the recorded line, not recorded itself)
    line = (
        "FreeBSD hostname 9.1-RELEASE-p4 FreeBSD 9.1-RELEASE-p4 #0: Thu Dec 18 07:47:20 CST "
        "2014 root@es-vb91-1:/work/buildmaster/r06.05.20/R06.05.20.018/06_05_20_018/work/"
        "buildmaster/r06.05.20/R06.05.20.018/src/sys/COMPELLENT amd64"
    )
    cut = line[:180]
    assert "COMPELLENT" not in cut
    assert "Storage Center" in _products(cut, "1.3.6.1.4.1.8072.3.2.8")


def test_a_stock_freebsd_is_no_compellent() -> None:
    # uname -a of the VulnHub "Kioptrix 2014" host (the FreeBSD rule's own example)
    descr = (
        "FreeBSD kioptrix2014 9.0-RELEASE FreeBSD 9.0-RELEASE #0: Tue Jan  3 07:46:30 UTC 2012"
        "     root@farrell.cse.buffalo.edu:/usr/obj/usr/src/sys/GENERIC  amd64"
    )
    assert _products(descr, "1.3.6.1.4.1.8072.3.2.8") == ["FreeBSD"]


def test_vms_software_s_openvms_releases_are_not_named_hpe_s() -> None:
    # VMS Software's releases follow V8.4 (V8.4-1H1, V8.4-2L1, V9.2-2: its ECO kits' release
    # notes at docs.vmssoftware.com); a line written here in Greenbone's documented form
    for release in ("V8.4-2L1", "V9.2-2"):
        descr = f"localhost.localdomain rx2800 OpenVMS {release} VSI TCP/IP Services for OpenVMS"
        assert "OpenVMS" not in _products(descr, "1.3.6.1.4.1.36.2.15.22.1")
