"""Reading and writing files, one way each: the YAML loader and the atomic writer.

``load_yaml`` reads every YAML file of the package -- knowledge under ``fingerprints/`` and
the user's own (credentials, segments, costs, what-if changes, report settings) -- with
libyaml's C loader when it is there (several times faster: the knowledge is read at every
command), and turns every failure into one line naming the file, the line and the problem,
raised as the caller's own ``UserError`` subclass.

``read_limited`` is the one way a user's file is read: a FIFO, a device or a folder is
refused *before* it is opened (opening a FIFO with no writer blocks for ever, reading
``/dev/zero`` never ends), and a file larger than the caller's limit is refused after
reading at most one byte more than the limit.  ``read_input`` also decompresses gzip
(told by its magic bytes, not its name), bounded by the same limit.

``atomic_open`` / ``atomic_write`` write beside the target and rename over it, so that a
reader (or a kill) sees the old file or the new one, never half of one; a failure removes
the partial file and is one line too.
"""

from __future__ import annotations

import contextlib
import os
import stat
import zlib
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


#: The default bound of a user's text file (credentials, segments, costs, target lists).
MAX_TEXT_BYTES = 64 << 20
GZIP_MAGIC = b"\x1f\x8b"


def _size(limit: int) -> str:
    return f"{limit >> 20} MiB" if limit >= 1 << 20 else f"{limit} bytes"


def read_limited(path: Path, limit: int, error: type[UserError] = UserError) -> bytes:
    """The bytes of the regular file ``path``, refused when larger than ``limit``."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise error(
                f"{path}: not a regular file (a pipe, a device or a folder); "
                "save its content to a file first"
            )
        # O_NONBLOCK: were it swapped for a FIFO since the check, open would not block.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise error(f"{path}: not a regular file")
            data = handle.read(limit + 1)
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise error(f"{path}: larger than {_size(limit)}; not read")
    return data


def gunzip_limited(
    data: bytes, limit: int, origin: str, error: type[UserError] = UserError
) -> bytes:
    """Decompress gzip ``data`` (every member), refusing more than ``limit`` bytes out."""
    out: list[bytes] = []
    total = 0
    rest = data
    try:
        while rest:
            inflater = zlib.decompressobj(wbits=31)
            chunk = inflater.decompress(rest, limit + 1 - total)
            total += len(chunk)
            out.append(chunk)
            if total > limit or inflater.unconsumed_tail:
                raise error(f"{origin}: larger than {_size(limit)} once decompressed; not read")
            if not inflater.eof:
                raise error(f"{origin}: truncated gzip data")
            rest = inflater.unused_data
            if rest and not rest.startswith(GZIP_MAGIC):
                break  # trailing garbage after the last member, as gzip(1) ignores it
    except zlib.error as exc:
        raise error(f"{origin}: not valid gzip data ({exc})") from None
    return b"".join(out)


def read_input(path: Path, limit: int, error: type[UserError] = UserError) -> bytes:
    """A user's input file, gunzipped when it is gzip (magic bytes), at most ``limit``."""
    data = read_limited(path, limit, error)
    if data.startswith(GZIP_MAGIC):
        return gunzip_limited(data, limit, str(path), error)
    return data


def read_text(path: Path, error: type[UserError] = UserError, limit: int = MAX_TEXT_BYTES) -> str:
    """A text file as UTF-8, any failure one line; FIFOs, devices and huge files refused."""
    try:
        return read_limited(path, limit, error).decode("utf-8")
    except UnicodeDecodeError:
        raise error(f"{path}: not UTF-8 text") from None


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
