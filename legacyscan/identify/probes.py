"""Raw banners read the way nmap reads them: its own service-probe database, at run time.

nmap names a service by matching what it answered against the ``match`` lines of
``nmap-service-probes`` (``match ftp m|^220 ProFTPD (\\S+) Server|  p/ProFTPD/ v/$1/
cpe:/a:proftpd:proftpd:$1/``).  When a banner reaches us without nmap's verdict (the
``banner`` script's output, an import, a fingerprint database's example), the same lines
give the same verdict: product, version and CPEs, observed as ``nmap.service`` and
``nmap.cpe`` so that the rules and the CPE table read them as if nmap had printed them.

Only what a service says on its own is matched: the greeting sent on connect (nmap's NULL
probe: FTP, SMTP, SSH, telnet, POP3, IMAP) and an HTTP ``Server`` header (against the
answers to nmap's GET request, the header put in a minimal response).  A pattern Python's
``re`` cannot compile (nmap's are PCRE) is skipped; the database is read only where nmap
installed it, and nothing is read when it is absent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

#: nmap's data directories, most usual first
PROBE_FILES = (
    Path("/usr/share/nmap/nmap-service-probes"),
    Path("/usr/local/share/nmap/nmap-service-probes"),
)

#: banner field -> (nmap probe, nmap service names its answers are matched under)
BANNER_PROBES: dict[str, tuple[str, tuple[str, ...]]] = {
    "ftp.banner": ("NULL", ("ftp",)),
    "smtp.banner": ("NULL", ("smtp",)),
    "ssh.banner": ("NULL", ("ssh",)),
    "telnet.banner": ("NULL", ("telnet",)),
    "http.server": ("GetRequest", ("http",)),
}

_FIELD = re.compile(r"([pvihod]|cpe:)(.)")
_ESCAPE = re.compile(r"\\x([0-9A-Fa-f]{2})")
_REPLY_CODE = re.compile(r"^\d{3}[ -]")
_TEMPLATE = re.compile(r'\$(?:(\d)|P\((\d)\)|SUBST\((\d),"([^"]*)","([^"]*)"\)|I\((\d),"[<>]"\))')


@dataclass(frozen=True)
class Match:
    """One ``match`` line of the database."""

    probe: str
    service: str
    pattern: str
    flags: str
    fields: tuple[tuple[str, str], ...]  # ("p", "ProFTPD"), ("cpe", "a:proftpd:proftpd:$1")
    line: int


@dataclass(frozen=True)
class Verdict:
    """What nmap would have printed for a banner."""

    product: str
    version: str
    info: str
    cpes: tuple[str, ...]
    line: int  # the match line of nmap-service-probes that named it
    device_type: str = ""  # nmap's d/.../ field: "printer", "switch", "webcam"...

    @property
    def label(self) -> str:
        """Product, version and extra info, the way nmap prints a service."""
        parts = [self.product, self.version]
        if self.info:
            parts.append(f"({self.info})")
        return " ".join(p for p in parts if p)


def _parse_match(line: str, probe: str, number: int) -> Match | None:
    """``match svc m|re|flags p/x/ v/y/ cpe:/a:b:c/a`` -> Match (None when malformed)."""
    head, _, rest = line.partition(" ")
    service, _, rest = rest.partition(" ")
    if not rest.startswith("m") or len(rest) < 3:
        return None
    delimiter = rest[1]
    end = rest.find(delimiter, 2)
    if end < 0:
        return None
    pattern = rest[2:end]
    tail = rest[end + 1 :]
    flags, _, tail = tail.partition(" ")
    fields: list[tuple[str, str]] = []
    position = 0
    while position < len(tail):
        found = _FIELD.match(tail, position)
        if found is None:
            position += 1
            continue
        key, delim = found.group(1), found.group(2)
        close = tail.find(delim, found.end())
        if close < 0:
            break
        fields.append(("cpe" if key == "cpe:" else key, tail[found.end() : close]))
        position = close + 1
        if key == "cpe:" and tail[position : position + 1] == "a":
            position += 1
    return Match(probe, service, pattern, flags, tuple(fields), number)


@lru_cache(maxsize=2)
def _read(path: Path) -> tuple[Match, ...]:
    matches: list[Match] = []
    probe = ""
    for number, line in enumerate(path.read_text(encoding="latin-1").splitlines(), start=1):
        if line.startswith("Probe "):
            parts = line.split(" ", 3)
            probe = parts[2] if len(parts) > 2 else ""
        elif line.startswith(("match ", "softmatch ")):
            parsed = _parse_match(line, probe, number)
            if parsed is not None:
                matches.append(parsed)
    return tuple(matches)


def database(paths: Iterable[Path] = PROBE_FILES) -> tuple[Match, ...]:
    """nmap's match lines, from the first copy of the database found (empty: none)."""
    for path in paths:
        if path.is_file():
            return _read(path)
    return ()


