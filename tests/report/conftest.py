"""Assessments built straight from the model records, and a real headless Chromium.

``rich_assessment`` fills every field the report shows (plan, horizon, segment risks,
network score, KEV marks, class conflicts, sites and zones) and carries hostile
strings in the places a device controls (banners, sysDescr, sysName, hostnames).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from legacyscan.assess import provenance
from legacyscan.identify import Identifier
from legacyscan.lifecycle import EolDatabase
from legacyscan.messages import message
from legacyscan.model import (
    AssessedDevice,
    AssessedIdentity,
    Assessment,
    ClassSignal,
    CollectError,
    DeviceRisk,
    Evidence,
    Exposure,
    HorizonEntry,
    Host,
    IdentifiedDevice,
    Identity,
    Lifecycle,
    Message,
    Plan,
    PlanAction,
    RiskFactor,
    ScanMeta,
    Segment,
    SegmentRisk,
    Service,
    SnmpSystem,
    Topology,
    words,
)
from legacyscan.plan import CostModel
from legacyscan.risk import RiskModel
from legacyscan.risk.device import factor

AS_OF = dt.date(2026, 11, 23)
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
CLOSE = "</script><script>alert(2)</script>"
XP_SOURCE = "https://learn.microsoft.com/en-us/lifecycle/products/windows-xp"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def identity(
    product: str,
    status: str,
    *,
    vendor: str = "Microsoft",
    version: str | None = None,
    kind: str = "os",
    eol: dt.date | None = None,
    source: str | None = None,
    kev: tuple[str, ...] = (),
    value: str = "",
    rule: str = "test.rule",
) -> AssessedIdentity:
    return AssessedIdentity(
        Identity(
            kind=kind,  # type: ignore[arg-type]
            vendor=vendor,
            product=product,
            version=version,
            cpe=None,
            confidence=0.9,
            evidence=(Evidence("snmp", "snmp.sysDescr", value or product, rule),),
        ),
        Lifecycle(
            status=status,  # type: ignore[arg-type]
            cycle=version,
            eol_date=eol,
            source=source,
            checked=AS_OF if source else None,
            reason=_why(status, eol),
            known_exploited=kev,
        ),
    )


def _why(status: str, eol: dt.date | None) -> Message:
    if eol is None:
        return message("lifecycle.no_record_for", product="Test OS")
    return message("lifecycle.eol" if status == "eol" else "lifecycle.supported_until", end=eol)


def device(
    address: str,
    device_class: str,
    identities: tuple[AssessedIdentity, ...] = (),
    *,
    device_type: str | None = None,
    conflicts: tuple[str, ...] = (),
    **host: Any,
) -> AssessedDevice:
    return AssessedDevice(
        IdentifiedDevice(
            host=Host(address=address, sources=("nmap",), **host),
            identities=tuple(a.identity for a in identities),
            device_class=device_class,  # type: ignore[arg-type]
            device_type=device_type,
            class_confidence=0.8,
            class_signals=(
                ClassSignal(device_class, device_type, 0.8, "test.signal", "seen"),  # type: ignore[arg-type]
            ),
            class_conflicts=conflicts,  # type: ignore[arg-type]
        ),
        identities,
    )


def risk(address: str, score: float, level: str) -> DeviceRisk:
    return DeviceRisk(
        address,
        score,
        level,
        (
            factor("lifecycle", score - 10, message("risk.lifecycle_eol")),
            factor(
                "exposure",
                10,
                message(
                    "risk.exposure",
                    reasons=[
                        message("risk.exposure_port", port="445", reason=Message("reason.smb"))
                    ],
                ),
            ),
        ),
    )


def build_rich() -> Assessment:
    xp = identity(
        "Windows XP",
        "eol",
        version="5.1",
        eol=dt.date(2014, 4, 8),
        source=XP_SOURCE,
        kev=("CVE-2017-0144",),
        value="Hardware: x86 - Software: Windows Version 5.1",
        rule="snmp.windows.xp",
    )
    win10 = identity("Windows 10", "supported", version="22H2", eol=dt.date(2027, 5, 1))
    hostile_id = identity(
        "IOS", "eol", vendor="Cisco", value=SCRIPT, rule="snmp.cisco.ios", source="javascript:x"
    )
    devices = (
        device(
            "10.1.1.10",
            "workstation",
            (xp,),
            device_type="imaging-workstation",
            conflicts=("medical",),
            hostnames=("xp-console",),
            services=(Service(445, "tcp", "open", "microsoft-ds"),),
            snmp=SnmpSystem(
                descr="Hardware: x86 - Software: Windows Version 5.1",
                object_id="1.3.6.1.4.1.311.1.1.3.1.1",
            ),
        ),
        device(
            "10.1.1.11",
            "network",
            (hostile_id,),
            snmp=SnmpSystem(descr=SCRIPT, name=IMG, location=CLOSE),
            services=(Service(80, "tcp", "open", "http", product=IMG, version=CLOSE),),
            hostnames=(IMG,),
        ),
        device("10.1.1.20", "medical", device_type="infusion-pump"),
        device("10.1.2.30", "medical", device_type="patient-monitor"),
        device("10.1.2.31", "iot", device_type="camera"),
        device("10.1.2.40", "workstation", (win10,)),
        device("10.1.3.50", "unknown", services=(Service(9999, "tcp", "open"),)),
    )
    segments = (
        Segment(
            "admin",
            "10.1.1.0/24",
            ("10.1.1.10", "10.1.1.11", "10.1.1.20"),
            "mapping-file",
            site="Hôpital Nord",
            zone="bureautique",
        ),  # fmt: skip
        Segment(
            "biomed",
            "10.1.2.0/24",
            ("10.1.2.30", "10.1.2.31", "10.1.2.40"),
            "snmp-vlan",
            site="Hôpital Nord",
            zone="biomedical",
        ),  # fmt: skip
        Segment("guest", "10.1.3.0/24", ("10.1.3.50",), "scanned-subnet"),
    )
    exposures = tuple(
        Exposure(src, dst, (src, dst), words(f"{src} to {dst}: no filter observed"))
        for src in ("10.1.1.10", "10.1.1.11")
        for dst in ("10.1.1.20", "10.1.2.30", "10.1.2.31")
    )
    risks = (
        risk("10.1.1.10", 92, "critical"),
        risk("10.1.1.11", 71, "critical"),
        risk("10.1.2.40", 12, "low"),
        risk("10.1.1.20", 30, "medium"),
    )
    plan = Plan(
        budget=50000,
        actions=(
            PlanAction("replace", "10.1.1.10", 18500.5, 62, words("replace the XP console")),
            PlanAction(
                "isolate", "admin", 4200, 25, words("put a firewall between admin and biomed")
            ),
        ),
        total_cost=22700.5,
        risk_before=205,
        risk_after=118,
        method=words("exact"),
    )
    meta = ScanMeta(
        as_of=AS_OF,
        started="2026-11-20T09:00:00+00:00",
        finished="2026-11-21T17:30:00+00:00",
        targets=("10.1.1.0/24", "10.1.2.0/24", "10.1.3.0/24"),
        command_lines=("nmap -oX - -sV --max-rate 50 10.1.1.0/24",),
        tool_versions=(("nmap", "7.93"),),
        legacyscan_version="0.1.0",
        silent_addresses=4,
        errors=(CollectError("snmp", "10.1.1.99", "timeout " + SCRIPT),),
        profile="clinical-safe",
        site="Hôpital Nord",
        vantage="datacentre-vlan-5",
    )
    return Assessment(
        meta=meta,
        devices=devices,
        topology=Topology(segments, exposures, ("admin",)),
        risks=risks,
        segment_risks=(
            SegmentRisk("admin", 80, "critical", 2, 1, (RiskFactor("mix", 80, words("mixed")),)),
            SegmentRisk("biomed", 20, "low", 0, 2, ()),
        ),
        network_score=37.5,
        plan=plan,
        # what a real assessment with a plan records: the shipped weights and costs
        provenance=provenance(
            Identifier(), EolDatabase.load(), meta.as_of, RiskModel.load(), CostModel.load()
        ),
        horizon=(
            HorizonEntry(12, ("10.1.2.40",)),
            HorizonEntry(24, ("10.1.2.40",)),
        ),
    )


@pytest.fixture(scope="session")
def rich_assessment() -> Assessment:
    return build_rich()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One real headless Chromium (Debian's) for the whole session, closed even on failure."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (make system-deps)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def build_lab_like() -> Assessment:
    """The minimal lab (SNMP as its scenario serves it, services from a recorded nmap scan
    of it) and the labelled corpus of real devices, assessed by the real pipeline with KEV
    marks and a budget plan: every kind of sentence the model writes, from real data."""
    from dataclasses import replace as _replace

    from legacyscan.assess import assess
    from legacyscan.identify.corpus import lab_devices, load_corpus
    from legacyscan.lifecycle.database import EolDatabase

    root = Path(__file__).resolve().parents[2]
    hosts = [
        d.host
        for d in lab_devices(
            root / "legacyscan" / "lab" / "minimal.yaml",
            root / "tests" / "fixtures" / "nmap" / "lab-minimal.xml",
        )
    ]
    corpus = load_corpus(root / "tests" / "fixtures" / "corpus")
    # corpus walks carry their agents' own addresses: give them loopback ones
    hosts += [_replace(d.host, address=f"127.61.9.{n}") for n, d in enumerate(corpus, 1)]
    meta = ScanMeta(
        as_of=AS_OF,
        started="2026-11-23T10:00:00+00:00",
        finished="2026-11-23T11:00:00+00:00",
        targets=("127.42.0.0/16", "127.61.9.0/24"),
        vantage="127.42.1.0/24",
    )
    kev = {("Microsoft", "Windows XP"): ("CVE-2008-4250", "CVE-2017-0144", "CVE-2019-0708")}
    return assess(hosts, meta, eol=EolDatabase.load().with_kev(kev), budget=30000)


@pytest.fixture(scope="session")
def lab_like() -> Assessment:
    return build_lab_like()


#: Segment names as hospitals write them: long, accented, alike at the start.
WARD_NAMES = (
    "Réanimation et soins continus — bâtiment B",
    "Réanimation néonatale",
    "Imagerie médicale (scanner, IRM)",
    "Bloc opératoire",
    "Laboratoire d'analyses",
    "Urgences adultes",
    "Bureautique administrative du siège",
    "Datacentre",
    "GTB / vidéosurveillance",
    "Téléconsultation",
    "Wi-Fi invités",
    "Pharmacie",
    "Dialyse",
    "Cardiologie — salle de cathétérisme",
)


def build_many_segments(wards: int = len(WARD_NAMES)) -> Assessment:
    """``wards`` named segments (a mapping file) of different sizes holding legacy
    workstations and infusion gateways, scanned from the first: arrows of many widths."""
    from legacyscan.assess import assess
    from legacyscan.risk.evaluate import Context
    from legacyscan.topology.mapping import SegmentMap

    hosts = []
    for ward in range(wards):
        legacy, pumps = ward % 4, (ward * 5) % 7
        for n in range(1, legacy + 1):
            hosts.append(
                Host(
                    address=f"127.62.{ward}.{n}",
                    services=(Service(3389, "tcp", "open", "ms-wbt-server"),),
                    snmp=SnmpSystem(
                        descr="Hardware: x86 Family 6 Model 15 Stepping 13 AT/AT COMPATIBLE - "
                        "Software: Windows 2000 Version 5.1 (Build 2600 Uniprocessor Free)",
                        object_id="1.3.6.1.4.1.311.1.1.3.1.1",
                    ),
                )
            )
        for n in range(100, 100 + pumps):
            hosts.append(
                Host(
                    address=f"127.62.{ward}.{n}",
                    services=(Service(2575, "tcp", "open", "hl7"),),
                    snmp=SnmpSystem(
                        descr="B. Braun Melsungen AG SpaceCom 2 infusion data gateway, "
                        "software 012U000061",
                        object_id="1.3.6.1.4.1.8072.3.2.10",
                    ),
                )
            )
        hosts.append(Host(address=f"127.62.{ward}.250", services=(Service(22, "tcp", "open"),)))
    mapping = SegmentMap.from_data(
        {"segments": [{"cidr": f"127.62.{w}.0/24", "name": WARD_NAMES[w]} for w in range(wards)]}
    )
    meta = ScanMeta(
        as_of=AS_OF,
        started="2026-11-23T10:00:00+00:00",
        finished="2026-11-23T11:00:00+00:00",
        targets=tuple(f"127.62.{w}.0/24" for w in range(wards)),
        vantage="127.62.1.0/24",
    )
    return assess(hosts, meta, context=Context(segment_map=mapping))


@pytest.fixture(scope="session")
def many_segments() -> Assessment:
    return build_many_segments()


@pytest.fixture(scope="session")
def segments_of_wards() -> Any:
    """``build_many_segments`` itself, for tests that choose the number of wards."""
    return build_many_segments
