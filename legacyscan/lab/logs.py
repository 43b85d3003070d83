"""``legacyscan lab logs``: a month of synthetic proxy, DNS and Zeek logs from the lab's
devices, with the exact counts they hold (``truth.json``), for the demo and the tests.

Deterministic: the same scenario, month and seed give the same bytes.  Every AI
connection of a device is written once to its segment's proxy log (Squid native for the
hospital, a CSV export for the guest and telehealth Wi-Fi proxy), once to its segment's
DNS log (BIND for the hospital's resolver, dnsmasq for the guest Wi-Fi, Zeek ``dns.log``
where the Zeek sensor listens: imaging, biomedical, servers) and, where Zeek listens,
once to ``ssl.log`` (SNI).  So each kind of evidence counts every connection exactly
once, and the truth is one table per evidence: service x department.

Some lines carry URL paths, query strings and user names (``truth.json`` lists them as
canaries): no output of ``ai-usage`` or ``report`` may contain any of them.  A few lines
are malformed on purpose (terminal escapes, a line far too long, invalid UTF-8).
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import ipaddress
import json
import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from legacyscan.files import atomic_write
from legacyscan.lab.scenario import LabDevice, Scenario

SITE = "demo-hospital"
#: The files written, in the order ai-usage reads them.
LOG_FILES = ("squid-access.log.gz", "proxy-wifi.csv", "bind-query.log", "dnsmasq.log",
             "zeek-dns.log", "zeek-ssl.json")  # fmt: skip
#: The lab hospital's on-premises assistant: approved, in the policy file, not the catalogue.
ON_PREMISES = ("chu-assistant", "assistant.ch-exemple.invalid")
APPROVED = ("mistral-le-chat", "chu-assistant")
ZEEK_SEGMENTS = frozenset({"imaging", "biomedical", "servers"})
WIFI_SEGMENTS = frozenset({"guest", "telehealth"})
#: Service -> hosts a browser or a client reaches (each a match example of the catalogue).
HOSTS = {
    "openai-chatgpt": ("chatgpt.com", "chat.openai.com"),
    "openai-api": ("api.openai.com",),
    "anthropic-claude": ("claude.ai",),
    "google-gemini": ("gemini.google.com",),
    "microsoft-copilot": ("copilot.microsoft.com",),
    "mistral-le-chat": ("chat.mistral.ai",),
    "mistral-api": ("api.mistral.ai",),
    "deepseek": ("chat.deepseek.com",),
    "perplexity": ("www.perplexity.ai",),
    "otter-ai": ("otter.ai",),
    "github-copilot": ("api.business.githubcopilot.com",),
    "chu-assistant": (ON_PREMISES[1],),
}
#: Who uses what, by device class: (service, weight).  ChatGPT leads, as in the field.
USE = {
    "workstation": (("openai-chatgpt", 60), ("microsoft-copilot", 10), ("google-gemini", 8),
                    ("anthropic-claude", 6), ("mistral-le-chat", 6), ("chu-assistant", 5),
                    ("deepseek", 3), ("perplexity", 1), ("otter-ai", 1)),
    "server": (("openai-api", 5), ("mistral-api", 3), ("github-copilot", 2)),
    "medical": (("openai-chatgpt", 3), ("google-gemini", 1)),
    "other": (("openai-chatgpt", 5), ("deepseek", 2), ("perplexity", 1)),
}  # fmt: skip
#: Connections per device and working day, by class (weekends: a fifth).
PER_DAY = {"workstation": 9, "server": 6, "medical": 1, "other": 3}
NOISE = ("intranet.ch-exemple.invalid", "www.has-sante.fr", "www.ameli.fr",
         "www.legifrance.gouv.fr", "update.microsoft.com", "www.google.com",
         "fonts.gstatic.com")  # fmt: skip
#: Strings no output may contain: user names and URL paths/queries written in the logs.
CANARY_USERS = ("mlefebvre.secretariat", "jdupont", "dr.martin-ide")
CANARY_PATHS = (
    "/backend-api/conversation?prompt=compte-rendu-patiente-Durand-Jeanne",
    "/v1/chat/completions?nir=2850575123456",
    "/app/c/ordonnance-patient-Bernard",
)
#: Guest phones of visitors (hosts .150-.152 of the guest segment): seen by the logs,
#: never by a scan (unattributed).
VISITORS = ("127.42.80.150", "127.42.80.151", "127.42.80.152")


@dataclass(frozen=True)
class Connection:
    seconds: float
    address: str
    segment: str
    service: str
    host: str
    size: int
    user: str = ""
    path: str = ""  # with a query string; empty: a CONNECT


def _group(device: LabDevice) -> str | None:
    cls = device.truth.get("class", "unknown")
    if cls in ("workstation", "server", "medical"):
        return cls
    if device.segment == "guest" or cls == "telehealth":
        return "other"
    return None  # printers, cameras, UPS, switches: no AI


def _connections(scenario: Scenario, month: str, seed: int) -> list[Connection]:
    rng = random.Random(f"{seed}/{month}")
    first = dt.date.fromisoformat(month + "-01")
    days = [first + dt.timedelta(days=n) for n in range(31)]
    days = [d for d in days if d.month == first.month]
    sources = [(d.address, d.segment, _group(d)) for d in scenario.devices]
    guest = next((seg for seg in scenario.segments if seg.name == "guest"), None)
    if guest is not None:  # visitors' phones on the guest Wi-Fi, when the scenario has one
        network = ipaddress.ip_network(guest.cidr).network_address
        sources += [(str(network + 150 + n), "guest", "other") for n in range(len(VISITORS))]
    out: list[Connection] = []
    for address, segment, group in sources:
        if group is None:
            continue
        services, weights = zip(*USE[group], strict=True)
        for day in days:
            base = PER_DAY[group] if day.weekday() < 5 else max(PER_DAY[group] // 5, 0)
            for _ in range(rng.randint(0, 2 * base)):
                service = rng.choices(services, weights)[0]
                start = dt.datetime(day.year, day.month, day.day, 7, tzinfo=dt.UTC).timestamp()
                seconds = round(start + rng.uniform(0, 12 * 3600), 3)
                user = rng.choice(CANARY_USERS) if rng.random() < 0.3 else ""
                path = rng.choice(CANARY_PATHS) if rng.random() < 0.1 else ""
                out.append(Connection(seconds, address, segment, service,
                                      rng.choice(HOSTS[service]), rng.randint(800, 90000),
                                      user, path))  # fmt: skip
    # noise: the same devices reaching other sites, which must not be counted
    for address, segment, group in sources:
        if group is None:
            continue
        for day in days:
            for _ in range(rng.randint(0, 6)):
                start = dt.datetime(day.year, day.month, day.day, 7, tzinfo=dt.UTC).timestamp()
                out.append(Connection(round(start + rng.uniform(0, 12 * 3600), 3), address,
                                      segment, "", rng.choice(NOISE), rng.randint(300, 9000),
                                      rng.choice(CANARY_USERS),
                                      "/index.html?session=canary42"))  # fmt: skip
    out.sort(key=lambda c: (c.seconds, c.address, c.host))
    return out


def _squid(c: Connection) -> str:
    if c.path:
        return (f"{c.seconds:.3f}    120 {c.address} TCP_MISS/200 {c.size} POST "
                f"http://{c.host}{c.path} {c.user or '-'} HIER_DIRECT/192.0.2.10 "
                "application/json")  # fmt: skip
    return (f"{c.seconds:.3f}    310 {c.address} TCP_TUNNEL/200 {c.size} CONNECT {c.host}:443 "
            f"{c.user or '-'} HIER_DIRECT/192.0.2.10 -")  # fmt: skip


def _iso(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _csv(c: Connection) -> str:
    url = f"https://{c.host}{c.path}" if c.path else c.host
    return f'{_iso(c.seconds)},{c.address},{c.user or "-"},"{url}",{c.size}'


def _bind(c: Connection, serial: int) -> str:
    when = dt.datetime.fromtimestamp(c.seconds, dt.UTC)
    stamp = when.strftime("%d-%b-%Y %H:%M:%S.") + f"{when.microsecond // 1000:03d}"
    return (f"{stamp} queries: info: client @0x7f3c5c{serial % 65536:04x} {c.address}#"
            f"{40000 + serial % 20000} ({c.host}): query: {c.host} IN A +E(0)K "
            "(127.42.50.53)")  # fmt: skip


def _dnsmasq(c: Connection) -> str:
    when = dt.datetime.fromtimestamp(c.seconds, dt.UTC)
    stamp = when.strftime("%b ") + f"{when.day:>2} " + when.strftime("%H:%M:%S")
    return f"{stamp} dnsmasq[812]: query[A] {c.host} from {c.address}"


ZEEK_DNS_FIELDS = ("ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto",
                   "trans_id", "query", "qtype_name", "rcode_name")  # fmt: skip


def _zeek_dns(c: Connection, serial: int) -> str:
    values = (f"{c.seconds:.6f}", f"C{serial:017d}", c.address, str(40000 + serial % 20000),
              "127.42.50.53", "53", "udp", str(serial % 65536), c.host, "A", "NOERROR")  # fmt: skip
    return "\t".join(values)


def _zeek_ssl(c: Connection, serial: int) -> str:
    return json.dumps({"ts": c.seconds, "uid": f"S{serial:017d}", "id.orig_h": c.address,
                       "id.orig_p": 40000 + serial % 20000, "id.resp_h": "192.0.2.10",
                       "id.resp_p": 443, "version": "TLSv13", "cipher": "TLS_AES_128_GCM_SHA256",
                       "server_name": c.host, "established": True})  # fmt: skip


MALFORMED_SQUID = (
    "\x1b]0;owned\x07\x1b[2J <script>alert(1)</script>",
    "1793697121.000 1 127.42.30.11 TCP_MISS/200 5 GET http://<b>x.openai.com/ - -/- -",
    "z" * 70_000,
)


def write_month(
    scenario: Scenario, out: Path, month: str = "2026-11", seed: int = 19
) -> dict[str, Any]:
    """Write the month's logs, segments.yaml, policy.yaml and truth.json into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    connections = _connections(scenario, month, seed)
    files: dict[str, list[str]] = defaultdict(list)
    truth: dict[str, dict[str, dict[str, int]]] = {
        e: defaultdict(lambda: defaultdict(int)) for e in ("proxy", "dns", "tls")
    }
    lines: dict[str, int] = defaultdict(int)
    for serial, c in enumerate(connections):
        wifi, zeek = c.segment in WIFI_SEGMENTS, c.segment in ZEEK_SEGMENTS
        files["proxy-wifi.csv" if wifi else "squid-access.log.gz"].append(
            _csv(c) if wifi else _squid(c)
        )
        if c.segment == "guest":
            files["dnsmasq.log"].append(_dnsmasq(c))
        elif zeek:
            files["zeek-dns.log"].append(_zeek_dns(c, serial))
        else:
            files["bind-query.log"].append(_bind(c, serial))
        if zeek:
            files["zeek-ssl.json"].append(_zeek_ssl(c, serial))
        if c.service:
            truth["proxy"][c.service][c.segment] += 1
            truth["dns"][c.service][c.segment] += 1
            if zeek:
                truth["tls"][c.service][c.segment] += 1
    files["squid-access.log.gz"][5:5] = list(MALFORMED_SQUID)  # line numbers 6, 7, 8
    zeek_header = ["#separator \\x09", "#set_separator\t,", "#empty_field\t(empty)",
                   "#unset_field\t-", "#path\tdns", f"#open\t{month}-01-00-00-00",
                   "#fields\t" + "\t".join(ZEEK_DNS_FIELDS),
                   "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tstring"
                   "\tstring\tstring"]  # fmt: skip
    files["zeek-dns.log"][:0] = zeek_header
    files["proxy-wifi.csv"][:0] = ["date,c-ip,cs-username,cs-url,sc-bytes"]
    for name, body in files.items():
        text = "\n".join(body) + "\n"
        lines[name] = len(body)
        if name.endswith(".gz"):
            buffer = io.BytesIO()
            with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as packed:  # same bytes each run
                packed.write(text.encode("utf-8"))
            atomic_write(out / name, buffer.getvalue())
        else:
            atomic_write(out / name, text)
    # a scenario without segments (minimal) places its devices one by one
    placed = [(s.cidr, s.name) for s in scenario.segments] or [
        (f"{d.address}/32", d.segment) for d in scenario.devices if d.segment
    ]
    segments = ["segments:"] + [
        f"  - {{cidr: {cidr}, name: {name}, site: {SITE}}}" for cidr, name in placed
    ]
    atomic_write(out / "segments.yaml", "\n".join(segments) + "\n")
    atomic_write(out / "policy.yaml", (
        "# The lab hospital's approved AI services: its contracted Le Chat and its own assistant.\n"
        f"approved: [{', '.join(APPROVED)}]\n"
        "services:\n"
        f"  - {{id: {ON_PREMISES[0]}, name: Assistant du CH, provider: CH Exemple (on premises),\n"
        f"     kind: chat, exact: [{ON_PREMISES[1]}]}}\n"
    ))  # fmt: skip
    document = {
        "month": month, "seed": seed, "site": SITE, "approved": list(APPROVED),
        "counts": {e: {s: dict(sorted(d.items())) for s, d in sorted(t.items())}
                   for e, t in truth.items()},
        "malformed": {"squid-access.log.gz": [6, 7, 8]},
        "lines": dict(sorted(lines.items())),
        "canaries": list(CANARY_USERS) + list(CANARY_PATHS) + ["session=canary42"],
        "visitors": list(VISITORS),
    }  # fmt: skip
    atomic_write(out / "truth.json", json.dumps(document, indent=1) + "\n")
    return document