@lru_cache(maxsize=16)
def _compiled(
    probe: str, services: tuple[str, ...], paths: tuple[Path, ...]
) -> tuple[tuple[re.Pattern[str], Match], ...]:
    """The compilable patterns of one probe and service names, in database order."""
    made: list[tuple[re.Pattern[str], Match]] = []
    for match in database(paths):
        if match.probe != probe or match.service not in services:
            continue
        bits = (re.DOTALL if "s" in match.flags else 0) | (
            re.IGNORECASE if "i" in match.flags else 0
        )
        try:
            made.append((re.compile(match.pattern, bits), match))
        except (re.error, OverflowError):
            continue  # a PCRE construct Python's re does not have
    return tuple(made)


def _fill(template: str, found: re.Match[str]) -> str:
    def one(part: re.Match[str]) -> str:
        index = part.group(1) or part.group(2) or part.group(3)
        if index is None:
            return ""  # $I(): a binary integer, never a name
        try:
            value = found.group(int(index)) or ""
        except IndexError:
            return ""
        if part.group(2):  # $P(): printable characters only
            value = "".join(c for c in value if c.isprintable())
        if part.group(3):
            value = value.replace(part.group(4), part.group(5))
        return value

    return _TEMPLATE.sub(one, template).strip()


def _as_sent(field: str, banner: str) -> str:
    """The banner as the service sent it: nmap's ``\\xNN`` escapes decoded, the line end the
    patterns expect restored, and the reply code or protocol prefix that fingerprint
    databases leave out put back (a Recog FTP example is the greeting after "220 ")."""
    text = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), banner.strip())
    if field in ("ftp.banner", "smtp.banner") and not _REPLY_CODE.match(text):
        text = "220 " + text
    elif field == "ssh.banner" and not text.startswith("SSH-"):
        text = "SSH-2.0-" + text
    elif field == "http.server":
        return f"HTTP/1.1 200 OK\r\nServer: {text}\r\n\r\n"
    return text + "\r\n"


def verdict(field: str, banner: str, paths: Iterable[Path] = PROBE_FILES) -> Verdict | None:
    """What nmap's database makes of one banner of ``field`` (None: no line matches)."""
    if field not in BANNER_PROBES or not banner.strip():
        return None
    probe, services = BANNER_PROBES[field]
    text = _as_sent(field, banner)
    for pattern, match in _compiled(probe, services, tuple(paths)):
        found = pattern.search(text)
        if found is None:
            continue
        values = dict(match.fields)
        product = _fill(values.get("p", ""), found)
        if not product:
            continue  # a line that names no product (softmatch of the protocol only)
        cpes = tuple("cpe:/" + _fill(value, found) for key, value in match.fields if key == "cpe")
        return Verdict(
            product=product,
            version=_fill(values.get("v", ""), found),
            info=_fill(values.get("i", ""), found),
            cpes=tuple(c for c in cpes if not c.endswith(":")),
            line=match.line,
            device_type=_fill(values.get("d", ""), found),
        )
    return None


def derived(field: str, banner: str) -> Iterator[tuple[str, str]]:
    """The observations nmap would have made of a banner: its label, its CPEs, and the
    device type nmap gives it (``printer``, ``switch``...), when it gives one."""
    found = verdict(field, banner)
    if found is None:
        return
    yield "nmap.service", found.label
    for cpe in found.cpes:
        yield "nmap.cpe", cpe
    if found.device_type:
        yield "nmap.devicetype", found.device_type
