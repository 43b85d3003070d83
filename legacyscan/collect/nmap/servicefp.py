"""What a service answered when nmap could not name it, read from its service fingerprint.

When no ``match`` line of nmap-service-probes fits, nmap prints the answers it got instead
of a product: the ``servicefp`` attribute of ``<service>`` (``SF-Port8080-TCP:V=7.93%...
%r(GetRequest,F0,"HTTP/1\\.1\\x20200\\x20OK\\r\\nServer:\\x20Samsung...")``), one
``%r(PROBE,LENGTH,"DATA")`` per probe that was answered, the data escaped as nmap writes
it for a new match line (``\\xHH`` for other bytes, ``\\0``, ``\\r``, ``\\n``, ``\\t``, and
a backslash before a quote, a backslash or a regex metacharacter; see nmap's
``service_scan.cc``, and https://nmap.org/book/vscan-community.html for submitting
fingerprints).  Normal output wraps it in lines starting ``SF:``; the XML does not, but
both are read.

Two answers are kept, bounded in length: what the service said on connect (the NULL
probe: a greeting, a login prompt) and its answer to an HTTP request (GetRequest, else
the first answer that is an HTTP response).  They hold the Server header, the page title
and the banner that a light version scan saw and did not name; the identify stage reads
them as it reads the scripts' outputs.
"""

from __future__ import annotations

import re

#: longest answer kept: the head of a response holds its greeting and headers
MAX_ANSWER = 2048

_RESPONSE = re.compile(r'%r\(([A-Za-z0-9_-]+),([0-9A-Fa-f]+),"((?:[^"\\]|\\.)*)"\)', re.S)
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|.)", re.S)
_SIMPLE = {"0": "\0", "r": "\r", "n": "\n", "t": "\t"}


def _unescape(data: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] == "x" and len(code) == 3:
            return chr(int(code[1:], 16))
        return _SIMPLE.get(code, code)

    return _ESCAPE.sub(one, data)


def answers(servicefp: str | None) -> tuple[tuple[str, str], ...]:
    """(probe, answer) pairs worth reading from one service fingerprint, at most two."""
    if not servicefp:
        return ()
    text = servicefp.replace("\nSF:", "").replace("\r", "")
    greeting = http = ""
    http_probe = ""
    for probe, _length, data in _RESPONSE.findall(text):
        if probe == "NULL" and not greeting:
            greeting = _unescape(data)[:MAX_ANSWER]
        elif probe == "GetRequest" or not http:
            answer = _unescape(data)[:MAX_ANSWER]
            if answer.startswith("HTTP/"):
                http, http_probe = answer, probe
    found = []
    if greeting.strip():
        found.append(("NULL", greeting))
    if http:
        found.append((http_probe, http))
    return tuple(found)
