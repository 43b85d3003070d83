"""Rapid7 Recog fingerprints as a lower-priority rule source, where the user has them.

Recog (github.com/rapid7/recog, BSD-2-Clause) is the XML fingerprint database that
Metasploit and runZero use: files of ``<fingerprint pattern="...">`` with ``<example>``
values and ``<param pos="N" name="os.vendor" value="..."/>`` (``pos`` 0: a constant,
otherwise a capture group).  ``load_recog`` turns each fingerprint of a field we observe
into a ``Rule`` tried after the bundled rules (priority 95): its CPE (``*.cpe23``) is mapped
through ``tables/cpe.yaml``, its names through ``vocabulary.yaml`` (ignoring case), and
its device kind (``hw.device``, ``os.device``) to a class signal.  A fingerprint naming a
vendor we do not know names no identity; nothing is downloaded, and nothing is read unless
the user points at a folder (``recog_folders`` finds the copy Metasploit installs).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree  # only for types and ParseError
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from legacyscan.cpe import observed_cpe
from legacyscan.identify.rules import ClassHint, Example, IdentityTemplate, Rule
from legacyscan.identify.tables import Tables

#: Recog's ``matches`` attribute -> our field, and the prefix Recog's examples leave out
FIELDS: Mapping[str, tuple[str, str]] = {
    "snmp.sys_description": ("snmp.sysDescr", ""),
    "ftp.banner": ("ftp.banner", r"(?:\d{3}[ -])?"),
    "smtp.banner": ("smtp.banner", r"(?:\d{3}[ -])?"),
    "ssh.banner": ("ssh.banner", r"(?:SSH-\d+\.\d+-)?"),
    "telnet.banner": ("telnet.banner", ""),
    "http_header.server": ("http.server", ""),
    "html_title": ("http.title", ""),
}

#: Recog's file names for those databases (used when a file has no ``matches``)
FILE_NAMES: Mapping[str, str] = {
    "snmp_sysdescr": "snmp.sys_description",
    "ftp_banners": "ftp.banner",
    "smtp_banners": "smtp.banner",
    "ssh_banners": "ssh.banner",
    "telnet_banners": "telnet.banner",
    "http_servers": "http_header.server",
    "html_title": "html_title",
}

#: Recog device kinds -> our class and type
DEVICE_CLASSES: Mapping[str, tuple[str, str | None]] = {
    "printer": ("printer", None),
    "multifunction device": ("printer", None),
    "print server": ("printer", "print-server"),
    "ups": ("power", "ups"),
    "pdu": ("power", "pdu"),
    "power device": ("power", None),
    "ip camera": ("iot", "camera"),
    "camera": ("iot", "camera"),
    "switch": ("network", "switch"),
    "router": ("network", "router"),
    "firewall": ("network", "firewall"),
    "wap": ("network", "wireless"),
    "wireless access point": ("network", "wireless"),
    "nas": ("server", "storage"),
    "storage": ("server", "storage"),
    "voip": ("iot", "ip-phone"),
    "ip phone": ("iot", "ip-phone"),
    "medical device": ("medical", None),
}

#: where Metasploit installs its copy of Recog
METASPLOIT_GLOBS = (
    "/usr/share/metasploit-framework/vendor/bundle/ruby/*/gems/recog-*/xml",
    "/opt/metasploit-framework/embedded/framework/vendor/bundle/ruby/*/gems/recog-*/xml",
)

_FLAGS = {"REG_ICASE": re.IGNORECASE, "REG_MULTILINE": re.MULTILINE, "REG_DOT_NEWLINE": re.DOTALL}
_NAMED_GROUP = re.compile(r"\(\?<(?![=!])(\w+)>")
_PARAM_REF = re.compile(r"\{([\w.]+)\}")


def recog_folders() -> list[Path]:
    """Metasploit's copies of Recog's XML folder, when Metasploit is installed."""
    found: list[Path] = []
    for pattern in METASPLOIT_GLOBS:
        root = Path("/")
        found.extend(p for p in sorted(root.glob(pattern.lstrip("/"))) if p.is_dir())
    return found


def _python_pattern(pattern: str, prefix: str, flags: int) -> re.Pattern[str] | None:
    """A Ruby regex as Python's: named groups, ``\\z``; the left-out prefix made optional."""
    text = _NAMED_GROUP.sub(r"(?P<\1>", pattern).replace(r"\z", r"\Z")
    if prefix and text.startswith("^"):
        text = "^" + prefix + text[1:]
    try:
        return re.compile(text, flags)
    except re.error:
        return None


