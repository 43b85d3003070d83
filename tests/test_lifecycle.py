"""End-of-life records and verdicts, always judged for an explicit as-of date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from legacyscan.lifecycle import EolDatabase, EolDataError, load_records, parse_record, status_on
from legacyscan.model import EolRecord, Evidence, Identity

AS_OF = dt.date(2026, 11, 23)
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
    assert "2020-01-14" in between.reason and "2023-01-10" in between.reason
    assert status_on(record, D(2023, 1, 10)).status == "unknown"
    assert status_on(record, D(2023, 1, 11)).status == "eol"


def test_extended_while_a_paid_extension_runs() -> None:
    record = _record(extended_end=D(2023, 1, 10))
    verdict = status_on(record, D(2022, 6, 1))
    assert verdict.status == "extended"
    assert verdict.extended_end == D(2023, 1, 10)
    assert "paid extension" in verdict.reason
    assert status_on(record, D(2023, 1, 10)).status == "extended"
    assert status_on(record, D(2023, 1, 11)).status == "eol"


def test_eol_after_everything() -> None:
    verdict = status_on(_record(extended_end=D(2023, 1, 10)), AS_OF)
    assert verdict.status == "eol"
    assert "2020-01-14" in verdict.reason


def test_no_end_announced_is_supported() -> None:
    record = _record(security_end=None, support_end=None, no_end_announced=True)
    verdict = status_on(record, D(2100, 1, 1))
    assert verdict.status == "supported"
    assert verdict.eol_date is None
    assert "no end" in verdict.reason


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
        pytest.param(_raw(security_end=None), "security_end is required", id="no-end"),
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
        assert record.checked <= AS_OF, label
        assert record.security_end is not None or record.no_end_announced, label
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
    assert verdict.status == status, verdict.reason
    assert verdict.source is not None and verdict.source.startswith("https://")


@pytest.mark.parametrize(
    ("vendor", "product", "version", "reason"),
    [
        ("Acme", "Toaster OS", "1.0", "no end-of-life record for this product"),
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
    assert reason in verdict.reason
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
