"""Observations: every value the collectors saw on one host, under the field name rules read.

A ``Host`` carries what nmap, SNMP and the file importers learnt; rules never read it
directly.  ``observations(host)`` flattens it into ``Observation`` values named by field
(``snmp.sysDescr``, ``snmp.entPhysicalFirmwareRev``, ``mac.oui``, ``ssh.banner``,
``http.title``, ``dicom.implementationVersionName``...), so that a rule author needs to
know one list of fields (``FIELDS`` below, documented in ``fingerprints/README.md``) and
nothing about the collectors.

A banner that reaches us without nmap's verdict (the ``banner`` script, an import) is
named by nmap's own service-probe database when it is installed (``probes.py``): the
label and CPEs nmap would have printed are observed as ``nmap.service`` and ``nmap.cpe``.

Some fields are *derived*: the raw output of an nmap script is observed as
``nmap.script.<id>``, and the parts rules need most (the OS line of smb-os-discovery,
the product version of rdp-ntlm-info, the page title, the TLS subject, a protocol
banner, the DICOM implementation identifiers) are observed once more under their own
field, cut out of that output.  Values come from devices we do not control: they are
kept as text, bounded in length, and never interpreted beyond a regex.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache

from netaddr import EUI, OUI, AddrFormatError, NotRegisteredError

from legacyscan.collect.snmp.identity_objects import identity_fields
from legacyscan.identify.probes import BANNER_PROBES, derived
from legacyscan.model import Host, Observation, OsMatch, Service

#: Fields with a fixed name.  ``nmap.script.<script id>`` is accepted for any script id.
FIELDS: frozenset[str] = frozenset(
    {
        # SNMP system group (RFC 3418)
        "snmp.sysDescr",
        "snmp.sysObjectID",
        "snmp.sysName",
        # ENTITY-MIB entPhysicalTable (RFC 6933)
        "snmp.entPhysicalDescr",
        "snmp.entPhysicalModelName",
        "snmp.entPhysicalMfgName",
        "snmp.entPhysicalHardwareRev",
        "snmp.entPhysicalFirmwareRev",
        "snmp.entPhysicalSoftwareRev",
        # HOST-RESOURCES-MIB (RFC 2790)
        "snmp.hrSWInstalledName",
        "snmp.hrDeviceDescr",
        # link layer
        "mac.oui",  # the IEEE MA-L registration's organisation (netaddr's copy)
        "mac.vendor",  # the vendor name the scanner printed (nmap's own table)
        # nmap
        "nmap.service",
        "nmap.cpe",
        "nmap.osmatch",
        "nmap.osclass",  # "vendor|family|generation|device type" of a best guess
        "nmap.devicetype",  # the device type nmap's service database gives a banner
        "port",
        # derived from service scripts and banners
        "ssh.banner",
        "ftp.banner",
        "telnet.banner",
        "smtp.banner",
        "http.server",
        "http.title",
        "ssl.subject",
        "ssl.issuer",
        "smb.os",
        "rdp.productVersion",
        "dicom.implementationClassUID",
        "dicom.implementationVersionName",
    }
    # standard and vendor MIB scalars that name the device (UPS-MIB, NAS and firewall MIBs)
    | identity_fields()
)
SCRIPT_FIELD_PREFIX = "nmap.script."

#: nmap OS guesses below this accuracy (percent) are not observed at all.
MIN_OS_ACCURACY = 90

#: Longest value kept per observation: a hostile banner must not cost a regex minutes.
MAX_VALUE = 4096

# Which banner field a service's `banner` script output goes to, by nmap service name
# first and by well-known port second (a service on an odd port keeps its name).
_BANNER_BY_NAME = {"ssh": "ssh.banner", "ftp": "ftp.banner", "telnet": "telnet.banner"}
_BANNER_BY_NAME.update({"smtp": "smtp.banner", "submission": "smtp.banner"})
_BANNER_BY_PORT = {22: "ssh.banner", 21: "ftp.banner", 23: "telnet.banner", 25: "smtp.banner"}
_BANNER_BY_PORT[587] = "smtp.banner"

_ESCAPED_EOL = re.compile(r"(?:\\x0[DA])+$", re.I)
_NO_TITLE = re.compile(r"^(?:Site doesn't have a title|Did not follow redirect to )", re.I)
_HTML_TITLE = re.compile(r"<title[^>]*>([^<]{1,256})</title>", re.I)
_DICOM_UID_KEY = re.compile(r"^(?:implementation[ _-]?)?(?:class[ _-]?)?uid$", re.I)
_DICOM_VERSION_KEY = re.compile(r"^(?:implementation[ _-]?)?version(?:[ _-]?name)?$", re.I)


def is_field(name: str) -> bool:
    """True when a rule may read ``name``."""
    return name in FIELDS or (
        name.startswith(SCRIPT_FIELD_PREFIX) and len(name) > len(SCRIPT_FIELD_PREFIX)
    )


def field_list() -> str:
    return ", ".join(sorted(FIELDS)) + f", {SCRIPT_FIELD_PREFIX}<script id>"


#: ``00:09:FB:12:34:56``: a MAC as nmap and the SNMP decoder write it
_COLON_MAC = re.compile(r"[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}")


def oui_organisation(mac: str) -> str | None:
    """The organisation the IEEE registered this MAC's OUI to, or None (unknown, local)."""
    if _COLON_MAC.fullmatch(mac):  # every device's MAC is its own: no parse, the OUI read
        return _registered(int(mac[0:2] + mac[3:5] + mac[6:8], 16))
    return _any_spelling(mac)


