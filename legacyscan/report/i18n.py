"""The report's languages: message catalogues (data under ``reports/i18n/``) and formats.

Numbers, money and dates are formatted here by hand rather than through ``locale``,
so that a report made on an English machine reads like French in French
("1 234,5 €", "23 novembre 2026") and the result never depends on the machine.
``reports/report.js`` formats the same way for the parts drawn in the browser.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from legacyscan.messages import LANGUAGES as LANGUAGES
from legacyscan.messages import CatalogueError as CatalogueError
from legacyscan.messages import Style, render
from legacyscan.messages import catalogue as catalogue
from legacyscan.model import Message

NARROW_NBSP = "\u202f"  # French thousands separator (and before %)
NBSP = "\u00a0"  # before the euro sign in French


def format_number(value: float, lang: str, decimals: int = 0) -> str:
    """1234.5 -> '1 234,5' (fr, narrow no-break space) or '1,234.5' (en)."""
    sign = "-" if round(value, decimals) < 0 else ""
    text = f"{abs(value):,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", NARROW_NBSP).replace(".", ",")
    return sign + text


def format_money(value: float, lang: str) -> str:
    """Euros: '1 234 €' / '€1,234' (cents only when there are some)."""
    decimals = 0 if float(value).is_integer() else 2
    number = format_number(value, lang, decimals)
    if lang == "fr":
        return f"{number}{NBSP}€"
    return f"-€{number[1:]}" if number.startswith("-") else f"€{number}"


def format_percent(value: float, lang: str, decimals: int = 0) -> str:
    number = format_number(value * 100, lang, decimals)
    return f"{number}{NARROW_NBSP}%" if lang == "fr" else f"{number}%"


def format_date(value: dt.date | str | None, lang: str, short: bool = False) -> str:
    """'23 novembre 2026' / '23 November 2026'; short: '23/11/2026' / '2026-11-23'."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return str(value)  # not a date after all: shown as given
    if short:
        return value.strftime("%d/%m/%Y") if lang == "fr" else value.isoformat()
    messages = catalogue(lang)
    day = messages["date.first_day"] if value.day == 1 else str(value.day)
    return f"{day} {messages['date.months'].split()[value.month - 1]} {value.year}"


@dataclass(frozen=True)
class Language:
    """One language as the templates use it: ``L.t('key', n=3)``, ``L.num(x)``, ``L.date(d)``."""

    code: str
    messages: Mapping[str, str]

    @classmethod
    def load(cls, code: str) -> Language:
        return cls(code, catalogue(code))

    def t(self, key: str, **values: Any) -> str:
        try:
            message = self.messages[key]
        except KeyError:
            raise CatalogueError(
                f"message {key!r} missing from the {self.code} catalogue"
            ) from None
        return message.format(**values) if values else message

    def term(self, group: str, value: str | None) -> str:
        """A value from a closed list (class, status, level...) in this language, or as is."""
        if value is None:
            return ""
        return self.messages.get(f"{group}.{value}", value)

    def num(self, value: float, decimals: int = 0) -> str:
        return format_number(value, self.code, decimals)

    def money(self, value: float) -> str:
        return format_money(value, self.code)

    def pct(self, value: float, decimals: int = 0) -> str:
        return format_percent(value, self.code, decimals)

    def date(self, value: dt.date | str | None, short: bool = False) -> str:
        return format_date(value, self.code, short)

    @cached_property
    def style(self) -> Style:
        return Style(
            lang=self.code,
            number=self._auto_number,
            grouped=lambda value: self.num(value),
            percent=lambda value: self.pct(value),
            date=lambda value: self.date(value),
            term=lambda group, value: self.term(f"term.{group}", value),
        )

    def _auto_number(self, value: float, decimals: int | None) -> str:
        if decimals is None:  # as many decimals as the value has, up to 2
            decimals = next((d for d in (0, 1) if round(value, d) == round(value, 2)), 2)
        return self.num(value, decimals)

    def msg(self, message: Message) -> str:
        """A model's sentence (a risk factor, a verdict's reason) in this language."""
        return render(message, self.messages, self.style)
