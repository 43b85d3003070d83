"""Builds tests/fixtures/realworld/dev/snmp-librenms-more.yaml: more real SNMP system groups.

Reads a copy of LibreNMS's test recordings (``tests/snmpsim/*.snmprec``, with
``tests/data/*.json`` where one exists: what LibreNMS discovered) and writes, in the
real-world corpus's format (docs/realworld-corpus.md), every recording whose name is in
neither half of the corpus yet and whose os the table below can label: its sysDescr,
sysObjectID and ENTITY-MIB rows (the chassis and rows with a software or firmware revision,
at most three).  The truth is the maker LibreNMS's os definition names
(``resources/definitions/os_detection/<os>.yaml``, its ``text``) as written in ``LABELS``,
or the label ``dev/snmp-librenms.yaml`` already gives that os; no version.  Entries whose
sysDescr is a contributor's placeholder or a rule's example are left out.  Every entry goes
to dev: the hash that split the corpus was not recorded.  The held-out half is read for
its names only, never printed.

    .venv/bin/python bench/realworld_librenms_more.py --tests DIR [-o FILE]

DIR holds LibreNMS's ``snmpsim/`` and ``data/`` folders (the corpus read them in the copy
kept at github.com/subrataghosh24online-coder/twentyfouronline, 9c1ba6460e3d).
"""

from __future__ import annotations

import argparse
import binascii
import collections
import json
import re
from pathlib import Path
from typing import Any

import yaml

from legacyscan.files import atomic_write, load_mapping
from legacyscan.identify.rules import RuleSet

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "realworld"
OUT = CORPUS / "dev" / "snmp-librenms-more.yaml"

#: os -> (family, vendor, product or None, class or None)
LABELS: dict[str, tuple[str, str, str | None, str | None]] = {}
S, N = "network-switch", "network"


def add(family: str, vendor: str, cls: str | None, *oses: str, product: str | None = None) -> None:
    for name in oses:
        LABELS[name] = (family, vendor, product, cls)