@lru_cache(maxsize=4096)
def _any_spelling(mac: str) -> str | None:
    try:
        eui = EUI(mac)
    except (AddrFormatError, ValueError, TypeError, IndexError):
        return None
    return _registered(eui.value >> (eui.version - 24))


@lru_cache(maxsize=4096)
def _registered(oui: int) -> str | None:
    # netaddr opens its registry file for every lookup: a large scan asks for few OUIs
    # many times over.
    try:
        return str(OUI(oui).registration().org).strip() or None
    except (AddrFormatError, NotRegisteredError, ValueError, TypeError, IndexError):
        return None


def _clip(value: str) -> str:
    return value.strip()[:MAX_VALUE]


def _lines(output: str) -> Iterator[tuple[str, str]]:
    """``key: value`` pairs of an nmap script's text output, keys stripped of bullets."""
    for line in output.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            yield key.strip(" \t|_-"), value.strip()


def _script_fields(script: str, output: str, service: Service | None) -> Iterator[tuple[str, str]]:
    """The derived fields found in one script's output."""
    if script == "banner" and service is not None:
        banner_field = _BANNER_BY_NAME.get(service.name) or _BANNER_BY_PORT.get(service.port)
        if banner_field:
            # nmap prints control characters escaped ("220 FTP version 1.0\x0D\x0A")
            yield banner_field, _ESCAPED_EOL.sub("", output.strip())
    elif script == "http-server-header":
        for line in output.splitlines():
            if line.strip():
                yield "http.server", line
    elif script == "http-title":
        title = output.strip().splitlines()[0] if output.strip() else ""
        if title and not _NO_TITLE.match(title):
            yield "http.title", title
    elif script == "ssl-cert":
        for key, value in _lines(output):
            if key == "Subject":
                yield "ssl.subject", value
            elif key == "Issuer":
                yield "ssl.issuer", value
    elif script == "smb-os-discovery":
        for key, value in _lines(output):
            if key == "OS" and value:
                yield "smb.os", value
            elif key == "OS CPE" and value:
                yield "nmap.cpe", value
    elif script == "rdp-ntlm-info":
        for key, value in _lines(output):
            if key == "Product_Version" and value:
                yield "rdp.productVersion", value
    elif script.startswith("dicom"):
        for key, value in _lines(output):
            if not value:
                continue
            if _DICOM_UID_KEY.match(key):
                yield "dicom.implementationClassUID", value
            elif _DICOM_VERSION_KEY.match(key):
                yield "dicom.implementationVersionName", value