def _vocabulary_name(
    vocabulary: Mapping[str, Sequence[str]], vendor: str, product: str
) -> tuple[str, str] | None:
    """Our (vendor, product) for Recog's names, ignoring case; product "" when only the
    vendor is ours."""
    ours = {v.lower(): v for v in vocabulary}.get(vendor.strip().lower())
    if ours is None:
        return None
    products = {p.lower(): p for p in vocabulary[ours]}
    wanted = product.strip().lower()
    return ours, products.get(wanted) or products.get(f"{vendor} {product}".strip().lower(), "")


def _template(value: str | None, groups: Mapping[str, int]) -> str | None:
    """A param's value with ``{other.param}`` references as our group names (``g1``)."""
    if value is None:
        return None
    return _PARAM_REF.sub(
        lambda m: f"{{g{groups[m.group(1)]}}}" if m.group(1) in groups else "", value
    )


def _rule(
    node: ElementTree.Element,
    field: str,
    prefix: str,
    origin: str,
    position: int,
    vocabulary: Mapping[str, Sequence[str]],
    tables: Tables,
) -> Rule | None:
    bits = 0
    for flag in (node.get("flags") or "").split(","):
        bits |= _FLAGS.get(flag.strip(), 0)
    pattern = _python_pattern(node.get("pattern") or "", prefix, bits)
    if pattern is None:
        return None
    constants: dict[str, str] = {}
    positions: dict[str, int] = {}
    for param in node.findall("param"):
        name, pos = param.get("name") or "", int(param.get("pos") or 0)
        if pos:
            positions[name] = pos
        elif param.get("value") is not None:
            constants[name] = str(param.get("value"))
    identity = None
    for scope, kind in (("os", "os"), ("service", "application"), ("hw", "hardware")):
        version = (
            f"{{g{positions[f'{scope}.version']}}}"
            if f"{scope}.version" in positions
            else _template(constants.get(f"{scope}.version"), positions)
        )
        named: tuple[str, str] | None = None
        cpe = constants.get(f"{scope}.cpe23")
        parsed = observed_cpe(cpe) if cpe else None
        if parsed is not None:
            row = tables.cpes.get(f"{parsed.part}:{parsed.vendor}:{parsed.product}")
            if row is not None and row.row.vendor:
                named = (row.row.vendor, row.row.product)
        if named is None and constants.get(f"{scope}.vendor"):
            named = _vocabulary_name(
                vocabulary, constants[f"{scope}.vendor"], constants.get(f"{scope}.product", "")
            )
        if named is not None:
            identity = IdentityTemplate(
                kind=kind,
                vendor=named[0],
                product=named[1],
                version=version or None,
                cpe=None,
                confidence=0.5,
            )
            break
    device = (constants.get("hw.device") or constants.get("os.device") or "").strip().lower()
    classify = None
    if device in DEVICE_CLASSES:
        device_class, device_type = DEVICE_CLASSES[device]
        classify = ClassHint(device_class, device_type, 0.4)
    if identity is None and classify is None:
        return None
    examples = tuple(
        Example(value=(example.text or ""), context=(), expect=(), source=f"Recog {origin}")
        for example in node.findall("example")
        if example.get("_encoding") is None
    )
    return Rule(
        id=f"recog.{origin}.{position + 1}",
        field=field,
        pattern=pattern,
        when=(),
        identity=identity,
        classify=classify,
        examples=examples,
        priority=95,
        origin=f"recog/{origin}",
    )


def load_recog(
    folders: Iterable[Path], vocabulary: Mapping[str, Sequence[str]], tables: Tables
) -> tuple[Rule, ...]:
    """Every usable fingerprint of the Recog XML files of ``folders``, as rules."""
    made: list[Rule] = []
    for folder in folders:
        for path in sorted(Path(folder).glob("*.xml")):
            try:
                # defusedxml: a user's file, parsed without entity expansion
                root = SafeET.parse(path).getroot()
            except (ElementTree.ParseError, DefusedXmlException):
                continue  # not a Recog file we can read: skipped, the rest still loads
            if root is None:
                continue
            # xml/fingerprints.xsd: without `matches`, the database is named by its file
            matches = root.get("matches") or FILE_NAMES.get(path.stem, "")
            field, prefix = FIELDS.get(matches, ("", ""))
            if not field:
                continue
            for position, node in enumerate(root.findall("fingerprint")):
                rule = _rule(node, field, prefix, path.name, position, vocabulary, tables)
                if rule is not None:
                    made.append(rule)
    return tuple(made)
