"""Property-based fuzzing of the scan side's parsers of user and device input.

The nmap XML decoder, gzip input, the scope parser (targets, exclusions, ranges, sizes),
target files, port lists, script names and a scan folder's stored request: any input
gives a result or one clean line of ``UserError``, never another exception, and every
example ends within the deadline (no hang, no address list materialised).  The scope
is also checked against netaddr's IPSet as an oracle.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from netaddr import IPRange, IPSet

from legacyscan.collect.nmap.chunkstore import FilesystemChunkStore
from legacyscan.collect.nmap.parse import parse_nmap_xml
from legacyscan.collect.nmap.plan import Authorisation, plan_request
from legacyscan.collect.nmap.profiles import check_scripts, nmap_data_dir, parse_ports
from legacyscan.collect.scope import build_scope, chunk_count, read_target_file, split
from legacyscan.errors import UserError
from legacyscan.files import gunzip_limited

FUZZ = settings(
    max_examples=150,
    deadline=3000,  # milliseconds per example: a hang or a materialised scope fails
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
LAB = Path(__file__).parent.parent / "fixtures" / "nmap" / "lab-minimal.xml"
VERSIONS = sorted((Path(__file__).parent.parent / "fixtures" / "nmap" / "versions").glob("*.xml"))


def _one_line(error: UserError) -> None:
    message = str(error)
    assert message and "\n" not in message and "Traceback" not in message


# --- nmap XML ----------------------------------------------------------------------------

_NAMES = ["nmaprun", "host", "status", "address", "hostnames", "hostname", "ports", "port",
          "state", "service", "cpe", "os", "osmatch", "osclass", "script", "hostscript",
          "elem", "table", "runstats", "finished", "extraports"]  # fmt: skip
_ATTRIBUTES = ["addr", "addrtype", "vendor", "state", "protocol", "portid", "name", "product",
               "version", "extrainfo", "ostype", "accuracy", "id", "output", "type", "osfamily",
               "osgen", "args", "conf", "method", "key"]  # fmt: skip
_VALUES = st.one_of(
    st.sampled_from(["up", "down", "open", "closed", "tcp", "udp", "ipv4", "ipv6", "mac",
                     "10.0.0.1", "fd00::1", "00:11:22:33:44:55", "22", "-5", "99999999999999999999",
                     "0", "65536", "abc", "", "7.93", "cpe:/o:microsoft:windows_xp"]),
    st.text(max_size=20),
)  # fmt: skip


def _xml_text(text: str) -> str:
    # Only characters XML 1.0 allows; the decoder's own job is the structure.
    allowed = "".join(
        c for c in text if c in "\t\n\r" or (" " <= c < "\ud800" or "\ue000" <= c < "\ufffe")
    )
    return allowed.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


@st.composite
def _element(draw: st.DrawFn, depth: int = 0) -> str:
    name = draw(st.sampled_from(_NAMES))
    attributes = draw(st.dictionaries(st.sampled_from(_ATTRIBUTES), _VALUES, max_size=4))
    attrs = "".join(f' {k}="{_xml_text(v)}"' for k, v in attributes.items())
    children = draw(st.lists(_element(depth + 1), max_size=3)) if depth < 4 else []
    text = _xml_text(draw(st.text(max_size=10)))
    return f"<{name}{attrs}>{text}{''.join(children)}</{name}>"


@st.composite
def _nmap_document(draw: st.DrawFn) -> bytes:
    body = "".join(draw(st.lists(_element(1), max_size=6)))
    version = _xml_text(draw(_VALUES))
    document = f'<?xml version="1.0"?><nmaprun scanner="nmap" version="{version}">{body}</nmaprun>'
    return document.encode("utf-8")


@st.composite
def _nmap_hosts(draw: st.DrawFn) -> bytes:
    """nmap's own layout with hostile values: reaches ports, services, OS and scripts."""

    def value() -> str:
        return _xml_text(draw(_VALUES))

    hosts = []
    for _ in range(draw(st.integers(1, 3))):
        ports = "".join(
            f'<port protocol="{draw(st.sampled_from(["tcp", "udp", value()]))}" '
            f'portid="{draw(st.one_of(st.integers(-(10**20), 10**20), st.integers(1, 65535)))}">'
            f'<state state="{draw(st.sampled_from(["open", "open", "closed", value()]))}"/>'
            f'<service name="{value()}" product="{value()}" version="{value()}" '
            f'conf="{value()}"><cpe>{value()}</cpe></service>'
            f'<script id="{value()}" output="{value()}"/></port>'
            for _ in range(draw(st.integers(0, 3)))
        )
        os_part = (
            f'<os><osmatch name="{value()}" accuracy="{value()}"><osclass type="{value()}" '
            f'vendor="{value()}" osfamily="{value()}" osgen="{value()}" accuracy="{value()}">'
            f"<cpe>{value()}</cpe></osclass></osmatch></os>"
        )
        hosts.append(
            f'<host><status state="{draw(st.sampled_from(["up", value()]))}"/>'
            f'<address addr="{draw(st.sampled_from(["10.0.0.1", "fd00::1", value()]))}" '
            f'addrtype="{draw(st.sampled_from(["ipv4", "ipv6", value()]))}"/>'
            f'<address addr="{value()}" addrtype="mac" vendor="{value()}"/>'
            f'<hostnames><hostname name="{value()}"/></hostnames><ports>{ports}</ports>'
            f'{os_part}<hostscript><script id="{value()}" output="{value()}"/></hostscript></host>'
        )
    return (
        f'<?xml version="1.0"?><nmaprun args="{value()}" version="{value()}">'
        f"{''.join(hosts)}</nmaprun>"
    ).encode()


