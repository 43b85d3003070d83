"""The lab's traps and newer kinds: printer byte counter, flaky device, RTSP, BACnet, SMB-like.

Servers listen on 127.42.251.x only (the lab itself uses other blocks) and are stopped
by cancelling serve(), even when an assertion fails.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from labports import unused_port

from legacyscan.lab import services
from legacyscan.lab.services import ListenerSpec

HOST = "127.42.251.1"


def _with_server(specs: list[ListenerSpec], body: Callable[[], Awaitable[None]]) -> None:
    async def main() -> None:
        ready = asyncio.Event()
        server = asyncio.create_task(services.serve(specs, ready))
        try:
            await asyncio.wait_for(ready.wait(), 5)
            await body()
        finally:
            server.cancel()
            await asyncio.gather(server, return_exceptions=True)

    asyncio.run(main())


def _free_port(kind: int = socket.SOCK_STREAM) -> int:
    return unused_port(HOST, kind)


def test_printer_counts_every_byte_and_answers_nothing(tmp_path: Path) -> None:
    port, count = _free_port(), tmp_path / "printer.bytes"
    spec = ListenerSpec(HOST, port, "printer", {"count_file": str(count)})

    async def body() -> None:
        reader, writer = await asyncio.open_connection(HOST, port)
        writer.write(b"%!PS\nshowpage\n" * 10)
        await writer.drain()
        writer.close()
        for _ in range(50):
            if count.is_file() and count.read_text().strip() == "140":
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"count file says {count.read_text() if count.exists() else None}")

    _with_server([spec], body)


def test_flaky_listener_delays_and_drops_every_other_connection() -> None:
    port = _free_port()
    spec = ListenerSpec(HOST, port, "banner", {"banner": "login:", "delay": "0.5",
                                               "drop_every": "2"})  # fmt: skip

    async def body() -> None:
        started = time.monotonic()
        reader, writer = await asyncio.open_connection(HOST, port)
        assert await asyncio.wait_for(reader.readline(), 3) == b"login:\r\n"
        assert time.monotonic() - started >= 0.45
        writer.close()
        reader, writer = await asyncio.open_connection(HOST, port)
        assert await asyncio.wait_for(reader.read(10), 3) == b""  # dropped at once
        writer.close()

    _with_server([spec], body)


def test_rtsp_answers_options_like_an_axis_camera() -> None:
    port = _free_port()
    spec = ListenerSpec(HOST, port, "rtsp", {"public": "DESCRIBE, PLAY"})

    async def body() -> None:
        reader, writer = await asyncio.open_connection(HOST, port)
        writer.write(b"OPTIONS / RTSP/1.0\r\n\r\n")
        answer = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 3)
        assert answer == b"RTSP/1.0 200 OK\r\nPublic: DESCRIBE, PLAY\r\n\r\n"
        writer.close()

    _with_server([spec], body)


def test_smb_like_silent_port_hangs_up_on_foreign_data() -> None:
    port = _free_port()
    spec = ListenerSpec(HOST, port, "silent", {"close_on_data": "1"})

    async def body() -> None:
        reader, writer = await asyncio.open_connection(HOST, port)
        writer.write(b"GET / HTTP/1.0\r\n\r\n")
        assert await asyncio.wait_for(reader.read(10), 3) == b""
        writer.close()

    _with_server([spec], body)


def test_bacnet_answers_who_is_with_i_am() -> None:
    port = _free_port(socket.SOCK_DGRAM)
    spec = ListenerSpec(HOST, port, "bacnet", {"vendor_id": "7", "device_instance": "1234"})

    async def body() -> None:
        loop = asyncio.get_running_loop()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
            client.setblocking(False)
            client.bind((HOST, 0))
            who_is = b"\x81\x0b\x00\x08\x01\x00\x10\x08"  # broadcast BVLC, NPDU, Who-Is
            await loop.sock_sendto(client, who_is, (HOST, port))
            data = await asyncio.wait_for(loop.sock_recv(client, 100), 3)
        assert data[:2] == b"\x81\x0a" and b"\x10\x00\xc4" in data
        assert data[-3:] == b"\x22\x00\x07"  # vendor identifier 7
        instance = int.from_bytes(data[9:13], "big") & 0x3FFFFF
        assert instance == 1234

    _with_server([spec], body)