def _scripts(
    scripts: Iterable[tuple[str, str]], service: Service | None
) -> Iterator[tuple[str, str]]:
    for script, output in scripts:
        if not script or not output.strip():
            continue
        yield SCRIPT_FIELD_PREFIX + script, output
        yield from _script_fields(script, output, service)


def _answers(service: Service) -> Iterator[tuple[str, str]]:
    """The fields in what a service nmap could not name answered (its fingerprint): the
    greeting as that service's banner, an HTTP answer's Server header and page title."""
    for probe, answer in service.answers:
        if probe == "NULL":
            banner_field = _BANNER_BY_NAME.get(service.name) or _BANNER_BY_PORT.get(service.port)
            if banner_field:
                yield banner_field, answer.strip()
            continue
        head, _, body = answer.partition("\r\n\r\n")
        for line in head.split("\r\n")[1:]:
            name, sep, value = line.partition(":")
            if sep and name.strip().lower() == "server" and value.strip():
                yield "http.server", value.strip()
        title = _HTML_TITLE.search(body)
        if title and title.group(1).strip():
            yield "http.title", " ".join(title.group(1).split())


def _adder(found: dict[Observation, None]) -> Callable[..., None]:
    def add(source: str, field: str, value: str | None, port: int | None = None) -> None:
        if value and value.strip():
            found.setdefault(Observation(source, field, _clip(value), port))

    return add


def observations(host: Host) -> tuple[Observation, ...]:
    """The fields the rules read, taken from one host's collected data."""
    found: dict[Observation, None] = {}  # ordered, and a repeated value counts once
    add = _adder(found)
    if host.snmp is not None:
        add("snmp", "snmp.sysDescr", host.snmp.descr)
        add("snmp", "snmp.sysObjectID", host.snmp.object_id)
        add("snmp", "snmp.sysName", host.snmp.name)
    tables = host.snmp_tables
    if tables is not None:
        for entity in tables.entities:
            add("snmp", "snmp.entPhysicalDescr", entity.descr)
            add("snmp", "snmp.entPhysicalModelName", entity.model_name)
            add("snmp", "snmp.entPhysicalMfgName", entity.mfg_name)
            add("snmp", "snmp.entPhysicalHardwareRev", entity.hardware_rev)
            add("snmp", "snmp.entPhysicalFirmwareRev", entity.firmware_rev)
            add("snmp", "snmp.entPhysicalSoftwareRev", entity.software_rev)
        for software in tables.installed_software:
            add("snmp", "snmp.hrSWInstalledName", software.name)
        for description in tables.device_descriptions:
            add("snmp", "snmp.hrDeviceDescr", description)
        for item in tables.identity:
            add("snmp", item.field, item.value)
    if host.mac:
        add("mac", "mac.oui", oui_organisation(host.mac))
    add("nmap", "mac.vendor", host.mac_vendor)
    # a fleet's hosts report the same services and OS guesses: their fields are taken
    # once per distinct value (``dict.update`` keeps a value met before where it was)
    found.update(_service_observations(host.services))
    found.update(_os_observations(host.os_matches))
    for field, value in _scripts(host.host_scripts, None):
        add("nmap", field, value)
    return tuple(found)


@lru_cache(maxsize=4096)
def _service_observations(services: tuple[Service, ...]) -> Mapping[Observation, None]:
    found: dict[Observation, None] = {}
    add = _adder(found)
    for service in services:
        if service.state != "open":
            continue
        add("nmap", "port", f"{service.protocol}/{service.port}", service.port)
        if service.product:
            add("nmap", "nmap.service", service.label, service.port)
            add("nmap", "smb.os", smb_native_os(service), service.port)
        for cpe in service.cpes:
            add("nmap", "nmap.cpe", cpe, service.port)
        for field, value in (*_scripts(service.scripts, service), *_answers(service)):
            add("nmap", field, value, service.port)
            if not service.product and field in BANNER_PROBES:
                # a banner nmap did not name: name it as nmap's own database would
                for derived_field, derived_value in derived(field, value):
                    add("banner", derived_field, derived_value, service.port)
    return found


