"""Sentences in no language until they are shown: build a :class:`Message`, render it.

The model's explanations (why a lifecycle verdict, what makes a risk score, how a plan
was chosen) are messages: a key of the ``msg`` part of the catalogues
(``reports/i18n/{en,fr}.yaml``) and typed values.  :func:`plain` renders one in English
for the CLI, scan.json and the CSV files (ISO dates, plain numbers, status words as
identifiers); the report renders the same message in the reader's language with its
number and date formats (``legacyscan.report.i18n.Language.msg``).

A placeholder may say how to show its value: ``{n:,}`` (thousands grouped), ``{x:2}``
(two decimals), ``{share:pct}`` (a percentage), ``{cost:money}`` (an amount, no
decimals), ``{status:status}`` (a term of the ``term.status`` list),
``{reasons:list}`` / ``{names:or}`` (sub-messages joined by ``msg.join.list`` or
``msg.join.or``).  Keys are string literals at every call of :func:`message`, so that
``tests/test_messages.py`` can list every key the code may emit and check that both
catalogues translate it.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from legacyscan.errors import UserError
from legacyscan.files import load_mapping
from legacyscan.model import Arg, Message
from legacyscan.paths import reports_dir

LANGUAGES: tuple[str, ...] = ("fr", "en")


class CatalogueError(UserError, ValueError):
    """A language we have no catalogue for, a catalogue that does not read, a missing key."""


class Term(str):
    """A value from a closed list (a lifecycle status) that each language names its way."""


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every message of one language, keyed by dotted name (``summary.title``)."""
    if lang not in LANGUAGES:
        raise CatalogueError(f"no report language {lang!r} (choose from {', '.join(LANGUAGES)})")
    path = reports_dir() / "i18n" / f"{lang}.yaml"
    return _flatten(load_mapping(path, CatalogueError))


@lru_cache(maxsize=16384)
def _simple_arg(name: str, kind: type, value: str | float) -> Arg:
    # the same few values (a status, "12 points") recur on thousands of devices: one
    # record each, built once
    if kind is Term:
        return Arg(name, term=str(value))
    return Arg(name, number=float(value))


def _arg(name: str, value: object) -> Arg:
    # exact types first: this runs for every value of every sentence of every device
    kind = type(value)
    if kind is str:  # texts are mostly addresses and names: one of a kind, not worth a cache
        return Arg(name, text=value)  # type: ignore[arg-type]
    if kind is int or kind is float or kind is Term:
        return _simple_arg(name, kind, value)
    if kind is Message:
        return Arg(name, messages=(value,))  # type: ignore[arg-type]
    if isinstance(value, list | tuple):
        items = tuple(value)
        if all(type(v) is Message for v in items):
            return Arg(name, messages=items)
    if isinstance(value, bool):
        raise TypeError(f"{name}: a message takes no booleans (use two keys)")
    if isinstance(value, dt.date):
        return Arg(name, date=value)
    if isinstance(value, (int, float)):
        return Arg(name, number=float(value))
    raise TypeError(f"{name}: {type(value).__name__} cannot go into a message")


def message(key: str, /, **values: object) -> Message:
    """``message("lifecycle.candidate", name="Windows 7", status=Term("eol"), reason=...)``:
    each value typed by what it is (text, number, date, term, sentences)."""
    return Message(key, tuple([_arg(name, value) for name, value in values.items()]))


def known(key: str) -> bool:
    """Do the catalogues hold this message key (e.g. one named in a user's data file)?"""
    return all(f"msg.{key}" in catalogue(lang) for lang in LANGUAGES)


@dataclass(frozen=True)
class Style:
    """How one rendering shows values: plain English for machines, or a reader's language."""

    lang: str
    number: Callable[[float, int | None], str]  # decimals None: as many as needed, up to 2
    grouped: Callable[[float], str]
    percent: Callable[[float], str]
    date: Callable[[dt.date], str]
    term: Callable[[str, str], str]  # (group, value)


def _plain_number(value: float, decimals: int | None) -> str:
    if decimals is not None:
        return f"{value:.{decimals}f}"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


PLAIN = Style(
    lang="en",
    number=_plain_number,
    grouped=lambda value: f"{value:,.0f}",
    percent=lambda value: f"{value:.0%}",
    date=lambda value: value.isoformat(),
    term=lambda group, value: value,
)


@cache
def _parsed(template: str) -> tuple[tuple[str, str | None, str], ...]:
    """(literal text, placeholder name or None, its spec) of a catalogue sentence, once."""
    return tuple(
        (literal, name, spec or "") for literal, name, spec, _ in string.Formatter().parse(template)
    )


class _Renderer:
    # str.format machinery, cut to what the catalogues use: it runs for every sentence of
    # every device (string.Formatter itself costs about 100 us a sentence)
    def __init__(self, messages: Mapping[str, str], style: Style) -> None:
        self.messages = messages
        self.style = style

    def render(self, item: Message) -> str:
        try:
            template = self.messages[f"msg.{item.key}"]
        except KeyError:
            raise CatalogueError(
                f"message msg.{item.key} missing from the {self.style.lang} catalogue"
            ) from None
        args = {a.name: a for a in item.args}
        parts = []
        for literal, name, spec in _parsed(template):
            parts.append(literal)
            if name is not None:
                parts.append(self.format_field(args[name], spec))
        return "".join(parts)

    def format_field(self, arg: Arg, format_spec: str) -> str:
        style = self.style
        if arg.text is not None:
            return arg.text
        if arg.number is not None:
            if format_spec == "pct":
                return style.percent(arg.number)
            if format_spec in (",", "money"):
                return style.grouped(arg.number)
            return style.number(arg.number, int(format_spec) if format_spec else None)
        if arg.date is not None:
            return style.date(arg.date)
        if arg.term is not None:
            return style.term(format_spec or arg.name, arg.term)
        if arg.messages is not None:
            joiner = self.messages[f"msg.join.{format_spec or 'list'}"]
            return joiner.join(self.render(m) for m in arg.messages)
        return ""


class _PlainRenderer(_Renderer):
    def __init__(self) -> None:
        super().__init__({}, PLAIN)

    def render(self, item: Message) -> str:
        if not self.messages:  # loaded on first use, not on import
            self.messages = catalogue("en")
        return super().render(item)


_PLAIN_RENDERER = _PlainRenderer()


def render(item: Message, messages: Mapping[str, str], style: Style) -> str:
    """``item`` in the language of ``messages``, values shown the way ``style`` says."""
    return _Renderer(messages, style).render(item)


def plain(item: Message) -> str:
    """The message in plain English: what the CLI prints and scan.json keeps."""
    return _PLAIN_RENDERER.render(item)


def to_data(item: Message) -> dict[str, Any]:
    """JSON form for the exports: ``{"key": ..., "args": {name: value}}``.

    A number or text is the value itself; a date is ``{"date": "YYYY-MM-DD"}``, a term
    ``{"term": "eol"}`` and sub-messages a list of messages.
    """
    args: dict[str, Any] = {}
    for arg in item.args:
        if arg.messages is not None:
            args[arg.name] = [to_data(m) for m in arg.messages]
        elif arg.date is not None:
            args[arg.name] = {"date": arg.date.isoformat()}
        elif arg.term is not None:
            args[arg.name] = {"term": arg.term}
        elif arg.number is not None:
            args[arg.name] = int(arg.number) if arg.number.is_integer() else arg.number
        else:
            args[arg.name] = arg.text
    return {"key": item.key, "args": args}