# fmt: off
add(S,'Edgecore',N,'edgecos')
add(S,'Eltex',N,'eltex-mes23xx','eltex-mes21xx','eltex-mes24xx')
add(S,'Digital China Networks',N,'dcn-software')
add(S,'Quanta',N,'quanta')
add(S,'PLANET',N,'planetos')
add(S,'FS.COM',N,'fs-switch','fs-switch-dc','fs-bdcom','fs-gbn','fs-centec')
add(S,'3Com',N,'3com')
add(S,'Supermicro',N,'supermicro-switch')
add(S,'IBM',N,'ibmnos')
add(S,'Brocade',N,'fabos','nos')
add(S,'Dell',N,'ftos')
add(S,'Extreme Networks',N,'extremeware')
add(S,'TRENDnet',N,'trendnet')
add(S,'Linksys',N,'linksys-ss')
add(S,'Cisco',N,'merakims','sanos')
add(S,'QTECH',N,'qtech')
add(S,'Raisecom',N,'raisecom','raisecom-ros')
add(S,'ZTE',N,'zxr10','zxa10')
add(S,'Ruijie',N,'ruijie')
add(S,'Mellanox',N,'mellanox')
add(S,'Grandstream',N,'grandstream-sw')
add(S,'Siemens',N,'ros')
add(S,'EtherWAN',N,'etherwan')
add(S,'HPE',N,'hpvc')
add(S,'Juniper',N,'juniperex2500os','junose')
add(S,'Ciena',N,'ciena-saos','ciena-sds')
add(S,'Nokia',N,'timos','nokia-isam')
add(S,'Zyxel',N,'ies52xxM','ies5000','ies')
add(S,'Huawei',N,'huawei-optixrtn')
add(S,'Teltonika',N,'rutos-rutx','rutos-2xx','rutos-rutm','rutos')
add(S,'DrayTek',N,'draytek')
add(S,'Adtran',N,'adtran-aos')
add('storage','Buffalo','server','buffalo')
add('storage','Dell','server','dell-compellent','equallogic','powervault')
add('storage','Huawei','server','oceanstor')
add('storage','Infortrend','server','infortrend')
add('storage','HPE','server','hpe-msa','hpe-msl','informos')
add('storage','IBM','server','ibmtl')
add('storage','Fujitsu','server','fujitsueternusos')
add('storage','Lenovo','server','lenovoemc')
add('storage','ExaGrid','server','exagridos')
add('ups-pdu','Delta','power','deltaups')
add('ups-pdu','Eaton','power','eatonups','eaton-ats','eaton-matrix','eaton-sc200','eaton-sc300','eatonupsm2','mgepdu')
add('ups-pdu','Panduit','power','panduit')
add('ups-pdu','GE','power','ge-ups')
add('ups-pdu','HPE','power','hpe-ipdu','hpe-pdumm','hpe-rtups')
add('ups-pdu','Huawei','power','huawei-smu')
add('ups-pdu','Schleifenbauer','power','schleifenbauer')
add('ups-pdu','PowerWalker','power','powerwalker-vfi','powerwalker')
add('ups-pdu','ABB','power','abbups')
add('ups-pdu','ATEN','power','atenpdu')
add('ups-pdu','Raritan','power','raritan-emx')
add('ups-pdu','Toshiba','power','remoteye4')
add('ups-pdu','Schneider Electric','power','powerlogic')
add('ups-pdu','PLANET','power','planet-pdu')
add('ups-pdu','FS.COM','power','fs-net-pdu')
add('ups-pdu','Dell','power','dell-rpdu')
add('ups-pdu','Gude','power','gude-esb','ets')
add('ups-pdu','Eltek','power','enexus','valere')
add('server','IBM','server','aix',product='AIX')
add('server','Oracle','server','solaris',product='Solaris')
add('server','Oracle','server','oracle-ilom')
add('server','IBM','server','ibm-imm','ibm-amm')
add('server','Huawei','server','ibmc')
add('server','HPE','server','hpblmos','openvms')
add('server','Apple','server','macosx')
add('server','FreeBSD','server','freebsd')
add('server','NetBSD','server','netbsd')
add('telephony','Cisco','iot','ucos')
add('telephony','Avaya','iot','avaya-ipo')
add('telephony','Grandstream','iot','grandstream-gxw')
add('telephony','Mitel','iot','msl')
add('printer','Toshiba','printer','toshiba-tec')
add('printer','Kyocera','printer','kyocera')
add('printer','Lexmark','printer','lexmarkprinter')
add('printer','Epson','printer','epson-scanner')
add('wireless','Cisco','network','ciscowap','merakimr')
add('wireless','EnGenius','network','engenius')
add('wireless','LANCOM','network','lcos','lcoslx')
add(S,'LANCOM',N,'lcossx')
add('wireless','Cambium','network','pmp','cmm','epmp','ptp250','ptp500','ptp600','ptp650','ptp670','ptp800','cnpilotr')
add('wireless','Apple','network','airport')
add('wireless','HPE','network','aruba-instant','hpmsm')
add('wireless','Extreme Networks','network','hiveos-network','ewc')
add('wireless','Zyxel','network','zyxelnwa')
add('wireless','Fortinet','network','fortiap')
add('wireless','Ruckus','network','ruckuswireless-hotzone')
add('wireless','Allied Telesis','network','allied-tq')
add('firewall','Fortinet','network','fortiauthenticator','fortimail','fortiweb','fortisandbox','fortiadc','fortiextender','fortiwlc')
add('firewall','Sophos','network','sophos')
add('firewall','WatchGuard','network','fireware')
add('firewall','Barracuda','network','barracudangfirewall','barracudaspamfirewall','barracudawafirewall','barracudaloadbalancer')
add('firewall','Stormshield','network','ns-bsd')
add('firewall','Cisco','network','merakimx','pixos')
add('firewall','Check Point','network','secureplatform')
add('firewall','F5','network','f5')
add('camera','Hikvision','iot','hikvision-nvr')
add('camera','Hanwha Vision','iot','ipolis')
add('device-server','Axis','iot','axisdocserver')
add('device-server','Lantronix','iot','lantronix-slc','lantronix-uds')
add('device-server','Moxa','iot','moxa-nport')
add('device-server','Perle','iot','perle')
add('device-server','Opengear','iot','opengear')
add('device-server','Tripp Lite','iot','trippliteconsole')
add('building','AKCP','iot','akcp')
add('building','Rittal','iot','rittal-cmc-iii-pu','rittal-lcp','rittal-cmc')
add('building','HW group','iot','hwg-wld','hwg-poseidon','hwg-ste','hwg-ste2')
add('building','Carel','iot','pcoweb')
# second batch (2026-12-07)
add(S,'HPE',N,'procurve')
add(S,'Ubiquiti',N,'edgeswitch','edgeosolt')
add(S,'Cisco',N,'cat1900','catos','ciscome1200','ciscosce','ciscosrp','ons','apic','exalink-fusion','fxos','waas','cips')
add('firewall','Cisco','network','acsw')
add('server','Cisco','server','ise','acs','primeinfrastructure','broadworks')
add('firewall','Fortinet','network','fortios','fortivoice')
add('firewall','F5','network','f5os')
add(S,'Juniper',N,'jwos')
add('wireless','Juniper','network','juniper-mss')
add(S,'Arista',N,'arista-mos')
add(S,'Alcatel-Lucent Enterprise',N,'aos')
add(S,'Extreme Networks',N,'slxos')
add(S,'Dell',N,'dell-sonic')
add('server','Dell','server','dell-rcs','dell-ome-m')
add(S,'Lenovo',N,'cnos')
add('storage','Fujitsu','server','celvin')
add(S,'Fujitsu',N,'fujitsupyos')
add('storage','HPE','server','nimbleos')
add('storage','iXsystems','server','truenas-scale')
add('server','VMware','server','vmware-esxi','vmware-vcsa')
add(S,'VMware',N,'velocloud')
add(S,'Huawei',N,'smartax','smartax-mdu')
add('ups-pdu','Ubiquiti','power','edgeos-ep','unifi-usp')
add(S,'Zyxel',N,'prestige','zyxelac')
add('firewall','Zyxel','network','zyxelusg')
add('firewall','Sophos','network','sophos-xg')
add('building','APC','iot','netbotz')
add('device-server','Vertiv','iot','avocent','avocent-mp')
add('device-server','Raritan','iot','raritan-kvm')
add('ups-pdu','Vertiv','power','ees','netsure')
add('server','Microsoft',None,'windows')
add('server','HPE','server','clearpass')
add('wireless','Cambium','network','cnmatrix','cnpilote','cnwave60','cmm4')
add('ups-pdu','Eltek','power','eltek-webpower')
add(S,'Eltex',N,'eltex-olt')
add(S,'Ciena',N,'ciena-rls','ciena-waveserver','cyan')
add(S,'Nokia',N,'nokia-1830')
add(S,'IBM',N,'bnt')
# PBXs and call servers are servers (the corpus's OmniPCX convention)
add('telephony','Cisco','server','ucos')
add('telephony','Avaya','server','avaya-ipo')
add('telephony','Mitel','server','msl')
# fmt: on

