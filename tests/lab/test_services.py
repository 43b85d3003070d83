"""Tests for the simulated hospital services (legacyscan.lab.services).

Every server here listens on 127.42.250.x only; the clients are plain sockets,
plus one lab test that runs the real nmap against the listeners.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from labports import unused_port, unused_ports

from legacyscan.lab import services
from legacyscan.lab.services import ListenerSpec

REPO = Path(__file__).resolve().parents[2]
# One address per test run, so parallel runs on the same machine rarely clash.
ADDRESS = f"127.42.250.{random.randint(2, 254)}"
DICOM_UID = "1.2.826.0.1.3680043.9.7433.1"
DICOM_VERSION = "LAB_PACS_1"


@contextlib.contextmanager
def running(specs: Sequence[ListenerSpec]) -> Iterator[None]:
    """Run serve() in a thread for the duration of the block; always stopped."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    outcome: list[OSError | None] = []
    tasks: list[asyncio.Task[None]] = []

    async def runner() -> None:
        ready = asyncio.Event()
        task = asyncio.create_task(services.serve(specs, ready))
        tasks.append(task)
        waiter = asyncio.create_task(ready.wait())
        await asyncio.wait([task, waiter], return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        started.set()
        try:
            await task
        except asyncio.CancelledError:
            outcome.append(None)
        except OSError as exc:  # a bind error, re-raised in the test thread
            outcome.append(exc)

    thread = threading.Thread(target=loop.run_until_complete, args=(runner(),))
    thread.start()
    try:
        assert started.wait(10), "serve() did not bind in time"
        if outcome and outcome[0] is not None:
            raise outcome[0]
        yield
    finally:
        if tasks and not tasks[0].done():
            loop.call_soon_threadsafe(tasks[0].cancel)
        thread.join(15)
        assert not thread.is_alive(), "serve() did not stop"
        loop.close()


def connect(port: int, address: str = ADDRESS) -> socket.socket:
    sock = socket.create_connection((address, port), timeout=5)
    return sock


def recv_until(sock: socket.socket, marker: bytes, limit: int = 65536) -> bytes:
    data = b""
    while marker not in data and len(data) < limit:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def recv_all(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(4096):
        data += chunk
    return data


KINDS = ("ssh", "telnet", "http", "sip", "rdp", "rdp_hybrid", "dicom", "hl7", "silent")
PORTS = dict(zip(KINDS, unused_ports(ADDRESS, len(KINDS)), strict=True))


def lab_specs() -> list[ListenerSpec]:
    return [
        ListenerSpec(ADDRESS, PORTS["ssh"], "banner", {"banner": "SSH-2.0-OpenSSH_4.3"}),
        ListenerSpec(
            ADDRESS,
            PORTS["telnet"],
            "telnet",
            {"banner": "\r\n\r\nUser Access Verification\r\n\r\nPassword: "},
        ),
        ListenerSpec(
            ADDRESS,
            PORTS["http"],
            "http",
            {"server": "Apache/2.2.3 (CentOS)", "title": "PACS Web Viewer"},
        ),
        ListenerSpec(
            ADDRESS,
            PORTS["sip"],
            "sip",
            {"user_agent": "PolycomRealPresenceGroup500/6.2.2.3"},
        ),
        ListenerSpec(ADDRESS, PORTS["rdp"], "rdp", {}),
        ListenerSpec(ADDRESS, PORTS["rdp_hybrid"], "rdp", {"protocol": "hybrid"}),
        ListenerSpec(
            ADDRESS,
            PORTS["dicom"],
            "dicom",
            {
                "implementation_class_uid": DICOM_UID,
                "implementation_version": DICOM_VERSION,
            },
        ),
        ListenerSpec(ADDRESS, PORTS["hl7"], "hl7", {"app": "LABHIS"}),
        ListenerSpec(ADDRESS, PORTS["silent"], "silent", {}),
    ]


@pytest.fixture(scope="module")
def lab() -> Iterator[None]:
    # Another process may still take a port between the check and the bind: try fresh ones.
    for attempt in range(5):
        try:
            with running(lab_specs()):
                yield
            return
        except services.ListenerBindError:
            if attempt == 4:
                raise
            PORTS.update(zip(KINDS, unused_ports(ADDRESS, len(KINDS)), strict=True))


# --- specs and config -------------------------------------------------------


@pytest.mark.parametrize(
    "address", ["10.0.0.5", "192.168.1.10", "0.0.0.0", "::1", "localhost", "8.8.8.8"]
)
def test_non_loopback_address_is_refused(address: str) -> None:
    with pytest.raises(ValueError, match="loopback|not an IP"):
        ListenerSpec(address, 22, "banner", {"banner": "SSH-2.0-x"})


def test_spec_is_frozen_hashable_and_copies_params() -> None:
    params = {"banner": "SSH-2.0-OpenSSH_4.3"}
    spec = ListenerSpec("127.42.0.3", 22, "banner", params)
    params["banner"] = "changed"
    assert spec.params["banner"] == "SSH-2.0-OpenSSH_4.3"
    assert hash(spec) == hash(ListenerSpec("127.42.0.3", 22, "banner", spec.params))
    with pytest.raises(AttributeError):
        spec.port = 23  # type: ignore[misc]
    with pytest.raises(TypeError):
        spec.params["banner"] = "x"  # type: ignore[index]


@pytest.mark.parametrize(
    ("kind", "params", "message"),
    [
        ("gopher", {}, "kind"),
        ("http", {"server": "x"}, "title"),
        ("sip", {"user_agent": "a\r\nX-Evil: 1"}, "one line"),
        ("rdp", {"protocol": "tls13"}, "protocol"),
        (
            "dicom",
            {"implementation_class_uid": "abc", "implementation_version": "v"},
            "UID",
        ),
    ],
)
def test_bad_spec_is_refused(kind: str, params: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ListenerSpec("127.42.0.3", 1000, kind, params)


def test_load_specs(tmp_path: Path) -> None:
    config = tmp_path / "lab.json"
    config.write_text(
        json.dumps(
            {
                "listeners": [
                    {
                        "address": "127.42.10.11",
                        "port": 22,
                        "kind": "banner",
                        "params": {"banner": "SSH-2.0-OpenSSH_4.3"},
                    },
                    {"address": "127.42.10.11", "port": 445, "kind": "silent"},
                ]
            }
        )
    )
    specs = services.load_specs(config)
    assert [(s.address, s.port, s.kind) for s in specs] == [
        ("127.42.10.11", 22, "banner"),
        ("127.42.10.11", 445, "silent"),
    ]
    config.write_text(
        json.dumps({"listeners": [{"address": "10.1.1.1", "port": 22, "kind": "silent"}]})
    )
    with pytest.raises(ValueError, match="listener 0: .*loopback"):
        services.load_specs(config)


# --- each kind, with a plain socket -----------------------------------------


def test_banner(lab: None) -> None:
    with connect(PORTS["ssh"]) as sock:
        assert recv_until(sock, b"\n") == b"SSH-2.0-OpenSSH_4.3\r\n"


def test_telnet(lab: None) -> None:
    with connect(PORTS["telnet"]) as sock:
        data = recv_until(sock, b"Password: ")
    assert data.startswith(b"\xff\xfb\x01\xff\xfb\x03\xff\xfd\x18\xff\xfd\x1f")
    assert data.endswith(b"User Access Verification\r\n\r\nPassword: ")


def test_http(lab: None) -> None:
    with connect(PORTS["http"]) as sock:
        sock.sendall(b"GET / HTTP/1.0\r\nHost: x\r\n\r\n")
        response = recv_all(sock)
    head, _, body = response.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "HTTP/1.1 200 OK"
    assert "Server: Apache/2.2.3 (CentOS)" in lines
    assert "Connection: close" in lines
    assert f"Content-Length: {len(body)}" in lines
    assert b"<title>PACS Web Viewer</title>" in body


def test_http_garbage_and_oversized_head_get_400(lab: None) -> None:
    for request in (b"\x16\x03\x01garbage\r\n\r\n", b"A" * 20000):
        with connect(PORTS["http"]) as sock:
            sock.sendall(request)
            response = recv_until(sock, b"</html>")
        assert response.startswith(b"HTTP/1.1 400 Bad Request\r\n")
        assert b"Server: Apache/2.2.3 (CentOS)\r\n" in response


def test_sip_options(lab: None) -> None:
    request = (
        "OPTIONS sip:nm SIP/2.0\r\nVia: SIP/2.0/TCP nm;branch=foo\r\n"
        "From: <sip:nm@nm>;tag=root\r\nTo: <sip:nm2@nm2>\r\nCall-ID: 50000\r\n"
        "CSeq: 42 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
    )
    with connect(PORTS["sip"]) as sock:
        sock.sendall(b"\r\n\r\n" + request.encode())  # keep-alive first
        response = recv_until(sock, b"\r\n\r\n").decode()
    lines = response.split("\r\n")
    assert lines[0] == "SIP/2.0 200 OK"
    assert "Via: SIP/2.0/TCP nm;branch=foo" in lines
    assert "From: <sip:nm@nm>;tag=root" in lines
    assert any(line.startswith("To: <sip:nm2@nm2>;tag=") for line in lines)
    assert "Call-ID: 50000" in lines and "CSeq: 42 OPTIONS" in lines
    # No space after the colon: what the real device sends and nmap expects.
    assert "User-Agent:PolycomRealPresenceGroup500/6.2.2.3" in lines
    assert any(line.startswith("Allow: ") for line in lines)
    assert "Content-Length: 0" in lines


# X.224 Connection Request with RDP_NEG_REQ (SSL|HYBRID), as nmap sends it.
RDP_REQUEST = b"\x03\x00\x00*%\xe0\x00\x00\x00\x00\x00Cookie: mstshash=nmap\r\n" + (
    b"\x01\x00\x08\x00\x03\x00\x00\x00"
)


def test_rdp_legacy_confirm(lab: None) -> None:
    with connect(PORTS["rdp"]) as sock:
        sock.sendall(RDP_REQUEST)
        assert recv_until(sock, b"\x34\x00") == b"\x03\x00\x00\x0b\x06\xd0\x00\x00\x12\x34\x00"


def test_rdp_negotiated_confirm(lab: None) -> None:
    with connect(PORTS["rdp_hybrid"]) as sock:
        sock.sendall(RDP_REQUEST)
        data = recv_until(sock, b"\x02\x00\x00\x00")
    assert data == (b"\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00\x02\x1f\x08\x00\x02\x00\x00\x00")


def dicom_item(item_type: int, value: bytes) -> bytes:
    return struct.pack(">BBH", item_type, 0, len(value)) + value


def associate_rq(called: bytes = b"ANY-SCP", calling: bytes = b"ECHOSCU") -> bytes:
    context = b"\x01\x00\x00\x00" + dicom_item(0x30, b"1.2.840.10008.1.1")
    context += dicom_item(0x40, b"1.2.840.10008.1.2") + dicom_item(0x40, b"1.2.840.10008.1.2.1")
    body = struct.pack(">HH", 1, 0) + called.ljust(16) + calling.ljust(16) + bytes(32)
    body += dicom_item(0x10, b"1.2.840.10008.3.1.1.1") + dicom_item(0x20, context)
    body += dicom_item(0x50, dicom_item(0x51, struct.pack(">I", 16384)))
    return struct.pack(">BBI", 1, 0, len(body)) + body


def read_pdu(sock: socket.socket) -> tuple[int, bytes]:
    header = b""
    while len(header) < 6:
        chunk = sock.recv(6 - len(header))
        assert chunk, "connection closed before a PDU"
        header += chunk
    pdu_type, _, length = struct.unpack(">BBI", header)
    body = b""
    while len(body) < length:
        chunk = sock.recv(length - len(body))
        assert chunk, "connection closed inside a PDU"
        body += chunk
    return pdu_type, body


def test_dicom_associate_and_release(lab: None) -> None:
    with connect(PORTS["dicom"]) as sock:
        sock.sendall(associate_rq())
        pdu_type, body = read_pdu(sock)
        assert pdu_type == 0x02
        assert body[4:20] == b"ANY-SCP".ljust(16) and body[20:36] == b"ECHOSCU".ljust(16)
        assert dicom_item(0x10, b"1.2.840.10008.3.1.1.1") in body
        # Context 1 accepted (result 0) with the first transfer syntax.
        accepted = b"\x01\x00\x00\x00" + dicom_item(0x40, b"1.2.840.10008.1.2")
        assert dicom_item(0x21, accepted) in body
        assert dicom_item(0x52, DICOM_UID.encode()) in body
        assert dicom_item(0x55, DICOM_VERSION.encode()) in body
        sock.sendall(struct.pack(">BBI", 5, 0, 4) + bytes(4))
        assert read_pdu(sock) == (0x06, bytes(4))
        assert sock.recv(10) == b""


def test_dicom_rejects_garbage_and_refuses_data(lab: None) -> None:
    with connect(PORTS["dicom"]) as sock:
        sock.sendall(b"GET / HTTP/1.0\r\n\r\n")
        assert read_pdu(sock)[0] == 0x03
    with connect(PORTS["dicom"]) as sock:
        sock.sendall(struct.pack(">BBI", 1, 0, 10) + bytes(10))  # too short
        assert read_pdu(sock)[0] == 0x03
    with connect(PORTS["dicom"]) as sock:
        sock.sendall(associate_rq())
        assert read_pdu(sock)[0] == 0x02
        sock.sendall(struct.pack(">BBI", 4, 0, 6) + bytes(6))  # a P-DATA-TF
        assert read_pdu(sock)[0] == 0x07  # aborted, never processed


def test_hl7_ack(lab: None) -> None:
    message = (
        "MSH|^~\\&|MONITOR|ICU|HIS|HOSP|20240101120000||ORU^R01|MSG00042|P|2.3\rPID|1||12345\r"
    )
    with connect(PORTS["hl7"]) as sock:
        sock.sendall(b"\x0b" + message.encode() + b"\x1c\x0d")
        frame = recv_until(sock, b"\x1c\x0d")
        assert frame.startswith(b"\x0b") and frame.endswith(b"\x1c\x0d")
        segments = frame[1:-2].decode().strip("\r").split("\r")
        assert segments[0].startswith("MSH|^~\\&|LABHIS|")
        assert "|ACK^R01|" in segments[0]
        assert segments[1] == "MSA|AA|MSG00042"
        sock.sendall(b"not mllp\r\n")
        assert recv_all(sock) == b""


def test_silent_accepts_and_says_nothing(lab: None) -> None:
    with connect(PORTS["silent"]) as sock:
        sock.sendall(b"\x00\x00\x00\x85\xffSMBr")
        sock.settimeout(0.5)
        with pytest.raises(TimeoutError):
            sock.recv(10)


def test_stopping_closes_open_connections_quietly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    port = unused_port(ADDRESS)
    with connect_later() as open_later:
        with running([ListenerSpec(ADDRESS, port, "silent", {})]):
            sock = open_later(port)
            sock.sendall(b"hello")
            time.sleep(0.2)  # let the server start handling it
        assert sock.recv(10) == b""  # closed by the server on shutdown
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]


@contextlib.contextmanager
def connect_later() -> Iterator[Callable[[int], socket.socket]]:
    opened: list[socket.socket] = []

    def open_one(port: int) -> socket.socket:
        opened.append(connect(port))
        return opened[-1]

    try:
        yield open_one
    finally:
        for sock in opened:
            sock.close()


def test_serve_refuses_a_busy_port() -> None:
    with socket.socket() as busy:
        busy.bind((ADDRESS, 0))
        busy.listen()
        port = busy.getsockname()[1]
        spec = ListenerSpec(ADDRESS, port, "silent", {})
        with pytest.raises(services.ListenerBindError, match=f"{ADDRESS}:{port}"):
            asyncio.run(services.serve([spec]))


# --- the command line -------------------------------------------------------


def run_main(config: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "legacyscan.lab.services", str(config), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def write_config(path: Path, specs: Sequence[ListenerSpec]) -> Path:
    listeners = [
        {"address": s.address, "port": s.port, "kind": s.kind, "params": dict(s.params)}
        for s in specs
    ]
    path.write_text(json.dumps({"listeners": listeners}))
    return path


def test_main_serves_until_sigterm(tmp_path: Path) -> None:
    port = unused_port(ADDRESS)
    spec = ListenerSpec(ADDRESS, port, "banner", {"banner": "220 ProFTPD 1.3.3a Server"})
    ready = tmp_path / "ready"
    proc = run_main(write_config(tmp_path / "lab.json", [spec]), "--ready-file", str(ready))
    try:
        deadline = time.monotonic() + 10
        while not ready.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "ready file never appeared"
            time.sleep(0.05)
        with connect(port) as sock:
            assert recv_until(sock, b"\n") == b"220 ProFTPD 1.3.3a Server\r\n"
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=10)
        assert proc.returncode == 0, stderr
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def test_main_exits_2_on_busy_port(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind((ADDRESS, 0))
        busy.listen()
        port = busy.getsockname()[1]
        spec = ListenerSpec(ADDRESS, port, "silent", {})
        proc = run_main(write_config(tmp_path / "lab.json", [spec]))
        try:
            _, stderr = proc.communicate(timeout=20)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert proc.returncode == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert f"{ADDRESS}:{port}" in lines[0] and "Traceback" not in stderr


# --- real nmap --------------------------------------------------------------


def bindable(address: str, ports: Sequence[int]) -> bool:
    try:
        with contextlib.ExitStack() as stack:
            for port in ports:
                sock = stack.enter_context(socket.socket())
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind((address, port))
    except OSError:
        return False
    return True


@pytest.mark.lab
@pytest.mark.skipif(shutil.which("nmap") is None, reason="nmap is not installed")
def test_nmap_names_the_services() -> None:
    # With --version-light nmap sends its SIP and RDP probes only to the ports
    # they are registered for, so those two must be 5060 and 3389.
    address = next(
        (a for a in (f"127.42.250.{n}" for n in range(1, 20)) if bindable(a, (5060, 3389))),
        None,
    )
    if address is None:
        pytest.skip("5060/3389 busy on 127.42.250.1-19")
    ports = {
        "ssh": unused_port(address),
        "http": unused_port(address),
        "sip": 5060,
        "rdp": 3389,
    }
    specs = [
        ListenerSpec(address, ports["ssh"], "banner", {"banner": "SSH-2.0-OpenSSH_4.3"}),
        ListenerSpec(
            address,
            ports["http"],
            "http",
            {"server": "Apache/2.2.3 (CentOS)", "title": "PACS"},
        ),
        ListenerSpec(address, 5060, "sip", {"user_agent": "PolycomRealPresenceGroup500/6.2.2.3"}),
        ListenerSpec(address, 3389, "rdp", {}),
    ]
    with running(specs):
        started = time.monotonic()
        result = subprocess.run(
            [
                "nmap",
                "-sV",
                "--version-light",
                "-Pn",
                "-n",
                "-p",
                ",".join(str(p) for p in ports.values()),
                address,
                "-oX",
                "-",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        elapsed = time.monotonic() - started
    found = {}
    for port in ET.fromstring(result.stdout).iter("port"):
        service = port.find("service")
        assert service is not None
        found[int(port.get("portid", "0"))] = service.attrib
    print(f"nmap took {elapsed:.1f} s: {found}")
    assert found[ports["ssh"]]["product"] == "OpenSSH"
    assert found[ports["ssh"]]["version"] == "4.3"
    assert found[ports["http"]]["product"] == "Apache httpd"
    assert found[ports["http"]]["version"] == "2.2.3"
    assert found[5060]["product"] == "Polycom RealPresence Group 500 SIP"
    assert found[5060]["version"] == "6.2.2.3"
    assert found[3389]["product"] == "Microsoft Terminal Services"
    assert elapsed < 60
