"""Reading and writing files, one way each: the YAML loader and the atomic writer.

``load_yaml`` reads every YAML file of the package -- knowledge under ``fingerprints/`` and
the user's own (credentials, segments, costs, what-if changes, report settings) -- with
libyaml's C loader when it is there (several times faster: the knowledge is read at every
command), and turns every failure into one line naming the file, the line and the problem,
raised as the caller's own ``UserError`` subclass.

``atomic_open`` / ``atomic_write`` write beside the target and rename over it, so that a
reader (or a kill) sees the old file or the new one, never half of one; a failure removes
the partial file and is one line too.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal, overload

import yaml

from legacyscan.errors import UserError

_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: no implicit types: every scalar stays the text written (YAML 1.1 would read the
#: community 0123 as 83, 0x1F as 31, 1:30 as 90 and yes as True); no tag is constructed
_StringBase: type[yaml.BaseLoader] = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


class _NoDuplicateKeys:
    """Refuse a key given twice in one mapping: YAML keeps the last silently, and a
    vendor, a rule or a credential's community would vanish."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":  # "<<:" merges are overridable
                continue
            key = self.construct_object(key_node, deep=deep)  # type: ignore[attr-defined]
            try:
                duplicate = key in seen
            except TypeError:  # an unhashable key: the constructor below says so
                break
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {str(key)[:60]!r} appears twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc,no-any-return]


class _Loader(_NoDuplicateKeys, _Base):  # type: ignore[valid-type,misc]
    """The safe loader (C parser when present), duplicate keys refused."""


class _StringLoader(_NoDuplicateKeys, _StringBase):  # type: ignore[valid-type,misc]
    """Every scalar a string (C parser when present), duplicate keys refused."""


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """One line from a multi-line YAML error: where, then what."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return f"{where}{problem}"


#: values a YAML document may hold once its aliases are expanded: far above any real
#: file (the largest knowledge file holds a few ten thousand), far below an alias bomb
#: ("billion laughs": nine aliases of nine aliases... expand to 9**9 values), which
#: would make the first str() or loop over it run for hours
MAX_EXPANDED_VALUES = 2_000_000


def _expanded_size(data: Any) -> int:
    """How many values ``data`` holds with every alias expanded; linear in its distinct
    containers (each is measured once).  A container that holds itself is refused."""
    sizes: dict[int, int] = {}
    open_: set[int] = set()

    def size(value: Any) -> int:
        if not isinstance(value, dict | list):
            return 1
        key = id(value)
        if key in sizes:
            return sizes[key]
        if key in open_:
            raise ValueError("a YAML alias refers to the value that holds it")
        open_.add(key)
        items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
        total = 1 + sum(size(item) for item in items)
        open_.discard(key)
        sizes[key] = total
        return total

    return size(data)


def parse_yaml(
    text: str,
    origin: str,
    error: type[UserError] = UserError,
    secret: bool = False,
    strings: bool = False,
) -> Any:
    """Parse YAML ``text`` read from ``origin`` (a path or a description, for messages).

    ``secret``: the text may hold secrets, so an error says where it is, never what.
    ``strings``: every scalar is returned as the string written (no numbers, booleans,
    dates or nulls; an empty value is ``""``), for files whose values are secrets.
    """
    loader = _StringLoader if strings else _Loader
    try:
        data = yaml.load(text, Loader=loader)  # noqa: S506 -- a safe loader, C or Python
        if "*" in text and _expanded_size(data) > MAX_EXPANDED_VALUES:
            raise error(
                f"{origin}: YAML aliases expand to more than {MAX_EXPANDED_VALUES:,} values"
            )
        return data
    except yaml.YAMLError as exc:
        problem = _yaml_problem(exc)
        if secret:
            problem = problem.split(": ", 1)[0] if problem.startswith("line ") else "syntax"
        raise error(f"{origin}: not valid YAML ({problem})") from None
    except RecursionError:
        raise error(f"{origin}: YAML nested too deeply") from None
    except UserError:
        raise
    except (ValueError, OverflowError) as exc:
        # a scalar the safe constructor cannot build: a date such as 2026-13-45, or an
        # integer of more than 4,300 digits (Python refuses to convert it)
        problem = "syntax" if secret else str(exc).split(":")[0][:80]
        raise error(f"{origin}: not valid YAML (a value cannot be read: {problem})") from None


def read_text(path: Path, error: type[UserError] = UserError) -> str:
    """A text file as UTF-8, any failure one line."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise error(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror or exc})") from None


def load_yaml(
    path: Path,
    error: type[UserError] = UserError,
    empty: Any = None,
    secret: bool = False,
    strings: bool = False,
) -> Any:
    """The YAML document in ``path``; ``empty`` when the file holds none (see ``parse_yaml``)."""
    data = parse_yaml(read_text(path, error), str(path), error, secret, strings)
    return empty if data is None else data


def load_mapping(path: Path, error: type[UserError] = UserError) -> dict[str, Any]:
    """A YAML file whose document must be a mapping (an empty file is an empty mapping)."""
    data = load_yaml(path, error, empty={})
    if not isinstance(data, dict):
        raise error(f"{path}: expected a YAML mapping at the top, found {type(data).__name__}")
    return data


@overload
def atomic_open(
    path: Path, mode: Literal["w"] = "w", *, error: type[UserError] = ..., durable: bool = ...,
    encoding: str = ..., newline: str | None = ...,
) -> contextlib.AbstractContextManager[IO[str]]: ...  # fmt: skip
@overload
def atomic_open(
    path: Path, mode: Literal["wb"], *, error: type[UserError] = ..., durable: bool = ...,
    encoding: str = ..., newline: str | None = ...,
) -> contextlib.AbstractContextManager[IO[bytes]]: ...  # fmt: skip
def atomic_open(
    path: Path,
    mode: str = "w",
    *,
    error: type[UserError] = UserError,
    durable: bool = False,
    encoding: str = "utf-8",
    newline: str | None = None,
) -> contextlib.AbstractContextManager[IO[Any]]:
    """Open a temporary file beside ``path``; on success it replaces ``path``.

    ``durable`` also flushes the file and its folder to disk (chunks a resume relies on).
    """
    return _atomic(path, mode, error, durable, encoding, newline)


@contextlib.contextmanager
def _atomic(
    path: Path, mode: str, error: type[UserError], durable: bool, encoding: str,
    newline: str | None,
) -> Iterator[IO[Any]]:  # fmt: skip
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        if "b" in mode:
            handle: IO[Any] = open(tmp, mode)  # noqa: SIM115 -- closed below
        else:
            handle = open(tmp, mode, encoding=encoding, newline=newline)  # noqa: SIM115
    except FileNotFoundError:
        raise error(f"cannot write {path}: folder {path.parent} does not exist") from None
    except OSError as exc:
        raise error(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with handle:
            yield handle
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise error(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if durable:
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)  # the rename itself must survive a crash
        finally:
            os.close(folder)


def atomic_write(
    path: Path, data: str | bytes, *, error: type[UserError] = UserError, durable: bool = False
) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` atomically."""
    if isinstance(data, bytes):
        with atomic_open(path, "wb", error=error, durable=durable) as binary:
            binary.write(data)
    else:
        with atomic_open(path, "w", error=error, durable=durable) as text:
            text.write(data)
