"""Both catalogues say everything; numbers and dates read right in each language."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from legacyscan.model import Assessment
from legacyscan.report.html import render_html
from legacyscan.report.i18n import (
    LANGUAGES,
    CatalogueError,
    Language,
    catalogue,
    format_date,
    format_money,
    format_number,
    format_percent,
)

NNBSP, NBSP = "\u202f", "\u00a0"


def test_every_key_exists_in_every_language() -> None:
    keys = {lang: set(catalogue(lang)) for lang in LANGUAGES}
    for lang in LANGUAGES:
        assert keys[lang] == keys["en"], f"{lang}: {keys[lang] ^ keys['en']}"


PLACEHOLDER = re.compile(r"\{(\w+(?::[^}]*)?)\}")  # {name} or {name:spec}


def test_placeholders_match_between_languages() -> None:
    # an ``en_`` value is English data (a note of the knowledge files): other languages
    # may leave it out rather than show English words in their sentence
    for key, english in catalogue("en").items():
        french = set(PLACEHOLDER.findall(catalogue("fr")[key]))
        expected = set(PLACEHOLDER.findall(english))
        assert french in (expected, {p for p in expected if not p.startswith("en_")}), key


def test_french_differs_from_english_where_words_are_words() -> None:
    same = [
        key
        for key, english in catalogue("en").items()
        if catalogue("fr")[key] == english and len(PLACEHOLDER.sub("", english).strip()) > 12
    ]
    assert same == []


@pytest.mark.parametrize(
    ("value", "decimals", "fr", "en"),
    [
        (1234.5, 1, f"1{NNBSP}234,5", "1,234.5"),
        (0, 0, "0", "0"),
        (-1234567, 0, f"-1{NNBSP}234{NNBSP}567", "-1,234,567"),
        (999.996, 2, f"1{NNBSP}000,00", "1,000.00"),
        (-0.001, 1, "0,0", "0.0"),
    ],
)
def test_numbers(value: float, decimals: int, fr: str, en: str) -> None:
    assert format_number(value, "fr", decimals) == fr
    assert format_number(value, "en", decimals) == en


def test_money_percent_dates() -> None:
    assert format_money(1234.5, "fr") == f"1{NNBSP}234,50{NBSP}€"
    assert format_money(1234.5, "en") == "€1,234.50"
    assert format_money(50000, "en") == "€50,000"
    assert format_money(-20, "en") == "-€20"
    assert format_percent(0.375, "fr", 1) == f"37,5{NNBSP}%"
    assert format_percent(0.375, "en", 1) == "37.5%"
    day = dt.date(2026, 11, 23)
    assert format_date(day, "fr") == "23 novembre 2026"
    assert format_date(day, "en") == "23 November 2026"
    assert format_date(dt.date(2026, 8, 1), "fr") == "1er août 2026"
    assert format_date("2026-11-20T09:00:00+00:00", "fr", short=True) == "20/11/2026"
    assert format_date(day, "en", short=True) == "2026-11-23"
    assert format_date("not a date", "en") == "not a date"
    assert format_date(None, "en") == ""


def test_missing_key_and_language_are_clear_errors() -> None:
    with pytest.raises(CatalogueError, match="missing from the fr catalogue"):
        Language.load("fr").t("no.such.key")
    with pytest.raises(CatalogueError, match="choose from fr, en"):
        catalogue("xx")


class _VisibleText(HTMLParser):
    """The text a reader of one language sees: the other language's blocks, the data and
    code blocks, the language buttons and data marked as English are left out."""

    VOID = frozenset({"meta", "br", "img", "input", "hr", "link"})

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        self.skip_depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        a = dict(attrs)
        hidden = (
            ("i18n" in (a.get("class") or "").split() and a.get("lang") != self.lang)
            or tag in ("script", "style", "title", "button")
            or (tag == "pre" and "data" in (a.get("class") or "").split())  # data dumps
            or a.get("lang") == "en" != self.lang
        )
        if self.skip_depth or hidden:
            self.skip_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.skip_depth:
            self.skip_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.parts.append(data)


def _text_for(page: str, lang: str) -> str:
    parser = _VisibleText(lang)
    parser.feed(page)
    return " ".join(parser.parts)


def _english_only_fragments() -> set[str]:
    """Pieces of English messages (between placeholders) that French never uses."""
    french = " ".join(catalogue("fr").values())
    fragments = set()
    for message in catalogue("en").values():
        for piece in re.split(r"\{\w+\}", message):
            piece = piece.strip(' .:;,…"()')
            if len(piece) >= 8 and piece not in french:
                fragments.add(piece)
    return fragments


def test_no_english_ui_string_leaks_into_the_french_report(
    rich_assessment: Assessment,
) -> None:
    text = _text_for(render_html(rich_assessment, "fr"), "fr")
    leaks = sorted(f for f in _english_only_fragments() if f in text)
    assert leaks == []
    assert "Synthèse" in text and "Constats" in text  # the check does look at French text


def test_the_check_would_catch_a_leak(rich_assessment: Assessment) -> None:
    text = _text_for(render_html(rich_assessment, "fr"), "en")
    assert "Executive summary" in {f for f in _english_only_fragments() if f in text}


def test_no_key_was_read_as_a_yaml_boolean() -> None:
    for lang in LANGUAGES:
        assert not [k for k in catalogue(lang) if k.split(".")[-1] in ("True", "False")]
