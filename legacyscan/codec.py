"""Frozen dataclasses to JSON-ready data and back, driven by their type hints.

scan.json keeps every host's raw observations so that a stored scan can be assessed
again with newer knowledge; the inventory stores the same records.  Rather than one
hand-written converter per record (which silently drops a field somebody adds later),
this module walks the dataclass fields and their annotations: a new field round-trips
as soon as it is declared.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from collections.abc import Callable
from functools import cache, partial
from typing import Any, TypeVar, get_args, get_origin

from legacyscan.model.words import Message, words

T = TypeVar("T")


_NO_DEFAULT: Any = object()


def _empty(default: Any) -> bool:
    # Only empty defaults may be left out: were a default like ``0.5`` changed one day,
    # the files written before would silently read back with the new value.
    return default is None or default is False or (type(default) in (str, tuple) and not default)


_LAYOUTS: dict[type, tuple[tuple[str, Any], ...]] = {}


def _layout(cls: type) -> tuple[tuple[str, Any], ...]:
    """A dataclass's fields and their empty defaults (``_NO_DEFAULT`` when none), once per
    class: ``dataclasses.fields`` is too slow to call for every record of a large scan."""
    layout = _LAYOUTS.get(cls)
    if layout is None:
        layout = _LAYOUTS[cls] = tuple(
            (f.name, f.default if _empty(f.default) else _NO_DEFAULT)
            for f in dataclasses.fields(cls)
        )
    return layout


_SCALARS = frozenset({str, int, float, bool, type(None)})


def to_data(value: Any, compact: bool = False, shared: dict[Any, Any] | None = None) -> Any:
    """A JSON-compatible form: dataclasses become dicts, tuples lists, dates ISO strings.

    ``compact`` leaves out every field that holds its declared empty default (``None``,
    ``()``, ``""``, ``False``): :func:`from_data` gives missing fields their defaults, so
    the records read back the same, and a large scan.json is not mostly ``null``s.
    ``shared`` (a dict the caller keeps for one document) converts a record met again --
    the same object: a fleet's devices share their identified parts -- only once; the
    results then share parts too, so they must not be changed.
    """
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is tuple or kind in _LAYOUTS or dataclasses.is_dataclass(value):
        if shared is None:
            return _converted(value, compact, None)
        known = shared.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        # a sentence is small and made afresh for each device ("6 years past its end"):
        # equal ones are found by value
        key: Any = value if kind is Message else id(value)
        known = shared.get(key) if kind is Message else None
        if known is not None:
            return known[1]
        result = _converted(value, compact, shared)
        if len(shared) >= 50_000:
            shared.clear()  # bounded: what is not shared would only fill it
        shared[key] = (value, result)  # the value kept, so that its id stays its own
        return result
    if isinstance(value, list | tuple):
        return [to_data(v, compact, shared) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _converted(value: Any, compact: bool, shared: dict[Any, Any] | None) -> Any:
    if isinstance(value, tuple):
        return [v if type(v) in _SCALARS else to_data(v, compact, shared) for v in value]
    if isinstance(value, type):
        return value
    return fields_data(value, compact, shared)


def fields_data(
    value: object,
    compact: bool = False,
    shared: dict[Any, Any] | None = None,
    without: tuple[str, ...] = (),
) -> dict[str, Any]:
    """:func:`to_data` of one record's fields, those named in ``without`` left out."""
    result = {}
    for name, default in _layout(type(value)):
        if without and name in without:
            continue
        item = getattr(value, name)
        if compact and default is not _NO_DEFAULT and (item is default or item == default):
            continue
        # scalars inline: most fields are, and a call per field is what a large scan costs
        result[name] = item if type(item) in _SCALARS else to_data(item, compact, shared)
    return result