@lru_cache(maxsize=4096)
def _os_observations(os_matches: tuple[OsMatch, ...]) -> Mapping[Observation, None]:
    found: dict[Observation, None] = {}
    add = _adder(found)
    best = _best(os_matches)
    for osmatch in best:
        add("nmap", "nmap.osmatch", osmatch.name)
        for part in split_os_name(osmatch.name):
            add("nmap", "nmap.osmatch", part)
    for osmatch in best:
        for cpe in osmatch.cpes:
            add("nmap", "nmap.cpe", cpe)
    for value in _class_values(best):
        add("nmap", "nmap.osclass", value)
    return found


#: nmap's microsoft-ds label when its SMB probe read the server's native OS ("Windows 7
#: Professional 7601 Service Pack 1 microsoft-ds"); a range or a choice ("Windows Server
#: 2008 R2 - 2012", "2003 or 2008") is nmap's guess, not the host's word.
_SMB_NATIVE_OS = re.compile(r"^(?:Microsoft )?(?P<os>Windows .+?) microsoft-ds$")


def smb_native_os(service: Service) -> str | None:
    """The native OS a microsoft-ds service named, as smb-os-discovery's ``OS:`` line
    would: the same SMB session-setup string, so the ``smb.os`` rules read both."""
    if service.name != "microsoft-ds":
        return None
    found = _SMB_NATIVE_OS.match(service.product)
    if found is None or " or " in found["os"] or " - " in found["os"]:
        return None
    return found["os"]


def best_os_matches(host: Host) -> tuple[OsMatch, ...]:
    """nmap's best OS guesses only, and only when nmap is fairly sure of them.

    nmap lists every candidate it could not rule out; reading the weaker ones would turn
    its doubts into identities.  A wrong identity is worse than none.
    """
    return _best(host.os_matches)


def _best(os_matches: tuple[OsMatch, ...]) -> tuple[OsMatch, ...]:
    if not os_matches:
        return ()
    best = max(m.accuracy for m in os_matches)
    if best < MIN_OS_ACCURACY:
        return ()
    return tuple(m for m in os_matches if m.accuracy == best)


def os_class_values(host: Host) -> tuple[str, ...]:
    """The osclass lines of nmap's best guesses, as ``vendor|family|generation|type``.

    nmap's OS classes say who made the device and what kind of device it is in a fixed
    vocabulary (``switch``, ``printer``, ``webcam``...), where the guess's name is free text.
    """
    return _class_values(best_os_matches(host))


def _class_values(best: tuple[OsMatch, ...]) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for osmatch in best:
        for osclass in osmatch.classes:
            parts = (osclass.vendor, osclass.family, osclass.generation, osclass.device_type)
            if any(parts):
                found.setdefault("|".join(p.strip() for p in parts))
    return tuple(found)


_OR = re.compile(r",? or |, ")


def split_os_name(name: str) -> list[str]:
    """The products of an nmap guess that lists several ("Microsoft Windows Server 2012 or
    Windows Server 2012 R2"), each completed with the words the list left out ("Microsoft
    Windows Server 2012 R2"); [] for a name of one product.

    A name with parentheses is left whole: there the list is of devices and the one
    operating system is in the parentheses ("Cisco 1812, 3640, or 3700 router (IOS 12.4)").
    """
    if "(" in name or not _OR.search(name):
        return []
    parts = [p.strip() for p in _OR.split(name) if p.strip()]
    first = parts[0].split()
    completed = [parts[0]]
    for part in parts[1:]:
        head = part.split()[0]
        if len(part.split()) == 1 and head not in first:
            part = " ".join(first[:-1] + [part])  # "... 2003 SP1 or SP2": another last word
        elif head in first:
            part = " ".join(first[: first.index(head)] + [part])
        elif head != first[0]:
            part = f"{first[0]} {part}"
        completed.append(part)
    return completed
