"""The lab's Windows: SMB1 and RDP's NTLM challenge, read back by nmap's own scripts.

Messages are checked field by field against MS-NLMP / MS-CIFS, then real nmap
(``smb-os-discovery``, ``rdp-ntlm-info``) is pointed at a lab services process on
127.51.9.0/24 (these tests' own addresses) and must name the build.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from legacyscan.collect.nmap.parse import parse_nmap_xml
from legacyscan.identify import Identifier
from legacyscan.lab import ntlm, smb

WIN7 = ntlm.WindowsIdentity("6.1.7601", "REA-POSTE-IDE", "CHX", "chx.local")


def test_challenge_carries_the_build_and_the_names() -> None:
    when = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)
    message = ntlm.challenge(WIN7, when)
    assert message[:12] == b"NTLMSSP\x00\x02\x00\x00\x00"
    target_len, _, target_offset = struct.unpack_from("<HHI", message, 12)
    (flags,) = struct.unpack_from("<I", message, 20)
    assert flags & 0x02000000 and flags & 0x00800000  # NEGOTIATE_VERSION, TARGET_INFO
    info_len, _, info_offset = struct.unpack_from("<HHI", message, 40)
    major, minor, build, revision = struct.unpack_from("<BBH3xB", message, 48)
    assert (major, minor, build, revision) == (6, 1, 7601, 0x0F)
    assert message[target_offset : target_offset + target_len].decode("utf-16-le") == "CHX"
    pairs, at, info = {}, 0, message[info_offset : info_offset + info_len]
    while True:
        av_id, size = struct.unpack_from("<HH", info, at)
        pairs[av_id] = info[at + 4 : at + 4 + size]
        at += 4 + size
        if av_id == 0:
            break
    assert at == len(info)
    assert pairs[1].decode("utf-16-le") == "REA-POSTE-IDE"
    assert pairs[3].decode("utf-16-le") == "rea-poste-ide.chx.local"
    assert struct.unpack("<Q", pairs[7])[0] == ntlm.filetime(when)


def test_ts_request_is_der() -> None:
    token = bytes(300)  # long enough for a two-byte length
    request = ntlm.ts_request(token)
    assert request[:4] == b"\x30\x82" + struct.pack(">H", len(request) - 4)
    assert request.endswith(b"\x04\x82\x01\x2c" + token)


def _negotiate(*dialects: str) -> bytes:
    data = b"".join(b"\x02" + d.encode() + b"\x00" for d in dialects)
    header = b"\xffSMB\x72" + bytes(4) + b"\x18" + struct.pack("<H", 0x6041) + bytes(20)
    header = header[:24] + struct.pack("<HHHH", 0, 4242, 0, 7)
    return header + b"\x00" + struct.pack("<H", len(data)) + data


def test_smb_negotiate_picks_nt_lm_012_and_gives_names_and_time() -> None:
    host = smb.SmbHost("Windows 5.1", "Windows 2000 LAN Manager", "LABO-PC", "CHX")
    request = smb.parse(_negotiate("PC NETWORK PROGRAM 1.0", "LANMAN1.0", "NT LM 0.12"))
    assert request is not None and request.mid == 7
    frame = smb.answer(request, host)
    assert frame is not None
    body = frame[4:]
    assert struct.unpack(">I", frame[:4])[0] == len(body) and body[:5] == b"\xffSMB\x72"
    assert body[32] == 17  # word count of the NT LM 0.12 response
    (dialect,) = struct.unpack_from("<H", body, 33)
    assert dialect == 2
    data = body[33 + 34 + 2 :]
    assert data[8:].decode("utf-16-le").split("\x00")[:2] == ["CHX", "LABO-PC"]
    assert smb.negotiate(smb.parse(_negotiate("SMB 2.002")), host) is None  # type: ignore[arg-type]


@pytest.fixture
def windows(tmp_path: Path) -> Iterator[str]:
    """A lab services process with a Windows 7 and a Windows Server 2008 R2."""
    config = tmp_path / "services.json"
    listeners = [
        {"address": "127.51.9.1", "port": 445, "kind": "smb",
         "params": {"native_os": "Windows 7 Professional 7601 Service Pack 1",
                    "native_lanman": "Windows 7 Professional 6.1", "netbios_name": "REA-POSTE"}},
        {"address": "127.51.9.1", "port": 3389, "kind": "rdp",
         "params": {"protocol": "hybrid", "ntlm_version": "6.1.7601", "netbios_name": "REA-POSTE"}},
        {"address": "127.51.9.2", "port": 3389, "kind": "rdp",
         "params": {"protocol": "ssl", "ntlm_version": "10.0.20348"}},
        {"address": "127.51.9.3", "port": 3389, "kind": "rdp", "params": {}},  # XP: no TLS
    ]  # fmt: skip
    config.write_text(json.dumps({"listeners": listeners}))
    ready = tmp_path / "ready"
    process = subprocess.Popen(
        [sys.executable, "-m", "legacyscan.lab.services", str(config), "--ready-file", str(ready)]
    )
    try:
        deadline = time.monotonic() + 30
        while not ready.exists():
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        yield "127.51.9.1"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.skipif(shutil.which("nmap") is None, reason="needs nmap")
def test_nmap_scripts_name_the_build(windows: str) -> None:
    result = subprocess.run(
        ["nmap", "-n", "-Pn", "-sT", "-p", "445,3389", "--script",
         "smb-os-discovery,rdp-ntlm-info", "-oX", "-", "127.51.9.1-3"],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    hosts = {h.address: h for h in parse_nmap_xml(result.stdout).hosts}
    win7, server, xp = hosts["127.51.9.1"], hosts["127.51.9.2"], hosts["127.51.9.3"]
    smb_os = dict(win7.host_scripts)["smb-os-discovery"]
    assert "OS: Windows 7 Professional 7601 Service Pack 1 (Windows 7 Professional 6.1)" in smb_os
    assert "NetBIOS computer name: REA-POSTE" in smb_os
    rdp = {s.port: dict(s.scripts) for s in win7.services}[3389]["rdp-ntlm-info"]
    assert "Product_Version: 6.1.7601" in rdp and "NetBIOS_Computer_Name: REA-POSTE" in rdp
    server_rdp = dict(server.services[0].scripts)["rdp-ntlm-info"]
    assert "Product_Version: 10.0.20348" in server_rdp
    assert not xp.services[0].scripts  # RDP 5 speaks no TLS: nothing to read
    (device,) = Identifier().identify_all([win7])
    named = {(i.product, i.version) for i in device.identities}
    assert ("Windows 7", "6.1.7601") in named