def _decode(data: bytes) -> None:
    try:
        run = parse_nmap_xml(data, "fuzz.xml")
    except UserError as error:
        _one_line(error)
        return
    for host in run.hosts:
        assert all(isinstance(s.port, int) for s in host.services)


@FUZZ
@given(st.binary(max_size=2000))
def test_nmap_xml_random_bytes(data: bytes) -> None:
    _decode(data)


@FUZZ
@given(_nmap_document())
def test_nmap_xml_structured_documents(data: bytes) -> None:
    _decode(data)


@FUZZ
@given(_nmap_hosts())
def test_nmap_xml_hosts_with_hostile_values(data: bytes) -> None:
    _decode(data)


@FUZZ
@given(
    st.sampled_from([LAB, *VERSIONS]),
    st.floats(0, 1),
    st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=5),
)
def test_nmap_xml_real_files_cut_and_flipped(
    path: Path, cut: float, flips: list[tuple[float, int]]
) -> None:
    data = bytearray(path.read_bytes())
    for where, byte in flips:
        data[int(where * (len(data) - 1))] = byte
    _decode(bytes(data[: max(1, int(cut * len(data)))]))


@FUZZ
@given(st.sampled_from(["<!DOCTYPE x [<!ENTITY a 'aaaa'>]><nmaprun>&a;</nmaprun>",
                        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><nmaprun>&e;</nmaprun>',
                        "<nmaprun>" + "<host>" * 5000]),
       st.text(max_size=30))  # fmt: skip
def test_nmap_xml_entities_and_depth_are_refused_cleanly(document: str, tail: str) -> None:
    _decode((document + _xml_text(tail)).encode())


@FUZZ
@given(st.binary(max_size=300), st.integers(1, 5000))
def test_gzip_input_is_bounded_or_refused(tail: bytes, limit: int) -> None:
    for data in (b"\x1f\x8b" + tail, gzip.compress(tail) + tail[:10]):
        try:
            out = gunzip_limited(data, limit, "fuzz.gz")
        except UserError as error:
            _one_line(error)
        else:
            assert len(out) <= limit


# --- scope -------------------------------------------------------------------------------

_OCTET = st.integers(0, 255)
_V4 = st.builds(lambda a, b: f"127.{a}.{b}.", _OCTET, _OCTET)


@st.composite
def _target(draw: st.DrawFn) -> str:
    base = draw(st.sampled_from(["127.0.0.", "127.0.1.", "10.9.8.", "192.168.1."]))
    first = draw(_OCTET)
    kind = draw(st.sampled_from(["address", "cidr", "range", "octets"]))
    if kind == "address":
        return f"{base}{first}"
    if kind == "cidr":
        return f"{base}{first}/{draw(st.integers(22, 32))}"
    last = draw(_OCTET)
    return f"{base}{first}-{base}{last}" if kind == "range" else f"{base}{first}-{last}"


def _oracle(target: str) -> IPSet:
    if "-" in target:
        first, last = target.split("-")
        if "." not in last:
            last = first.rsplit(".", 1)[0] + "." + last
        return IPSet(IPRange(first, last))
    return IPSet([target])


@FUZZ
@given(st.lists(_target(), min_size=1, max_size=8), st.lists(_target(), max_size=4))
def test_scope_matches_netaddr_and_chunks_cover_it(targets: list[str], excluded: list[str]) -> None:
    try:
        expected = IPSet()
        for target in targets:
            expected |= _oracle(target)
        for item in excluded:
            expected -= _oracle(item)
    except Exception:  # noqa: BLE001 -- netaddr refuses it (a backwards range): so must we
        expected = None
    try:
        scope = build_scope(tuple(targets), max_hosts=10**6, exclude=tuple(excluded))
    except UserError as error:
        _one_line(error)
        assert expected is None or expected.size == 0, (targets, excluded, str(error))
        return
    assert expected is not None
    assert IPSet(scope.targets) == expected and scope.address_count == expected.size
    for size in (1, 7, 256):
        chunks = split(scope, size)
        assert len(chunks) == chunk_count(scope, size)
        covered = IPSet([t for c in chunks for t in c.targets])
        assert covered == expected and sum(c.address_count for c in chunks) == expected.size


