"""A French report says the model's sentences in French, from real pipeline output.

The lab-like assessment (``conftest.build_lab_like``) carries every kind of sentence the
model writes: lifecycle verdicts, risk factors of devices, segments and the network,
reach evidence, the budget plan.  Their plain English renderings (what the CLI and
scan.json print) must appear nowhere in the French page, and nothing of ours may be
marked ``lang="en"`` there: only the English language blocks the switch shows.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from legacyscan.messages import plain
from legacyscan.model import Assessment
from legacyscan.report.html import render_html, write_html
from legacyscan.report.i18n import Language


def english_sentences(assessment: Assessment) -> set[str]:
    """Every explanation the model wrote for this assessment, in English: as the CLI and
    scan.json print it, and as the English report shows it (long dates, grouped digits)."""
    said = [i.lifecycle.reason for d in assessment.devices for i in d.identities]
    factors = [f for r in (*assessment.risks, *assessment.segment_risks) for f in r.factors]
    said += [f.explanation for f in (*factors, *assessment.network_factors)]
    said += [e.evidence for e in assessment.topology.exposures]
    if assessment.plan:
        said += [a.explanation for a in assessment.plan.actions]
        said.append(assessment.plan.method)
    english = Language.load("en")
    texts = {plain(m) for m in said} | {english.msg(m) for m in said}
    return {t for t in texts if t}


def test_the_fixture_holds_every_kind_of_sentence(lab_like: Assessment) -> None:
    factors = {f.name for r in lab_like.risks for f in r.factors}
    assert {"lifecycle", "years-past-eol", "known-exploited", "exposure", "blast-radius"} <= (
        factors
    )
    assert lab_like.topology.exposures and lab_like.plan and lab_like.plan.actions
    assert len(english_sentences(lab_like)) > 60


def _data(page: str) -> dict[str, Any]:
    block = re.search(
        r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S
    )
    assert block
    data: dict[str, Any] = json.loads(block.group(1))
    return data


class _FrenchText(HTMLParser):
    """The page's text a French reader sees: English blocks (nested ones too), scripts and
    styles left out."""

    VOID = {"br", "meta", "img", "input", "hr", "link", "col", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0  # depth inside a skipped element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        values = dict(attrs)
        english = "i18n" in (values.get("class") or "").split() and values.get("lang") == "en"
        if self.skipping or english or tag in ("script", "style"):
            self.skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def _french_block_text(page: str) -> str:
    parser = _FrenchText()
    parser.feed(page)
    return " ".join(parser.parts)


@pytest.fixture(scope="module")
def french_page(lab_like: Assessment) -> str:
    return render_html(lab_like, "fr")


def test_no_english_sentence_in_the_french_page(lab_like: Assessment, french_page: str) -> None:
    data = _data(french_page)
    french = [o["x"]["fr"] for o in data["objs"] if "x" in o]
    french += [o["l"]["why"]["fr"] for o in data["objs"] if "l" in o and "why" in o["l"]]
    french += [e["fr"] for e in data["ev"]]
    assert len(french) > 50
    static = _french_block_text(french_page)
    assert "Synthèse" in static and "Executive summary" not in static  # the reader's text
    # segment and network factors are in the static page, in French
    assert "système(s) obsolète(s) dans le segment" in static
    assert "peuvent être atteints par un système obsolète" in static
    for sentence in sorted(english_sentences(lab_like)):
        assert sentence not in static, sentence
        assert not any(sentence in text for text in french), sentence


def test_every_sentence_of_the_page_exists_in_both_languages(french_page: str) -> None:
    data = _data(french_page)
    words = [o["x"] for o in data["objs"] if "x" in o]
    words += [o["l"]["why"] for o in data["objs"] if "why" in o.get("l", {})]
    words += data["ev"]
    assert words and all(set(w) == {"fr", "en"} for w in words)
    # a sentence with words differs between the languages, and no English word is left
    assert [w["fr"] for w in words if w["fr"] == w["en"]] == []
    english_words = re.compile(r"\b(the|since|until|which|each|only|with|cannot|of them)\b")
    assert [w["fr"] for w in words if english_words.search(w["fr"])] == []


def test_nothing_of_ours_is_marked_english(french_page: str) -> None:
    marked = re.findall(r"<[^>]*\blang=\"en\"[^>]*>", french_page)
    ours = [tag for tag in marked if 'class="i18n"' not in tag and 'class="lang-btn"' not in tag]
    assert ours == []


@pytest.mark.browser
def test_every_device_detail_reads_in_french(
    browser: Any, tmp_path: Path, lab_like: Assessment
) -> None:
    path = tmp_path / "rapport.html"
    write_html(lab_like, path, "fr")
    english = english_sentences(lab_like)
    context = browser.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_selector("#findings-table tbody tr")
        seen = []
        for index in range(len(lab_like.devices)):
            # the page's own click handler opens a device for any a[data-device]
            page.evaluate(
                """n => { const a = document.createElement("a");
                          a.setAttribute("data-device", String(n));
                          document.body.appendChild(a); a.click(); a.remove(); }""",
                index,
            )
            detail = page.inner_text("#device-detail")
            assert page.locator("#detail-app [lang='en']").count() == 0, index
            assert not [s for s in english if s in detail], index
            seen.append(detail)
        everything = "\n".join(seen)
        for french in ("son logiciel ne reçoit plus de mises à jour de sécurité",
                       "plus de mises à jour de sécurité depuis le 8 avril 2014",
                       "catalogue KEV de la CISA", "un système obsolète qui peut atteindre",
                       "même segment"):  # fmt: skip
            assert french in everything
        assert errors == []
    finally:
        context.close()
