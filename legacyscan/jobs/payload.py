"""What a job message carries: the scan asked for, named by labels, never a secret.

A message comes from the broker, which the worker does not trust more than a file a
user hands over: ``JobPayload.from_message`` checks every key and type and refuses
anything else.  SNMP credentials stay on the worker (its policy's credentials file); a
job names the ones to try by their labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from legacyscan.collect.nmap.plan import ScanRequest
from legacyscan.errors import UserError

#: Site and vantage names become queue names: short, plain, lower case.
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
_LABEL = re.compile(r"^[\w .@/+-]{1,64}$")
MAX_ITEMS = 10_000  # targets and exclusions in one message: write ranges beyond that
QUEUE_PREFIX = "legacyscan.site."


class PayloadError(UserError, ValueError):
    """A job message or option that is not a valid job; one line says what."""


def check_name(value: str, what: str) -> str:
    if not NAME.match(value):
        raise PayloadError(
            f"bad {what} name {value!r}: lower-case letters, digits, '.', '_' or '-' "
            "(at most 63, starting with a letter or digit)"
        )
    return value


def queue_name(site: str, vantage: str = "") -> str:
    """The queue of a site (``legacyscan.site.chu-nord``) or of one of its vantage points."""
    return QUEUE_PREFIX + site + (f".{vantage}" if vantage else "")


@dataclass(frozen=True)
class JobPayload:
    site: str
    profile: str
    targets: tuple[str, ...]
    vantage: str = ""
    exclude: tuple[str, ...] = ()
    tcp_ports: tuple[int, ...] = ()
    chunk_size: int | None = None
    parallel: int | None = None
    second_pass: bool | None = None  # None: the profile's choice
    allow_public: bool = False  # what the dispatcher authorised; the worker's policy too
    max_hosts: int = 65_536
    snmp_labels: tuple[str, ...] = ()  # credentials of the worker to try; () = all of them
    snmp_sweep: bool = False
    job_id: int = 0  # 0 until the inventory has recorded the job
    schedule_id: int = 0

    @property
    def queue(self) -> str:
        return queue_name(self.site, self.vantage)

    def request(self, exclude: tuple[str, ...] = ()) -> ScanRequest:
        """The scan request made of this job, with more exclusions (the worker's own)."""
        return ScanRequest(
            targets=self.targets,
            exclude=self.exclude + exclude,
            profile=self.profile,
            tcp_ports=self.tcp_ports,
            chunk_size=self.chunk_size,
            parallel=self.parallel,
        )

    def to_message(self) -> dict[str, Any]:
        """Plain JSON data: what goes on the broker and into the inventory."""
        return {
            "version": 1,
            "job_id": self.job_id,
            "schedule_id": self.schedule_id,
            "site": self.site,
            "vantage": self.vantage,
            "profile": self.profile,
            "targets": list(self.targets),
            "exclude": list(self.exclude),
            "tcp_ports": list(self.tcp_ports),
            "chunk_size": self.chunk_size,
            "parallel": self.parallel,
            "second_pass": self.second_pass,
            "allow_public": self.allow_public,
            "max_hosts": self.max_hosts,
            "snmp_labels": list(self.snmp_labels),
            "snmp_sweep": self.snmp_sweep,
        }

    @classmethod
    def from_message(cls, data: object) -> JobPayload:
        """A payload from untrusted data: every key known, every value of its type."""
        if not isinstance(data, dict):
            raise PayloadError("a job message must be a JSON object")
        expected = set(cls(site="x", profile="x", targets=()).to_message())
        unknown = sorted(str(k) for k in set(data) - expected)
        missing = sorted(expected - set(data))
        if unknown or missing:
            raise PayloadError(
                f"bad job message: unknown keys {unknown or 'none'}, missing {missing or 'none'}"
            )
        if data["version"] != 1:
            raise PayloadError(f"job message version {data['version']!r} is not 1")
        return cls(
            job_id=_int(data, "job_id", 0),
            schedule_id=_int(data, "schedule_id", 0),
            site=check_name(_str(data, "site"), "site"),
            vantage=_vantage(_str(data, "vantage")),
            profile=_str(data, "profile"),
            targets=_strings(data, "targets"),
            exclude=_strings(data, "exclude"),
            tcp_ports=tuple(_port(p) for p in _list(data, "tcp_ports")),
            chunk_size=_optional_int(data, "chunk_size"),
            parallel=_optional_int(data, "parallel"),
            second_pass=_optional_bool(data, "second_pass"),
            allow_public=_bool(data, "allow_public"),
            max_hosts=_int(data, "max_hosts", 1),
            snmp_labels=tuple(check_label(v) for v in _strings(data, "snmp_labels")),
            snmp_sweep=_bool(data, "snmp_sweep"),
        )


def _vantage(value: str) -> str:
    return check_name(value, "vantage") if value else ""


def _str(data: dict[str, Any], key: str) -> str:
    value = data[key]
    if not isinstance(value, str) or len(value) > 256:
        raise PayloadError(f"bad job message: {key} must be a short string")
    return value


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data[key]
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        raise PayloadError(f"bad job message: {key} must be a list of at most {MAX_ITEMS}")
    return value


def _strings(data: dict[str, Any], key: str) -> tuple[str, ...]:
    values = _list(data, key)
    if not all(isinstance(v, str) and len(v) <= 256 for v in values):
        raise PayloadError(f"bad job message: {key} must hold short strings")
    return tuple(values)


def _int(data: dict[str, Any], key: str, low: int) -> int:
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise PayloadError(f"bad job message: {key} must be an integer of at least {low}")
    return value


def _optional_int(data: dict[str, Any], key: str) -> int | None:
    return None if data[key] is None else _int(data, key, 1)


def _bool(data: dict[str, Any], key: str) -> bool:
    value = data[key]
    if not isinstance(value, bool):
        raise PayloadError(f"bad job message: {key} must be true or false")
    return value


def _optional_bool(data: dict[str, Any], key: str) -> bool | None:
    return None if data[key] is None else _bool(data, key)


def _port(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 65536:
        raise PayloadError(f"bad job message: port {value!r} out of range")
    return value


def check_label(value: str) -> str:
    """An SNMP credential's label as jobs name it (the secret stays on the worker)."""
    if not _LABEL.match(value):
        raise PayloadError(f"bad credential label {value!r}")
    return value