_ODD_TARGETS = st.sampled_from(
    ["0.0.0.0/0", "::/0", "8.8.8.8", "fd00::/8", "127.0.0.1-", "-", "1-2-3", "127.0.0.1/33",
     "127.0.0.1 - 127.0.0.3", "fe80::1%eth0", "::ffff:127.0.0.1", "127.1", "0x7f.0.0.1",
     "127.0.0.1/255.255.255.0", "\x00", "127.0.0.5-1", "127.0.0.1-999"]
)  # fmt: skip


@FUZZ
@given(
    st.lists(st.one_of(st.text(max_size=40), _target(), _ODD_TARGETS), min_size=1, max_size=5),
    st.booleans(),
    st.integers(1, 10**12),
)
def test_any_target_text_gives_a_scope_or_one_line(
    targets: list[str], allow_public: bool, max_hosts: int
) -> None:
    try:
        scope = build_scope(tuple(targets), allow_public, max_hosts)
    except UserError as error:
        _one_line(error)
        return
    assert 0 < scope.address_count <= max_hosts
    assert chunk_count(scope, 256) >= 1
    assert len(split(scope, 256, limit=3)) <= 3  # a preview never makes the whole list


@FUZZ
@given(st.binary(max_size=500))
def test_any_target_file_gives_targets_or_one_line(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "targets.txt"
    path.write_bytes(content)
    try:
        found = read_target_file(path)
    except UserError as error:
        _one_line(error)
        return
    assert all(isinstance(t, str) and t for t in found)


@FUZZ
@given(st.text(max_size=40))
def test_any_port_list_gives_ports_or_one_line(spec: str) -> None:
    try:
        ports = parse_ports(spec)
    except UserError as error:
        _one_line(error)
        return
    assert ports and all(0 < p < 65536 for p in ports)


needs_nmap = pytest.mark.skipif(nmap_data_dir() is None, reason="nmap's script.db is needed")


_ODD_SCRIPTS = st.sampled_from(
    ["http-title", "ssl-cert", "dicom-brute", "dicom-ping", "vuln", "/tmp/x.nse", "http-*",
     "not safe", "ssh-hostkey.nse", "http-title,ssl-cert", "smb-vuln-ms17-010"]
)  # fmt: skip


@needs_nmap
@FUZZ
@given(st.lists(st.one_of(st.text(max_size=30), _ODD_SCRIPTS), max_size=3))
def test_any_script_list_gives_names_or_one_line(scripts: list[str]) -> None:
    try:
        checked = check_scripts(tuple(scripts))
    except UserError as error:
        _one_line(error)
        return
    assert all(name.replace("-", "").replace("_", "").isalnum() for name in checked)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.text(max_size=15),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)  # fmt: skip
_REQUEST_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "targets": st.one_of(_JSON, st.lists(_target(), max_size=3)),
        "exclude": st.one_of(_JSON, st.lists(_target(), max_size=2)),
        "profile": st.one_of(_JSON, st.sampled_from(["clinical-safe", "standard", "thorough"])),
        "scripts": _JSON,
        "tcp_ports": st.one_of(_JSON, st.lists(st.integers(-5, 70000), max_size=4)),
        "allow_printer_ports": _JSON,
        "chunk_size": st.one_of(_JSON, st.integers(-1, 300)),
        "parallel": st.one_of(_JSON, st.integers(-1, 100)),
    },
)


@needs_nmap
@FUZZ
@given(st.one_of(_JSON, st.builds(lambda r: {"request": r}, _REQUEST_FIELDS)))
def test_any_stored_plan_gives_a_checked_plan_or_one_line(tmp_path: Path, data: object) -> None:
    folder = tmp_path / "nmap"
    folder.mkdir(exist_ok=True)
    (folder / "plan.json").write_text(json.dumps(data))
    try:
        request = FilesystemChunkStore(folder).load_request()
        assume(request is not None)
        assert request is not None
        plan = plan_request(request, Authorisation(), as_root=False)
    except UserError as error:
        _one_line(error)
        return
    # What passed went through every guard: private, bounded, no printer port, plain names.
    assert plan.address_count <= 65_536 and not plan.public
    for chunk in plan.chunks:
        assert chunk.argv[0] == "nmap" and "-oN" not in chunk.argv
        assert "--exclude-ports" in chunk.argv


CLI = settings(FUZZ, max_examples=40)


@CLI
@given(
    st.lists(st.one_of(_target(), _ODD_TARGETS, st.text(min_size=1, max_size=20)), max_size=3),
    st.lists(_ODD_SCRIPTS, max_size=2),
    st.one_of(st.none(), st.text(max_size=12), st.sampled_from(["22,9100", "0", "1-65535"])),
)
def test_scan_dry_run_answers_or_refuses_in_one_line(
    targets: list[str], scripts: list[str], ports: str | None
) -> None:
    from clirun import run

    args = ["scan", "--dry-run", *(["--"] if targets else []), *targets]
    options = [f"--script={s}" for s in scripts] + ([f"--ports={ports}"] if ports else [])
    result = run(*args[:2], *options, *args[2:])
    assert result.returncode in (0, 2), result.stderr
    if result.returncode:
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith("error: ") and "internal error" not in line
    else:
        assert "dry run: nothing was sent" in result.stdout
