"""CPE names, read one way for every stage: identities carry them (identify's CPE
table turns each into a candidate) and end-of-life records are keyed by them.

nmap (``cpe:/o:cisco:ios:12.2``), Recog and our own rules (``cpe:2.3:o:cisco:ios:...``)
name products by CPE.  A record in ``fingerprints/eol`` (or one imported from
endoflife.date, whose ``identifiers`` list CPEs) may carry ``cpe:`` keys; the database
indexes them, so that an identity whose vocabulary name has no record, but whose CPE
does, is judged without a mapping per rule.

A key is written in the CPE 2.3 formatted-string form, ``cpe:2.3:<part>:<vendor>:
<product>[:<version>]``, in the 2.2 URI form (``cpe:/o:cisco:ios``, as endoflife.date
lists them), or as the short ``<vendor>:<product>[:<version>]`` (any part).  A version
in a key is a regular expression the CPE's version must match whole
(``cpe:2.3:o:microsoft:windows_server_2008:r2``); ``*`` or nothing means any version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A CPE's "any" and "not applicable" values (NISTIR 7695): no version to judge.
_NO_VALUE = frozenset({"", "*", "-"})
_UNESCAPED_COLON = re.compile(r"(?<!\\):")


class CpeError(ValueError):
    """A string that is not a CPE name, or a key that is not a valid pattern."""


@dataclass(frozen=True)
class Cpe:
    """The parts of a CPE name that choose a lifecycle: part, vendor, product, version."""

    part: str | None  # "a" | "o" | "h"; None: any (a short key)
    vendor: str
    product: str
    version: str | None  # None: any / not applicable
    update: str | None = None  # the field after the version ("sp1")

    @property
    def product_key(self) -> tuple[str, str]:
        return (self.vendor, self.product)

    @property
    def formatted(self) -> str:
        """The CPE 2.3 formatted string, 13 fields (``*`` where a field is any)."""
        fields = [self.part or "*", self.vendor, self.product, self.version or "*",
                  self.update or "*"] + ["*"] * 6  # fmt: skip
        return "cpe:2.3:" + ":".join(re.sub(r"([:\\])", r"\\\1", f) if f != "*" else f
                                     for f in fields)  # fmt: skip


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


def parse_cpe(text: str) -> Cpe:
    """A CPE 2.3 formatted string, a 2.2 URI, or a short ``vendor:product[:version]``."""
    raw = text.strip()
    lowered = raw.lower()
    if lowered.startswith("cpe:2.3:"):
        fields = _UNESCAPED_COLON.split(raw[len("cpe:2.3:") :])
    elif lowered.startswith("cpe:/"):
        fields = raw[len("cpe:/") :].split(":")
    elif not lowered.startswith("cpe:") and raw.count(":") >= 1:
        fields = ["", *raw.split(":")]
    else:
        raise CpeError(f"not a CPE name: {text!r}")
    if len(fields) < 3 or not fields[1] or not fields[2] or fields[1] == "*":
        raise CpeError(f"a CPE name needs a vendor and a product: {text!r}")
    part = fields[0].lower()
    if part not in ("", "a", "o", "h", "*"):
        raise CpeError(f"a CPE part is a, o or h, got {fields[0]!r} in {text!r}")
    version = _unescape(fields[3]) if len(fields) > 3 else ""
    update = _unescape(fields[4]).lower() if len(fields) > 4 else ""
    return Cpe(
        part=part if part in ("a", "o", "h") else None,
        vendor=_unescape(fields[1]).lower(),
        product=_unescape(fields[2]).lower(),
        version=None if version in _NO_VALUE else version,
        update=None if update in _NO_VALUE else update,
    )


def try_parse(text: str | None) -> Cpe | None:
    if not text:
        return None
    try:
        return parse_cpe(text)
    except CpeError:
        return None


def observed_cpe(text: str) -> Cpe | None:
    """A CPE a scanner or a rule printed: a full name (``cpe:/`` or ``cpe:2.3:``) with its
    part; None for anything else (short keys are for records only)."""
    if not text.strip().lower().startswith(("cpe:/", "cpe:2.3:")):
        return None
    cpe = try_parse(text)
    return cpe if cpe is not None and cpe.part is not None else None


@dataclass(frozen=True)
class CpeKey:
    """A record's ``cpe:`` key: which CPE names it answers for."""

    text: str
    cpe: Cpe

    @classmethod
    def parse(cls, text: str) -> CpeKey:
        cpe = parse_cpe(text)
        if cpe.version is not None:
            try:
                re.compile(cpe.version)
            except re.error as exc:
                raise CpeError(f"version in CPE key {text!r} is not a valid regex: {exc}") from exc
        return cls(text, cpe)

    def matches(self, observed: Cpe) -> bool:
        key = self.cpe
        if key.product_key != observed.product_key:
            return False
        if key.part is not None and observed.part is not None and key.part != observed.part:
            return False
        if key.version is None:
            return True
        return (
            observed.version is not None and re.fullmatch(key.version, observed.version) is not None
        )
