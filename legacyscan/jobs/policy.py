"""A worker's local policy: what this scanner may ever scan, whatever a job asks.

The file stays on the scanner (``legacyscan worker --policy FILE``)::

    site: chu-nord
    vantages: [dc-vlan5]            # vantage points this scanner stands at (optional)
    networks: [10.20.0.0/16]        # every address of a job must be inside these
    exclude: [10.20.9.0/24]         # never sent a packet, whatever the job says
    profiles: [clinical-safe]       # the scan profiles it accepts
    max_hosts: 4096                 # the largest scope it accepts
    allow_public: false             # globally routable addresses (default false)
    allow_printer_ports: false
    snmp:
      credentials: /etc/legacyscan/snmp-credentials.yaml   # jobs name these by label
      port: 161
    work_dir: /var/lib/legacyscan/jobs   # nmap's working files, one folder per job

:meth:`SitePolicy.check` plans the job with ``plan_request`` (every guard of ``scan``)
under the policy's own authorisation, then refuses it unless every address is inside
``networks``, the profile is listed and every credential label exists.  It runs before
any packet; a refusal is a :class:`PolicyRefusal` whose one line says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netaddr import IPSet

from legacyscan.collect.nmap.plan import Authorisation, ScanPlan, plan_request
from legacyscan.collect.nmap.profiles import load_profiles
from legacyscan.collect.scope import DEFAULT_MAX_HOSTS, address_set
from legacyscan.collect.snmp.credentials import Credential, load_credentials
from legacyscan.collect.snmp.credentials import community as community_credential
from legacyscan.errors import UserError
from legacyscan.files import load_mapping
from legacyscan.jobs.payload import JobPayload, PayloadError, check_name


class PolicyError(UserError, ValueError):
    """The policy file cannot be used; one line says why."""


class PolicyRefusal(UserError, ValueError):
    """A job this worker's policy does not allow; the job is marked failed with this."""


_KEYS = {"site", "vantages", "networks", "exclude", "profiles", "max_hosts", "allow_public"}
_KEYS |= {"allow_printer_ports", "snmp", "work_dir"}


@dataclass(frozen=True)
class SitePolicy:
    site: str
    networks: tuple[str, ...]
    profiles: tuple[str, ...]
    vantages: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_hosts: int = DEFAULT_MAX_HOSTS
    allow_public: bool = False
    allow_printer_ports: bool = False
    credentials: tuple[Credential, ...] = ()
    snmp_port: int = 161
    work_dir: Path = Path("legacyscan-jobs")
    source: str = ""

    @classmethod
    def load(cls, path: Path) -> SitePolicy:
        data = load_mapping(path, PolicyError)
        where = str(path)
        unknown = sorted(str(k) for k in set(data) - _KEYS)
        if unknown:
            raise PolicyError(f"{where}: unknown key(s) {', '.join(unknown)}")
        try:
            site = check_name(_text(data, "site", where), "site")
            vantages = tuple(check_name(v, "vantage") for v in _texts(data, "vantages", where))
        except PayloadError as exc:
            raise PolicyError(f"{where}: {exc}") from None
        networks = _texts(data, "networks", where)
        if not networks:
            raise PolicyError(f"{where}: 'networks' must list what this scanner may scan")
        exclude = _texts(data, "exclude", where)
        try:
            address_set(networks + exclude)
        except UserError as exc:
            raise PolicyError(f"{where}: {exc}") from None
        profiles = _texts(data, "profiles", where)
        known = {p.name for p in load_profiles().profiles}
        bad = [p for p in profiles if p not in known]
        if not profiles or bad:
            raise PolicyError(
                f"{where}: 'profiles' must list known scan profiles ({', '.join(sorted(known))})"
            )
        snmp = data.get("snmp", {})
        if not isinstance(snmp, dict) or set(snmp) - {"credentials", "port"}:
            raise PolicyError(f"{where}: 'snmp' takes 'credentials' (a file) and 'port'")
        port = snmp.get("port", 161)
        if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
            raise PolicyError(f"{where}: snmp port must be between 1 and 65535")
        credentials: tuple[Credential, ...] = (community_credential("public", "public"),)
        if snmp.get("credentials") is not None:
            file = Path(str(snmp["credentials"]))
            credentials = load_credentials(file if file.is_absolute() else path.parent / file)
        max_hosts = data.get("max_hosts", DEFAULT_MAX_HOSTS)
        if isinstance(max_hosts, bool) or not isinstance(max_hosts, int) or max_hosts < 1:
            raise PolicyError(f"{where}: max_hosts must be a positive integer")
        work = Path(str(data.get("work_dir", "legacyscan-jobs")))
        return cls(
            site=site,
            vantages=vantages,
            networks=networks,
            exclude=exclude,
            profiles=profiles,
            max_hosts=max_hosts,
            allow_public=_flag(data, "allow_public", where),
            allow_printer_ports=_flag(data, "allow_printer_ports", where),
            credentials=credentials,
            snmp_port=port,
            work_dir=work if work.is_absolute() else path.parent / work,
            source=where,
        )

    def check(self, job: JobPayload, as_root: bool | None = None) -> ScanPlan:
        """The plan of ``job`` if this scanner may run it; ``PolicyRefusal`` otherwise."""
        if job.site != self.site:
            raise PolicyRefusal(f"job for site {job.site!r}, this scanner is at {self.site!r}")
        if job.vantage and job.vantage not in self.vantages:
            raise PolicyRefusal(f"job for vantage point {job.vantage!r}, not one of this scanner's")
        if job.profile not in self.profiles:
            raise PolicyRefusal(
                f"profile {job.profile!r} is not allowed here (allowed: {', '.join(self.profiles)})"
            )
        authorised = Authorisation(
            allow_public=self.allow_public and job.allow_public,
            max_hosts=min(self.max_hosts, job.max_hosts),
            allow_printer_ports=self.allow_printer_ports,
        )
        try:
            plan = plan_request(job.request(self.exclude), authorised, as_root)
        except UserError as exc:
            raise PolicyRefusal(str(exc)) from None
        outside = IPSet(plan.targets) - address_set(self.networks)
        if outside:
            first = next(iter(outside.iter_cidrs()))
            raise PolicyRefusal(
                f"{outside.size} address(es) outside this scanner's networks "
                f"({', '.join(self.networks)}), e.g. {first}"
            )
        self.snmp_credentials(job)
        return plan

    def snmp_credentials(self, job: JobPayload) -> tuple[Credential, ...]:
        """The worker's credentials the job names (all of them when it names none)."""
        if not job.snmp_labels:
            return self.credentials
        mine = {c.label: c for c in self.credentials}
        missing = [label for label in job.snmp_labels if label not in mine]
        if missing:
            raise PolicyRefusal(f"no SNMP credential labelled {', '.join(missing)} on this scanner")
        return tuple(mine[label] for label in job.snmp_labels)


def _text(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise PolicyError(f"{where}: '{key}' must be a non-empty string")
    return value


def _texts(data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise PolicyError(f"{where}: '{key}' must be a list of strings")
    return tuple(value)


def _flag(data: dict[str, Any], key: str, where: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise PolicyError(f"{where}: '{key}' must be true or false")
    return value
