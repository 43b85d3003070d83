"""What a service nmap could not name answered, read back from its service fingerprint."""

from __future__ import annotations

from testpaths import FIXTURES

from legacyscan.collect.nmap.parse import read_nmap_xml
from legacyscan.collect.nmap.servicefp import MAX_ANSWER, answers
from legacyscan.identify import observations


def _services() -> dict[tuple[str | None, int], object]:
    run = read_nmap_xml(FIXTURES / "nmap" / "servicefp.xml")
    return {(h.address, s.port): s for h in run.hosts for s in h.services}


def test_the_http_answer_and_the_greeting_are_kept_decoded() -> None:
    services = _services()
    tv = services[("127.42.80.110", 8080)]
    ((probe, answer),) = tv.answers  # type: ignore[attr-defined]
    assert probe == "GetRequest"
    assert answer.startswith("HTTP/1.1 200 OK\r\n")
    assert "\r\nServer: Samsung AllShare Server/1.0\r\n" in answer
    assert answer.endswith("<title>TV</title></head><body><h1>TV</h1></body></html>\n")
    telnet = services[("127.42.60.31", 23)]
    assert telnet.answers == (("NULL", "login:\r\n"),)  # type: ignore[attr-defined]


def test_the_identify_stage_reads_them_as_header_title_and_banner() -> None:
    run = read_nmap_xml(FIXTURES / "nmap" / "servicefp.xml")
    seen = {(o.field, o.value, o.port) for h in run.hosts for o in observations(h)}
    assert ("http.server", "Samsung AllShare Server/1.0", 8080) in seen
    assert ("http.title", "TV", 8080) in seen
    assert ("telnet.banner", "login:", 23) in seen


def test_escapes_wrapped_lines_and_bounds() -> None:
    fp = (
        'SF-Port21-TCP:V=7.93%I=2%D=12/7%Time=1%P=x86_64%r(NULL,1A,"220\\x20FTP\\x20\\(v1\\.0\\)'
        '\\r\\n")\nSF:%r(GenericLines,5,"\\0\\\\\\"x")%r(GetRequest,2000,"'
        + "HTTP/1\\.0\\x20200\\x20OK"
        + "a" * 5000
        + '");'
    )
    found = dict(answers(fp))
    assert found["NULL"] == "220 FTP (v1.0)\r\n"
    assert found["GetRequest"].startswith("HTTP/1.0 200 OK")
    assert len(found["GetRequest"]) == MAX_ANSWER
    assert "GenericLines" not in found  # not an HTTP answer, not a greeting


def test_nothing_from_no_fingerprint_or_a_hostile_one() -> None:
    assert answers(None) == answers("") == ()
    assert answers('%r(NULL,3,"abc') == ()  # cut short: not read
    assert answers('%r(NULL,2,"\\r\\n")') == ()  # only blanks