class DataShapeError(TypeError, ValueError):
    """Data of the wrong shape, with where it is: ``devices[3].observed.services: ...``."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where, self.problem = where, problem


def _located(where: str, exc: TypeError | ValueError) -> DataShapeError:
    if isinstance(exc, DataShapeError):
        inner = exc.where if exc.where.startswith("[") else f".{exc.where}"
        return DataShapeError(f"{where}{inner}", exc.problem)
    return DataShapeError(where, str(exc)[:160])


def from_data(cls: type[T], data: Any) -> T:
    """Rebuild a ``cls`` from :func:`to_data`'s output; missing fields take their defaults.

    Raises ``DataShapeError`` (a ``TypeError`` and a ``ValueError``) on data of the wrong
    shape, naming the field where it is.
    """
    result: T = _converter(cls)(data)
    return result


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


Converter = Callable[[Any], Any]
#: one converter per type hint, made once: reading a scan of 100,000 devices must not
#: inspect the same annotations millions of times
_CONVERTERS: dict[Any, Converter] = {}


def _converter(hint: Any) -> Converter:
    known = _CONVERTERS.get(hint)
    if known is None:
        known = _CONVERTERS[hint] = _make_converter(hint)
    return known


def _make_converter(hint: Any) -> Converter:
    origin = get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in get_args(hint) if a is not type(None)]
        return partial(_optional, _Lazy(options[0]))
    if origin is typing.Literal:
        return partial(_literal, get_args(hint))
    if origin is tuple:
        args = get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return partial(_tuple_of, _Lazy(args[0]))
        return partial(_fixed_tuple, tuple(_Lazy(a) for a in args))
    if hint is Message:
        return partial(_message, _Record(hint))
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _Record(hint)
    if hint is dt.date:
        return _date
    if hint is float:
        return _float
    if hint in (str, int, bool):
        return partial(_scalar, hint)
    return _same


class _Lazy:
    """A converter found when first used: records refer to themselves (a message's
    arguments hold messages)."""

    def __init__(self, hint: Any) -> None:
        self.hint = hint
        self.convert: Converter | None = None

    def __call__(self, data: Any) -> Any:
        if self.convert is None:
            self.convert = _converter(self.hint)
        return self.convert(data)


class _Record:
    def __init__(self, cls: type) -> None:
        self.cls = cls
        self.fields: list[tuple[str, Converter]] | None = None

    def __call__(self, data: Any) -> Any:
        cls = self.cls
        if not isinstance(data, dict):
            raise TypeError(f"expected an object for {cls.__name__}, got {type(data).__name__}")
        if self.fields is None:
            hints = _hints(cls)
            self.fields = [
                (f.name, _Lazy(hints[f.name])) for f in dataclasses.fields(cls) if f.init
            ]
        kwargs = {}
        for name, convert in self.fields:
            if name in data:
                try:
                    kwargs[name] = convert(data[name])
                except (TypeError, ValueError) as exc:
                    raise _located(name, exc) from None
        return cls(**kwargs)


def _message(record: Converter, data: Any) -> Any:
    if isinstance(data, str):
        return words(data)  # a sentence stored as text, before it was a message
    return record(data)


def _optional(convert: Converter, data: Any) -> Any:
    return None if data is None else convert(data)


def _literal(allowed: tuple[Any, ...], data: Any) -> Any:
    if data not in allowed:
        raise ValueError(f"{data!r} is not one of {allowed}")
    return data


def _tuple_of(convert: Converter, data: Any) -> tuple[Any, ...]:
    if not isinstance(data, list | tuple):
        raise TypeError(f"expected a list, got {type(data).__name__}")
    items = []
    for index, item in enumerate(data):
        try:
            items.append(convert(item))
        except (TypeError, ValueError) as exc:
            raise _located(f"[{index}]", exc) from None
    return tuple(items)


def _fixed_tuple(converts: tuple[Converter, ...], data: Any) -> tuple[Any, ...]:
    if not isinstance(data, list | tuple):
        raise TypeError(f"expected a list, got {type(data).__name__}")
    if len(converts) != len(data):
        raise ValueError(f"expected {len(converts)} items, got {len(data)}")
    items = []
    for index, (convert, item) in enumerate(zip(converts, data, strict=True)):
        try:
            items.append(convert(item))
        except (TypeError, ValueError) as exc:
            raise _located(f"[{index}]", exc) from None
    return tuple(items)


def _date(data: Any) -> dt.date:
    if not isinstance(data, str):
        raise TypeError(f"expected a date (YYYY-MM-DD), got {type(data).__name__}")
    return dt.date.fromisoformat(data)


def _float(data: Any) -> float:
    # a tampered file may hold anything where a score is due ("points": "many")
    if isinstance(data, int | float) and not isinstance(data, bool):
        return float(data)
    raise TypeError(f"expected a number, got {type(data).__name__}")


def _scalar(hint: type, data: Any) -> Any:
    if not isinstance(data, hint):
        raise TypeError(f"expected {hint.__name__}, got {type(data).__name__}")
    if hint is int and isinstance(data, bool):
        raise TypeError("expected int, got bool")
    return data


def _same(data: Any) -> Any:
    return data