SYSTEM = ("1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0")
ENTITY = "1.3.6.1.2.1.47.1.1.1.1."
COLUMNS = {2: "descr", 5: "class", 7: "name", 8: "hardware_rev", 9: "firmware_rev",
           10: "software_rev", 12: "mfg_name", 13: "model_name"}  # fmt: skip
HEADER = """# Real-world measurement corpus (dev only): more SNMP system groups of real devices,
# written by bench/realworld_librenms_more.py (2026-12-07, worktree ident4) to see where the
# rules generalise badly.  Values read from LibreNMS's test data (github.com/librenms/librenms,
# GPL-3.0-or-later), from the same copy of its tree as snmp-librenms.yaml
# (github.com/subrataghosh24online-coder/twentyfouronline at 9c1ba6460e3d): tests/data/<name>.json
# (sysDescr, sysObjectID, what LibreNMS discovered) where one exists, else the recording
# tests/snmpsim/<name>.snmprec labelled by its file name's os prefix; ENTITY-MIB rows (chassis
# and rows with a software or firmware revision, at most three) from the recording.  Only
# recordings whose name is in neither half already.  `truth` is our label: the maker
# LibreNMS's os definition names (resources/definitions/os_detection/<os>.yaml `text`) or, for
# an os that snmp-librenms.yaml (dev) already labels, that label (a Lenovo-branded IBM NOS
# switch is Lenovo, its sysDescr says so; PBXs and call servers are class server, as the
# OmniPCX of snmp-librenms.yaml); a product only where that label names one; no version
# (not judged).  The corpus's split hash is not recorded anywhere, so these entries are in
# dev only (none in held-out).  Never copy these strings into rule examples.
"""


def _value(kind: str, raw: str) -> Any:
    if kind == "4x":
        try:
            return binascii.unhexlify(raw).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return None
    if kind == "4":
        return raw
    if kind == "6":
        return raw.lstrip(".")
    if kind == "2":
        return int(raw) if re.fullmatch(r"-?\d+", raw) else None
    return None


def read_recording(path: Path) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for line in path.read_text(errors="replace").splitlines():
        parts = line.split("|", 2)
        if len(parts) == 3 and (parts[0] in SYSTEM or parts[0].startswith(ENTITY)):
            found[parts[0]] = _value(parts[1], parts[2])
    return found


