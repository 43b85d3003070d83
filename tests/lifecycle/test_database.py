"""End-of-life records and verdicts, always judged for an explicit as-of date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from legacyscan.lifecycle.database import EolDatabase
from legacyscan.lifecycle.records import EolDataError, load_records, parse_record
from legacyscan.lifecycle.verdicts import status_on
from legacyscan.messages import plain
from legacyscan.model import EolRecord, Evidence, Identity
from legacyscan.report.i18n import Language

AS_OF = dt.date(2026, 11, 23)
#: The day the newest records were checked against their sources.
LAST_CHECKED = dt.date(2026, 12, 7)
D = dt.date


def _record(**changes: Any) -> EolRecord:
    base: dict[str, Any] = {
        "vendor": "Acme",
        "product": "Widget OS",
        "cycle": "3",
        "versions": r"^3\.",
        "released": D(2010, 1, 1),
        "support_end": D(2015, 1, 1),
        "security_end": D(2020, 1, 14),
        "extended_end": None,
        "source": "https://example.org/lifecycle",
        "checked": D(2026, 11, 23),
    }
    base.update(changes)
    return EolRecord(**base)


# --- status_on -----------------------------------------------------------------------------


def test_supported_up_to_and_including_the_end_date() -> None:
    record = _record()
    for day in (D(2019, 1, 1), D(2020, 1, 14)):
        verdict = status_on(record, day)
        assert verdict.status == "supported", day
        assert verdict.eol_date == D(2020, 1, 14)
        assert verdict.source == "https://example.org/lifecycle"
        assert verdict.checked == D(2026, 11, 23)
        assert verdict.cycle == "3"
    assert status_on(record, D(2020, 1, 15)).status == "eol"


def test_unknown_between_the_earliest_and_latest_edition_ends() -> None:
    record = _record(security_end_latest=D(2023, 1, 10))
    assert status_on(record, D(2020, 1, 14)).status == "supported"
    between = status_on(record, D(2021, 6, 1))
    assert between.status == "unknown"
    assert "2020-01-14" in plain(between.reason) and "2023-01-10" in plain(between.reason)
    assert status_on(record, D(2023, 1, 10)).status == "unknown"
    assert status_on(record, D(2023, 1, 11)).status == "eol"


def test_extended_while_a_paid_extension_runs() -> None:
    record = _record(extended_end=D(2023, 1, 10))
    verdict = status_on(record, D(2022, 6, 1))
    assert verdict.status == "extended"
    assert verdict.extended_end == D(2023, 1, 10)
    assert "paid extension" in plain(verdict.reason)
    assert status_on(record, D(2023, 1, 10)).status == "extended"
    assert status_on(record, D(2023, 1, 11)).status == "eol"


def test_eol_after_everything() -> None:
    verdict = status_on(_record(extended_end=D(2023, 1, 10)), AS_OF)
    assert verdict.status == "eol"
    assert "2020-01-14" in plain(verdict.reason)


def test_no_end_announced_is_supported() -> None:
    record = _record(security_end=None, support_end=None, no_end_announced=True)
    verdict = status_on(record, D(2100, 1, 1))
    assert verdict.status == "supported"
    assert verdict.eol_date is None
    assert "no end" in plain(verdict.reason)


# --- parse_record --------------------------------------------------------------------------


def _raw(**changes: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "vendor": "Acme",
        "product": "Widget OS",
        "cycle": "3",
        "versions": r"^3\.",
        "security_end": "2020-01-14",
        "source": "https://example.org/lifecycle",
        "checked": "2026-11-23",
    }
    raw.update(changes)
    return {k: v for k, v in raw.items() if v is not None}


def test_parse_record_reads_dates_from_strings_and_dates() -> None:
    record = parse_record(_raw(extended_end=D(2023, 1, 10)), "acme.yaml record 1 (Widget OS 3)")
    assert record.security_end == D(2020, 1, 14)
    assert record.extended_end == D(2023, 1, 10)
    assert record.checked == D(2026, 11, 23)
    assert record.versions == r"^3\."


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(_raw(source=None), "missing source", id="missing-source"),
        pytest.param(_raw(checked=None), "missing checked", id="missing-checked"),
        pytest.param(_raw(source="http://example.org/eol"), "https://", id="http-source"),
        pytest.param(_raw(source="example.org/eol"), "https://", id="no-scheme"),
        pytest.param(_raw(security_end="2020-13-01"), "security_end", id="bad-month"),
        pytest.param(_raw(checked="last week"), "checked", id="bad-checked"),
        pytest.param(_raw(versions="^3\\.(["), "not a valid regex", id="bad-regex"),
        pytest.param(
            _raw(support_end="2021-01-01"), "security_end 2020-01-14 is before", id="disorder"
        ),
        pytest.param(_raw(examples="3.1"), "examples must be a list", id="examples-not-list"),
    ],
)
def test_parse_record_errors_name_the_record(raw: dict[str, Any], expected: str) -> None:
    where = "acme.yaml record 4 (Widget OS 3)"
    with pytest.raises(EolDataError) as caught:
        parse_record(raw, where)
    assert str(caught.value).startswith(where)
    assert expected in str(caught.value)


def test_load_records_names_file_and_record(tmp_path: Path) -> None:
    (tmp_path / "acme.yaml").write_text(
        "records:\n"
        "  - {vendor: Acme, product: Widget OS, cycle: '2', security_end: 2019-01-01,\n"
        "     source: 'https://example.org/a', checked: 2026-11-23}\n"
        "  - {vendor: Acme, product: Widget OS, cycle: '3', security_end: 2020-01-01,\n"
        "     source: 'http://example.org/b', checked: 2026-11-23}\n",
        encoding="utf-8",
    )
    with pytest.raises(EolDataError, match=r"^acme\.yaml record 2 \(Widget OS 3\): source"):
        load_records(tmp_path)


# --- the bundled database ------------------------------------------------------------------


@pytest.fixture(scope="module")
def db() -> EolDatabase:
    return EolDatabase.load()


def test_bundled_records_are_sourced_and_dated(db: EolDatabase) -> None:
    assert len(db.records) >= 50
    for record in db.records:
        label = f"{record.vendor} {record.product} {record.cycle}"
        assert record.source.startswith("https://"), label
        assert isinstance(record.checked, dt.date), label
        assert record.checked <= LAST_CHECKED, label
        if record.security_end is None and not record.no_end_announced:
            assert "could be cited" in record.note or "not found" in record.note, label
        if record.security_end_latest is not None and record.security_end is not None:
            assert record.security_end_latest >= record.security_end, label
        if record.extended_end is not None and record.security_end is not None:
            assert record.extended_end >= record.security_end, label


def _identity(vendor: str, product: str, version: str | None) -> Identity:
    return Identity(
        kind="os",
        vendor=vendor,
        product=product,
        version=version,
        cpe=None,
        confidence=0.9,
        evidence=(Evidence("test", "snmp.sysDescr", "x", "test"),),
    )


@pytest.mark.parametrize(
    ("vendor", "product", "version", "status"),
    [
        ("Microsoft", "Windows XP", "5.1.2600", "eol"),
        ("Microsoft", "Windows 7", "6.1.7601", "eol"),
        ("Microsoft", "Windows 10", "10.0.19045", "extended"),
        ("Microsoft", "Windows Server 2022", "10.0.20348", "supported"),
        ("Apache", "HTTP Server", "2.2.3", "eol"),
        ("Apache", "HTTP Server", "2.4.62", "supported"),
        ("OpenBSD", "OpenSSH", "4.3", "eol"),
        ("Red Hat", "Enterprise Linux", "5", "eol"),
        ("Red Hat", "Enterprise Linux", "9", "supported"),
    ],
)
def test_spot_checks_as_of_2026_11_23(
    db: EolDatabase, vendor: str, product: str, version: str, status: str
) -> None:
    verdict = db.lifecycle(_identity(vendor, product, version), AS_OF)
    assert verdict.status == status, plain(verdict.reason)
    assert verdict.source is not None and verdict.source.startswith("https://")


@pytest.mark.parametrize(
    ("vendor", "product", "version", "reason"),
    [
        ("Acme", "Toaster OS", "1.0", "no end-of-life record for Acme Toaster OS 1.0"),
        ("OpenBSD", "OpenSSH", "9.6p1", "no end-of-life record for version 9.6p1"),
        ("Red Hat", "Enterprise Linux", None, "version not observed"),
        ("Microsoft", "IIS", "10.0", "no end-of-life record for version 10.0"),
    ],
)
def test_unknown_is_never_supported(
    db: EolDatabase, vendor: str, product: str, version: str | None, reason: str
) -> None:
    verdict = db.lifecycle(_identity(vendor, product, version), AS_OF)
    assert verdict.status == "unknown"
    assert reason in plain(verdict.reason)
    assert verdict.source is None


def test_same_identity_judged_in_2012_is_supported(db: EolDatabase) -> None:
    xp = _identity("Microsoft", "Windows XP", "5.1.2600")
    assert db.lifecycle(xp, D(2012, 1, 1)).status == "supported"
    assert db.lifecycle(xp, AS_OF).status == "eol"
    assert db.lifecycle(xp, D(2012, 1, 1)).eol_date == D(2014, 4, 8)


def test_windows_build_family_uses_the_versions_regex(db: EolDatabase) -> None:
    # 10.0.19045 must not pick the 10.0.19041 record, and vice versa.
    record = db.find("Microsoft", "Windows", "10.0.19045")
    assert record is not None and record.cycle == "10 22H2"
    record = db.find("Microsoft", "Windows", "10.0.19041")
    assert record is not None and "2004" in record.cycle
    assert db.find("Microsoft", "Windows", "10.0.99999") is None


# --- version -> cycle mapping: the examples beside each record ---------------------------


def _all_examples() -> list[Any]:
    return [
        pytest.param(record, example, id=f"{record.product}:{record.cycle}:{example}")
        for record in EolDatabase.load().records
        for example in record.examples
    ]


@pytest.mark.parametrize(("record", "example"), _all_examples())
def test_each_example_maps_to_its_own_record(
    db: EolDatabase, record: EolRecord, example: str
) -> None:
    assert db.find(record.vendor, record.product, example) == record


def test_every_bundled_record_has_an_example(db: EolDatabase) -> None:
    missing = [f"{r.vendor} {r.product} {r.cycle}" for r in db.records if not r.examples]
    assert missing == []


def test_eol_names_come_from_the_vocabulary(db: EolDatabase) -> None:
    import yaml

    from legacyscan.paths import fingerprints_dir

    vocabulary = yaml.safe_load((fingerprints_dir() / "vocabulary.yaml").read_text())["vendors"]
    unlisted = [
        f"{vendor} / {product}"
        for vendor, product in db.products()
        if product not in (vocabulary.get(vendor) or [])
    ]
    assert unlisted == []


# --- verdicts for chosen cycles and dates (expected values worked out by hand from the data) ---

VERDICTS = [
    # vendor, product, version, as-of, expected status
    ("Canonical", "Ubuntu", "14.04", "2019-04-02", "supported"),
    ("Canonical", "Ubuntu", "14.04", "2019-04-03", "extended"),  # ESM (Ubuntu Pro)
    ("Canonical", "Ubuntu", "14.04.6", "2024-04-03", "eol"),
    ("Canonical", "Ubuntu", "20.04", "2026-11-23", "extended"),
    ("Canonical", "Ubuntu", "24.04.1", "2026-11-23", "supported"),
    ("Debian", "Debian", "11", "2026-08-31", "supported"),  # last day of Debian LTS
    ("Debian", "Debian", "11.11", "2026-09-01", "eol"),
    ("Debian", "Debian", "12", "2026-11-23", "supported"),  # security team gone, LTS on
    ("SUSE", "Linux Enterprise Server", "12 SP5", "2026-11-23", "extended"),  # LTSS
    ("SUSE", "Linux Enterprise Server", "11.4", "2026-11-23", "eol"),
    ("CentOS", "CentOS Linux", "7.9", "2024-06-30", "supported"),
    ("CentOS", "CentOS Linux", "7.9", "2024-07-01", "eol"),  # no ELS for CentOS
    ("CentOS", "CentOS Linux", "8", "2022-01-01", "eol"),
    ("VMware", "ESXi", "6.7.0", "2026-11-23", "eol"),
    ("VMware", "ESXi", "7.0.3", "2025-10-02", "supported"),  # last day of general support
    ("VMware", "ESXi", "7.0.0", "2026-11-23", "eol"),  # technical guidance ships no patches
    ("VMware", "ESXi", "8.0.3", "2026-11-23", "supported"),
    ("VMware", "ESXi", "4.1.0", "2014-05-21", "supported"),  # last day of general support
    ("VMware", "ESXi", "4.1.0", "2026-11-23", "eol"),
    ("VMware", "ESX Server", "3.0.2", "2026-11-23", "eol"),
    ("Microsoft", "Windows NT", "4.0", "2002-06-30", "supported"),
    ("Microsoft", "Windows NT", "4.0", "2002-09-01", "unknown"),  # Workstation ended, Server not
    ("Microsoft", "Windows NT", "4.0", "2026-11-23", "eol"),
    ("Fortinet", "FortiOS", "5.2.13", "2026-11-23", "eol"),
    ("Fortinet", "FortiOS", "5.6.14", "2026-11-23", "unknown"),  # in neither source
    ("Palo Alto Networks", "PAN-OS", "5.0.6", "2026-11-23", "eol"),
    ("F5", "nginx", "1.18.0", "2021-01-01", "supported"),
    ("F5", "nginx", "1.18.0", "2026-11-23", "unknown"),  # distributions may patch it
    ("F5", "nginx", "1.11.13", "2017-04-25", "supported"),  # mainline, until 1.13.0
    ("F5", "nginx", "1.11.13", "2017-04-26", "unknown"),  # superseded; distributions may patch
    ("OpenSSL", "OpenSSL", "3.0.13", "2026-09-07", "supported"),
    ("OpenSSL", "OpenSSL", "1.0.2k", "2026-11-23", "unknown"),
    ("PHP", "PHP", "8.3.30", "2026-11-23", "supported"),
    ("Apache", "Tomcat", "7.0.109", "2026-11-23", "unknown"),
    ("Apache", "Tomcat", "8.5.100", "2024-03-31", "supported"),
    ("Apache", "Tomcat", "8.5.100", "2026-11-23", "unknown"),  # distributions may patch it
    ("Apache", "Tomcat", "9.0.108", "2026-11-23", "unknown"),  # no end announced, backports
    ("IBM", "AIX", "6.1.9", "2026-11-23", "eol"),
    ("IBM", "AIX", "7.2.5", "2026-11-23", "supported"),  # no EoSPS announced for 7.2 TL5
    ("IBM", "AIX", "7.3.2", "2026-11-30", "supported"),
    ("IBM", "AIX", "7.3.2", "2026-12-01", "eol"),
    ("IBM", "AIX", "7.1", "2026-11-23", "unknown"),  # no TL: cycle not known
    ("IBM", "AIX", "5.3.8", "2026-11-23", "unknown"),  # not recorded
    ("openSUSE", "Leap", "15.2", "2026-11-23", "eol"),
    ("openSUSE", "Leap", "15.6", "2026-04-30", "supported"),
    ("openSUSE", "Leap", "16.0", "2026-11-23", "supported"),
    ("Cisco", "NX-OS", "9.3(10)", "2026-04-07", "supported"),
    ("Cisco", "NX-OS", "9.3(10)", "2026-04-08", "eol"),
    ("Cisco", "NX-OS", "10.2(3)", "2026-11-23", "eol"),
    ("Cisco", "NX-OS", "10.4(3)F", "2026-11-23", "supported"),
    ("Cisco", "NX-OS", "7.0(8)N1(1)", "2026-11-23", "unknown"),  # train not recorded
    ("Oracle", "Java SE", "1.8.0_391", "2026-11-23", "extended"),
    (
        "Oracle",
        "Java SE",
        "1.6.0_45",
        "2026-11-23",
        "unknown",
    ),  # OpenJDK 6 builds are patched elsewhere
    ("Oracle", "Database", "11.2.0.4", "2019-06-01", "extended"),
    ("Oracle", "Database", "11.2.0.4", "2026-11-23", "eol"),
    ("Oracle", "Database", "19.3.0", "2026-11-23", "supported"),
    ("Oracle", "Solaris", "10", "2026-11-23", "extended"),
    ("Oracle", "Solaris", "9", "2026-11-23", "eol"),
    ("Oracle", "Solaris", "11", "2026-11-23", "unknown"),
    ("Fortinet", "FortiOS", "6.4.15", "2026-11-23", "eol"),
    ("Fortinet", "FortiOS", "v7.4.3", "2026-11-23", "supported"),
    ("Palo Alto Networks", "PAN-OS", "10.1.14-h20", "2026-11-23", "eol"),
    ("Palo Alto Networks", "PAN-OS", "11.2.10-h3", "2026-11-23", "supported"),
    ("Juniper", "Junos", "12.3X48-D35.7", "2022-06-30", "supported"),  # last day of support
    ("Juniper", "Junos", "12.3X48-D35.7", "2022-07-01", "unknown"),  # SRX1400-3600 run on
    ("Juniper", "Junos", "12.3X48-D35.7", "2022-12-02", "eol"),
    ("Juniper", "Junos", "12.3R12-S15", "2026-11-23", "eol"),  # 12.3, not 12.3X48
    ("Juniper", "Junos", "12.3R12-S15", "2020-01-01", "unknown"),  # ended, except on EX2200
    ("Juniper", "Junos", "14.1X53-D130.3", "2023-12-31", "supported"),  # extended release
    ("Juniper", "Junos", "14.1X53-D46", "2023-12-31", "eol"),
    ("Juniper", "Junos", "20.4R3-S4.8", "2026-11-23", "eol"),
    ("Juniper", "Junos", "23.4R2-S3", "2026-11-23", "supported"),
    ("Juniper", "Junos", "24.2R1", "2026-11-23", "unknown"),  # after the table read
    ("Cisco", "ASA", "9.1(7)16", "2018-08-25", "supported"),
    ("Cisco", "ASA", "9.1(7)16", "2018-08-26", "eol"),
    ("Cisco", "ASA", "9.10(1)", "2026-11-23", "eol"),  # 9.10 is not 9.1
    ("Cisco", "ASA", "9.8(1)5", "2026-11-23", "eol"),
    ("Cisco", "ASA", "9.16(4)", "2026-11-23", "unknown"),  # not in the table read
    ("Cisco", "IOS XE", "17.9.4a", "2026-07-29", "supported"),
    ("Cisco", "IOS XE", "17.9.4a", "2026-07-30", "eol"),
    ("Cisco", "IOS XE", "16.9.5", "2026-11-23", "unknown"),
    ("Cisco", "IOS", "12.2(55)SE7", "2026-11-23", "unknown"),
    ("Cisco", "IOS", "12.2(46a)", "2007-03-19", "supported"),  # 12.2 mainline
    ("Cisco", "IOS", "12.2(46a)", "2026-11-23", "eol"),
    ("Cisco", "IOS", "12.4(25f)", "2026-11-23", "eol"),
    ("Cisco", "IOS", "12.4(24)T8", "2026-11-23", "unknown"),  # 12.4T: not the mainline
    ("Cisco", "IOS", "12.0(7)T", "2026-11-23", "eol"),
    ("Microsoft", "Windows Embedded Standard 7", "6.1.7601", "2020-10-13", "supported"),
    ("Microsoft", "Windows Embedded Standard 7", "6.1.7601", "2026-11-23", "eol"),
    ("Microsoft", "Windows Embedded Compact 7", "7.0", "2026-11-23", "eol"),
    ("Microsoft", "Windows Embedded for Point of Service", "5.1.2600", "2016-04-13", "eol"),
    ("Microsoft", "Windows", "6.1.7601", "2026-11-23", "eol"),
    ("Microsoft", "Windows 10", "10.0.19045", "2026-11-23", "extended"),
    ("Microsoft", "SQL Server", "13.0.6300.2", "2026-11-23", "extended"),  # 2016 SP3 ESU
    ("Microsoft", "SQL Server", "13.0.5026.0", "2026-11-23", "eol"),  # 2016 SP2
    ("Microsoft", "SQL Server", "10.00.5861", "2026-11-23", "eol"),
    ("Microsoft", "SQL Server", "15.0.2000.5", "2026-11-23", "supported"),
    ("Microsoft", "SQL Server", "13.0", "2026-11-23", "unknown"),  # no build: SP unknown
]


@pytest.mark.parametrize(("vendor", "product", "version", "as_of", "status"), VERDICTS)
def test_verdict_for_chosen_cycles_and_dates(
    db: EolDatabase, vendor: str, product: str, version: str, as_of: str, status: str
) -> None:
    verdict = db.lifecycle(_identity(vendor, product, version), D.fromisoformat(as_of))
    assert verdict.status == status, plain(verdict.reason)


def test_dateless_cycle_is_named_but_unknown(db: EolDatabase) -> None:
    verdict = db.lifecycle(_identity("Cisco", "IOS", "12.2(55)SE7"), AS_OF)
    assert verdict.status == "unknown"
    assert verdict.cycle is not None and verdict.cycle.startswith("12.2")
    assert "no end-of-support date could be cited" in plain(verdict.reason)


def test_backports_never_turn_into_supported() -> None:
    record = _record(backports=True)
    assert status_on(record, D(2020, 1, 14)).status == "supported"
    later = status_on(record, D(2020, 1, 15))
    assert later.status == "unknown" and "backport" in plain(later.reason)
    paid = status_on(_record(backports=True, extended_end=D(2023, 1, 1)), D(2021, 1, 1))
    assert paid.status == "extended"


# --- hardware lifecycle records (fingerprints/eol-hardware/, read by no stage yet) ----------

_HARDWARE_KEYS = {
    "vendor",
    "family",
    "models",
    "sysobjectids",
    "end_of_sale",
    "last_support",
    "bulletin",
    "source",
    "checked",
    "note",
    "examples",
}


def _hardware_records() -> list[Any]:
    import yaml

    from legacyscan.paths import fingerprints_dir

    records = []
    for path in sorted((fingerprints_dir() / "eol-hardware").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for record in data["hardware"]:
            records.append(pytest.param(record, id=f"{path.stem}:{record.get('family')}"))
    return records


def test_hardware_records_exist() -> None:
    assert len(_hardware_records()) >= 20


@pytest.mark.parametrize("record", _hardware_records())
def test_hardware_record_is_sourced_dated_and_matches_its_examples(record: dict[str, Any]) -> None:
    import re

    import yaml

    from legacyscan.paths import fingerprints_dir

    assert set(record) <= _HARDWARE_KEYS, set(record) - _HARDWARE_KEYS
    vocabulary = yaml.safe_load((fingerprints_dir() / "vocabulary.yaml").read_text())["vendors"]
    assert record["vendor"] in vocabulary
    assert str(record["source"]).startswith("https://")
    assert isinstance(record["checked"], dt.date) and record["checked"] <= LAST_CHECKED
    end_of_sale, last_support = record.get("end_of_sale"), record.get("last_support")
    assert last_support is None or isinstance(last_support, dt.date)
    if end_of_sale is not None and last_support is not None:
        assert end_of_sale <= last_support
    if last_support is None:
        # a record without its last date of support must say why
        assert "policy" in record["note"] or "not found" in record["note"]
    pattern = re.compile(record["models"])
    assert record["examples"], "every record needs real model names the regex must match"
    for example in record["examples"]:
        assert pattern.search(example), example
    for oid in record.get("sysobjectids") or []:
        assert re.fullmatch(r"1\.3\.6\.1\.4\.1(\.\d+)+", oid), oid


# --- release histories (fingerprints/eol-releases/, for "superseded since" verdicts) --------


def test_release_histories_are_sourced_and_in_order() -> None:
    import re

    import yaml

    from legacyscan.paths import fingerprints_dir

    paths = sorted((fingerprints_dir() / "eol-releases").glob("*.yaml"))
    assert paths
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert str(data["source"]).startswith("https://"), path.name
        assert isinstance(data["checked"], dt.date) and data["checked"] <= LAST_CHECKED
        releases = data["releases"]
        versions = [str(r["version"]) for r in releases]
        assert len(set(versions)) == len(versions), path.name

        def key(version: str) -> tuple[int, ...]:
            return tuple(int(n) for n in re.findall(r"\d+", version))

        # listed in version order, and a later version is never released before an earlier one
        assert versions == sorted(versions, key=key), path.name
        dates = [r["released"] for r in releases]
        assert all(isinstance(d, dt.date) for d in dates), path.name
        assert dates == sorted(dates), path.name


def test_a_sysobjectid_names_one_hardware_family() -> None:
    seen: dict[str, str] = {}
    for param in _hardware_records():
        record = param.values[0]
        for oid in record.get("sysobjectids") or []:
            assert oid not in seen, f"{oid} in both {seen[oid]} and {record['family']}"
            seen[oid] = record["family"]
    # the hospital demo's Catalyst 2960 (tests/fixtures/snmprec/ward-switch.snmprec)
    assert seen["1.3.6.1.4.1.9.1.716"] == "Catalyst 2960"


def test_an_unknown_names_what_is_missing(db: EolDatabase) -> None:
    from legacyscan.lifecycle.database import EolDatabase as Db

    # a product lifecycle-gaps.yaml explains: its reason is in the sentence, as written
    jetdirect = db.lifecycle(_identity("HP", "JetDirect", "V.43.92"), AS_OF)
    assert jetdirect.status == "unknown"
    said = plain(jetdirect.reason)
    assert said.startswith("no end-of-life record for HP JetDirect V.43.92: JetDirect")
    # the French report does not quote the English data
    french = Language.load("fr").msg(jetdirect.reason)
    assert french == "aucune fiche de fin de vie pour HP JetDirect V.43.92"
    # without the gaps file the sentence only names the product
    bare = Db(db.records).lifecycle(_identity("HP", "JetDirect", "V.43.92"), AS_OF)
    assert plain(bare.reason) == "no end-of-life record for HP JetDirect V.43.92"
    maker = db.lifecycle(_identity("Polycom", "", None), AS_OF)
    assert plain(maker.reason) == (
        "only the maker (Polycom) is identified: no product or version to look up"
    )
