"""The records of generative-AI use seen in a hospital's own logs (``legacyscan ai-usage``).

What is kept is what these records hold and nothing else: the destination host (only
when it is an AI service of the catalogue or the policy), the source address and the
inventory device it was given to, counts, bytes where the log records them, and the day.
A URL's path or query string is never read into them; a user appears only as a keyed
pseudonym, and only with ``--keep-users``.
"""

from __future__ import annotations

from dataclasses import dataclass

#: How sure the attribution of a connection to a device is (aiusage/attribution.py).
ATTRIBUTIONS = ("sure", "likely", "unattributed")
#: What kind of log saw the connection: a proxy request, a DNS query, a TLS handshake.
EVIDENCE = ("proxy", "tls", "dns")
AI_KINDS = ("chat", "api", "image", "transcription", "code")
USAGE_FORMAT = "legacyscan-ai-usage"
USAGE_VERSION = 1


@dataclass(frozen=True)
class AiService:
    """One outside AI service of the catalogue (or of the hospital's policy file)."""

    id: str
    name: str
    provider: str
    kind: str
    country: str | None = None  # where the provider says it processes data; None: unpublished
    source: str = ""
    checked: str = ""
    approved: bool = False
    origin: str = "catalogue"  # "catalogue" | "policy"


@dataclass(frozen=True)
class UsageRow:
    """Connections of one day from one source address to one host of one service."""

    day: str  # YYYY-MM-DD (UTC)
    evidence: str
    service: str
    host: str
    address: str
    attribution: str
    connections: int
    device_id: int | None = None
    device: str = ""  # the inventory's name for it (sysName, host name), may be empty
    device_class: str = ""
    segment: str = ""
    site: str = ""
    user: str = ""  # a keyed pseudonym with --keep-users, else empty
    bytes: int | None = None  # None: the log records no sizes


@dataclass(frozen=True)
class InputSummary:
    """One log file as read: its format and what its lines gave."""

    name: str  # the file's name, without its folder
    format: str
    evidence: str
    lines: int
    matched: int
    malformed: int
    first_malformed: tuple[int, ...] = ()
    skipped: int = 0
    note: str = ""  # e.g. a truncated gzip stream, read up to where it ends


@dataclass(frozen=True)
class CatalogueInfo:
    version: str
    digest: str
    services: int


@dataclass(frozen=True)
class AttributionInfo:
    inventory: str  # where the devices came from (file name or database), "" when none
    site: str
    scans: int
    first_scan: str = ""
    last_scan: str = ""
    segments: str = ""  # the segment mapping file's name, "" when none


@dataclass(frozen=True)
class KeptInfo:
    users: str  # "none" | "pseudonymised"
    fields: tuple[str, ...]


@dataclass(frozen=True)
class UsageData:
    """The whole aggregate file ``legacyscan ai-usage -o FILE`` writes."""

    legacyscan_version: str
    generated: str
    catalogue: CatalogueInfo
    attribution: AttributionInfo
    kept: KeptInfo
    inputs: tuple[InputSummary, ...]
    services: tuple[AiService, ...]
    rows: tuple[UsageRow, ...]
    policy: str = ""  # the policy file's name, "" when none
    format: str = USAGE_FORMAT
    version: int = USAGE_VERSION