def entities(values: dict[str, Any]) -> list[dict[str, Any]]:
    rows: dict[int, dict[str, Any]] = collections.defaultdict(dict)
    for oid, value in values.items():
        rest = oid[len(ENTITY) :].split(".") if oid.startswith(ENTITY) else []
        if len(rest) == 2 and int(rest[0]) in COLUMNS and value not in (None, ""):
            rows[int(rest[1])][COLUMNS[int(rest[0])]] = value
    kept = []
    for index in sorted(rows):
        row = rows[index]
        if row.get("class") == 3 or row.get("software_rev") or row.get("firmware_rev"):
            kept.append({"index": index, **{c: row[c] for c in COLUMNS.values() if c in row}})
        if len(kept) >= 3:
            break
    return kept


def dev_labels() -> dict[str, tuple[str, str, str | None, str | None]]:
    """The os labels dev/snmp-librenms.yaml gives, where it gives one label per os."""
    seen: dict[str, collections.Counter[tuple[str, str, str | None, str | None]]] = (
        collections.defaultdict(collections.Counter)
    )
    for entry in load_mapping(CORPUS / "dev" / "snmp-librenms.yaml")["devices"]:
        found = re.search(r"os '([^']+)'", entry["source"])
        truth = entry.get("truth") or {}
        if found:
            label = (entry["family"], truth.get("vendor"), truth.get("product"), truth.get("class"))
            seen[found.group(1)][label] += 1
    return {os: next(iter(c)) for os, c in seen.items() if len(c) == 1}


def build(tests: Path) -> list[dict[str, Any]]:
    taken = {
        str(e["name"])
        for split in ("dev", "held-out")
        for path in (CORPUS / split).glob("*.yaml")
        if path.name != OUT.name
        for e in load_mapping(path)["devices"]
    }
    examples = {str(e.value).strip() for rule in RuleSet.load().rules for e in rule.examples}
    known = dev_labels()
    out = []
    for path in sorted((tests / "snmpsim").glob("*.snmprec")):
        stem = path.stem
        if "@" in stem or f"LibreNMS {stem}" in taken:
            continue
        values = read_recording(path)
        descr, oid = values.get(SYSTEM[0]), values.get(SYSTEM[1])
        os_name, hardware, from_json = stem.split("_")[0], None, False
        data = tests / "data" / f"{stem}.json"
        if data.is_file():
            try:
                found = json.loads(data.read_text())["os"]["discovery"]["devices"][0]
            except (ValueError, KeyError, IndexError, TypeError):
                found = None
            if found:
                os_name, hardware, from_json = found["os"], found.get("hardware"), True
                descr = found.get("sysDescr") or descr
                oid = (found.get("sysObjectID") or oid or "").lstrip(".") or None
        label = LABELS.get(os_name) or known.get(os_name)
        descr = (descr or "").strip()
        if label is None or re.search(r"user input|<private>", descr, re.I) or descr in examples:
            continue
        family, vendor, product, cls = label
        if "lenovo" in stem and vendor == "IBM":
            vendor = "Lenovo"  # its sysDescr names Lenovo
        snmp = {k: v for k, v in (("sysDescr", descr), ("sysObjectID", oid)) if v}
        if not snmp:
            continue
        source = (
            f"librenms/librenms tests/data/{stem}.json (os '{os_name}': sysDescr, sysObjectID, "
            "version, hardware)"
            if from_json
            else f"librenms/librenms tests/snmpsim/{stem}.snmprec (sysDescr, sysObjectID; "
            f"os '{os_name}' from the file name)"
        )
        rows = entities(values)
        if rows:
            source += f" and tests/snmpsim/{stem}.snmprec (ENTITY-MIB rows)"
        entry: dict[str, Any] = {"name": f"LibreNMS {stem}", "family": family, "source": source,
                                 "licence": "GPL-3.0-or-later", "snmp": snmp}  # fmt: skip
        if rows:
            entry["entities"] = rows
        truth: dict[str, Any] = {"vendor": vendor}
        if product:
            truth["product"] = product
        if cls:
            truth["class"] = cls
        if isinstance(hardware, str) and hardware.strip():
            truth["model"] = hardware.strip()
        entry["truth"] = truth
        out.append(entry)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tests", type=Path, required=True, help="LibreNMS's tests/ folder")
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args()
    devices = build(args.tests)
    text = yaml.safe_dump({"devices": devices}, sort_keys=False, allow_unicode=True, width=100)
    atomic_write(args.output, HEADER + text)
    print(f"{len(devices)} entries written to {args.output}")
    print(dict(collections.Counter(d["family"] for d in devices).most_common()))


if __name__ == "__main__":
    main()
