"""Walk files as a hostile or broken device or consultant may hand them over.

Whatever the bytes, reading a walk file gives a device or one clean ``WalkFileError``
line, never another exception and never a hang; a line that cannot be decoded is a
warning naming its line.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from legacyscan.collect.snmp.walkfile import WalkFileError, parse_snmprec, parse_snmpwalk, read_walk

OIDS = st.sampled_from(
    [".1.3.6.1.2.1.1.1.0", ".1.3.6.1.2.1.1.2.0", ".1.3.6.1.2.1.1.5.0", "iso.3.6.1.2.1.1.3.0",
     ".1.3.6.1.2.1.4.20.1.1.10.0.0.1", ".1.3.6.1.2.1.25.6.3.1.2.1", "SNMPv2-MIB::sysName.0"]
)  # fmt: skip
TYPES = st.sampled_from(
    ["STRING", "Hex-STRING", "OID", "INTEGER", "Timeticks", "IpAddress", "Counter32", "Gauge32",
     "BITS", "Opaque", "Network Address", "Wrong Type"]
)  # fmt: skip
#: the characters that matter to the reader: quotes, backslashes, hex digits, line ends
TEXT = st.text(
    alphabet=st.sampled_from('ab"\\ 0123456789AFaf.:()=-|\r\x85\u2028é\x00\x1b\x07'), max_size=30
)
WALK_LINE = st.one_of(
    st.builds(lambda o, t, v: f"{o} = {t}: {v}", OIDS, TYPES, TEXT),
    st.builds(lambda o, v: f'{o} = STRING: "{v}', OIDS, TEXT),
    st.builds(lambda o: f"{o} = No more variables left in this MIB View", OIDS),
    TEXT,
)
TAGS = st.sampled_from(
    ["2", "4", "4x", "6", "64", "64x", "65", "66", "67", "68", "70", "5", "128", "x", "",
     "2:numeric", "4:writecache", "67:delay", "4:"]
)  # fmt: skip
SNMPREC_LINE = st.one_of(
    st.builds(lambda o, t, v: f"{o.lstrip('.')}|{t}|{v}", OIDS, TAGS, TEXT),
    st.builds(lambda o, t, v: f"{o}|{t}|value={v},rate=1", OIDS, TAGS, TEXT),
    TEXT,
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _one_line(exc: Exception) -> None:
    # printable: a line of the file quoted raw could carry a terminal escape sequence
    assert str(exc) and str(exc).isprintable(), repr(str(exc))


@FUZZ
@given(st.lists(WALK_LINE, max_size=12))
def test_snmpwalk_text_gives_values_or_one_error_line(lines: list[str]) -> None:
    warnings: list[str] = []
    try:
        values = parse_snmpwalk([line + "\n" for line in lines], "f.walk", warnings.append)
    except WalkFileError as exc:
        _one_line(exc)
    else:
        assert all(isinstance(v, bytes | str | int | type(None)) for v in values.values())
    assert all(w.startswith("f.walk, line ") and w.isprintable() for w in warnings)


@FUZZ
@given(st.lists(SNMPREC_LINE, max_size=12))
def test_snmprec_never_fails_a_whole_file(lines: list[str]) -> None:
    warnings: list[str] = []
    values = parse_snmprec(lines, "f.snmprec", warnings.append)
    assert all(isinstance(v, bytes | str | int | type(None)) for v in values.values())
    assert all(w.startswith("f.snmprec, line ") and w.isprintable() for w in warnings)


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=300),
        st.lists(st.one_of(WALK_LINE, SNMPREC_LINE), max_size=10).map(
            lambda ls: "\n".join(ls).encode("latin-1", errors="replace")
        ),
    )
)
# found by this test: an interface address row whose value is no address
@example(b"1.3.6.1.2.1.1.1.0 = S:0\n1.3.6.1.2.1.4.20.1.1.1 = OID:")
def test_any_file_gives_a_device_or_one_error_line(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "device.walk"
        path.write_bytes(data)
        try:
            host = read_walk(path)
        except WalkFileError as exc:
            _one_line(exc)
        else:
            assert host.snmp is not None


def test_many_open_quotes_are_read_in_linear_time() -> None:
    # every record opens a quote that never closes, then a long value with no quote: no
    # record may rescan the rest of the file
    lines = [f'.1.3.6.1.2.1.25.6.3.1.2.{n} = STRING: "open \\\\\\" {n}\n' for n in range(20_000)]
    lines += [f"text {n} \\\\ with no quote\n" for n in range(20_000)] + ['end"\n']
    started = time.monotonic()
    warnings: list[str] = []
    values = parse_snmpwalk(lines, "open.walk", warnings.append)
    assert time.monotonic() - started < 10
    assert len(values) == 20_000 and len(warnings) == 19_999  # the last one closes
    assert values["1.3.6.1.2.1.25.6.3.1.2.7"] == b'open \\" 7'


# --- a hostile agent's tables: the decoder a live poll uses too ---------------------------

_TABLES = [
    "1.3.6.1.2.1.47.1.1.1.1", "1.3.6.1.2.1.25.6.3.1", "1.3.6.1.2.1.25.3.2.1", "1.3.6.1.2.1.2.2.1",
    "1.3.6.1.2.1.31.1.1.1", "1.3.6.1.2.1.4.20.1", "1.3.6.1.2.1.4.34.1", "1.3.6.1.2.1.4.22.1",
    "1.3.6.1.2.1.4.35.1", "1.3.6.1.2.1.17.1.4.1", "1.3.6.1.2.1.17.4.3.1",
    "1.3.6.1.2.1.17.7.1.2.2.1",
    "1.3.6.1.2.1.17.7.1.4.2.1", "1.3.6.1.2.1.17.7.1.4.3.1", "1.0.8802.1.1.2.1.3.7.1",
    "1.0.8802.1.1.2.1.4.1.1", "1.0.8802.1.1.2.1.4.2.1", "1.3.6.1.4.1.9.9.23.1.2.1.1",
    "1.3.6.1.2.1.6.13.1", "1.3.6.1.2.1.6.19.1",
]  # fmt: skip
#: indices shared by the columns of a row (so rows form), and odd ones
_INDEX = st.one_of(
    st.sampled_from(
        [
            "",
            ".1",
            ".2",
            ".1.4",
            ".10.0.0.1",
            ".1.4.127.0.0.1",
            ".2.16.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.1",
            ".0.1.1",
            ".1.6.0.27.44.61.78.65",
            ".5.0.27.44.61.78.65",
            ".0.1.2",
            ".1.4.10.0.0.1.22.1.4.10.0.0.2.80",
            ".4294967296",
            ".1.300.1.1.1",
        ]
    ),
    st.lists(st.integers(0, 2**32 + 5), max_size=8).map(lambda ps: "".join(f".{p}" for p in ps)),
)
_VALUE = st.one_of(
    st.none(), st.integers(-(2**64), 2**64), st.binary(max_size=20),
    st.text(alphabet="0123456789.:abcdef-/ ", max_size=20),
)  # fmt: skip
_TABLE_VALUES = st.dictionaries(
    st.builds(
        lambda table, column, index: f"{table}.{column}{index}",
        st.sampled_from(_TABLES),
        st.integers(1, 12),
        _INDEX,
    ),
    _VALUE,
    max_size=40,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TABLE_VALUES)
# found by this test: an ipAddressPrefix pointer whose last arc is empty
@example({"1.3.6.1.2.1.4.34.1.5.1.4.127.0.0.1": "."})
@example({"1.3.6.1.2.1.4.34.1.5.1.4.127.0.0.1": "1.3.99999999999999999999"})
def test_any_table_values_decode_without_an_exception(values: dict[str, object]) -> None:
    from legacyscan.collect.snmp import mib_decode

    mib_decode.decode_tables(values)  # type: ignore[arg-type]
    mib_decode.system_from_values(values)  # type: ignore[arg-type]


def test_a_number_of_ten_thousand_digits_is_a_warning_not_a_crash() -> None:
    digits = "9" * 10_000
    warnings: list[str] = []
    values = parse_snmpwalk(
        [
            '.1.3.6.1.2.1.1.1.0 = STRING: "ok"',
            f".1.3.6.1.2.1.1.7.0 = INTEGER: {digits}",
            f".1.3.6.1.2.1.1.3.0 = Timeticks: ({digits}) 0:00:00.00",
        ],
        "big.walk",
        warnings.append,
    )
    assert values == {"1.3.6.1.2.1.1.1.0": b"ok"}
    assert len(warnings) == 2 and all("not an integer" in w for w in warnings)
    snmprec = parse_snmprec([f"1.3.6.1.2.1.1.7.0|2|{digits}"], "big.snmprec", warnings.append)
    assert snmprec == {}


def test_a_warning_never_carries_a_raw_control_character() -> None:
    warnings: list[str] = []
    parse_snmprec(
        ["1.3.6.1.2.1.1.1.0|\x1b]0;owned\x07|x", "1.3.6.1.2.1.1.5.0|4:\x1b[2J|rate=1"],
        "e.snmprec",
        warnings.append,
    )
    assert len(warnings) == 2
    assert not any(c in w for w in warnings for c in "\x1b\x07")
