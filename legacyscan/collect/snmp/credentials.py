"""SNMP credentials: communities and SNMPv3 users, read from a YAML file, never shown.

A credentials file lists what an engineer may try, in order, each under a label::

    credentials:
      - label: ward-ro            # v1 or v2c: a community
        version: 2c
        community: s3cret-ro
      - label: noc-v3             # v3: a USM user
        version: 3
        user: noc
        auth: sha256              # none | md5 | sha | sha224 | sha256 | sha384 | sha512
        auth_key: "long passphrase"
        priv: aes128              # none | des | 3des | aes128 | aes192 | aes256 | aes192c | aes256c
        priv_key: "another passphrase"

Only labels ever leave this module in text: every secret is held in a :class:`Secret`,
whose ``repr``/``str`` are masked, so that a secret cannot reach a log line, an
exception, a report or scan.json by accident.  Error messages name the entry by its
position and label, never by its values, and YAML syntax errors are re-worded without
the offending line (PyYAML quotes it, and it may hold a secret).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from legacyscan.errors import UserError
from legacyscan.files import load_yaml

Version = Literal["1", "2c", "3"]

#: auth / priv protocol names accepted in the file (lower case), as net-snmp names them
#: where it has a name (aes192c/aes256c: Cisco's key extension, "AES-192-C" in net-snmp).
AUTH_PROTOCOLS = ("none", "md5", "sha", "sha224", "sha256", "sha384", "sha512")
PRIV_PROTOCOLS = ("none", "des", "3des", "aes128", "aes192", "aes256", "aes192c", "aes256c")
_ALIASES = {"sha1": "sha", "aes": "aes128", "sha-224": "sha224", "sha-256": "sha256"}
_ALIASES |= {"sha-384": "sha384", "sha-512": "sha512", "aes-128": "aes128"}
_ALIASES |= {"aes-192": "aes192", "aes-256": "aes256", "aes-192-c": "aes192c"}
_ALIASES |= {"aes-256-c": "aes256c"}


class CredentialsError(UserError, ValueError):
    """A credentials file we cannot use; the message never quotes a secret."""


class Secret:
    """A secret string whose printed forms are masked; ``reveal()`` is the only way out."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self) -> Any:  # no pickling into caches or worker processes
        raise TypeError("a Secret is not picklable")


@dataclass(frozen=True)
class Credential:
    """One thing to try: a community (v1/v2c) or a USM user (v3), known by its label."""

    label: str
    version: Version
    community: Secret | None = None
    user: str = ""
    auth: str = "none"
    auth_key: Secret | None = None
    priv: str = "none"
    priv_key: Secret | None = None
    context: str = ""

    @property
    def level(self) -> str:
        """v3 security level, as RFC 3414 names it."""
        if self.auth == "none":
            return "noAuthNoPriv"
        return "authNoPriv" if self.priv == "none" else "authPriv"

    def secrets(self) -> tuple[str, ...]:
        """Every secret value this credential holds (for scrubbing messages)."""
        held = (self.community, self.auth_key, self.priv_key)
        return tuple(s.reveal() for s in held if s is not None and s.reveal())


# Communities agents ship with (RFC 1157 uses "public"; most vendors' read-write default is
# "private").  They are public knowledge, so naming one reveals nothing.
FACTORY_DEFAULT_COMMUNITIES = frozenset({"public", "private"})


def reported_label(credential: Credential) -> str:
    """The label recorded for a credential that worked; says when it is a factory default.

    The risk stage sees only this label (never a secret), and a device answering to a
    factory-default community is a finding in itself.
    """
    value = credential.community.reveal() if credential.community is not None else ""
    if credential.version != "3" and value in FACTORY_DEFAULT_COMMUNITIES:
        return f"{credential.label} (default community {value})"
    return credential.label


def community(value: str, label: str = "community") -> Credential:
    """A v2c community given on the command line."""
    return Credential(label=label, version="2c", community=Secret(value))


def scrub(text: str, credentials: Iterable[Credential]) -> str:
    """``text`` with every secret of ``credentials`` replaced by ``***`` (defence in depth)."""
    for credential in credentials:
        for secret in credential.secrets():
            text = text.replace(secret, "***")
    return text


def load_credentials(path: Path) -> tuple[Credential, ...]:
    """The credentials of a YAML file, in file order; ``CredentialsError`` when unusable."""
    # secret=True: the message says where, never what (the line may hold a secret);
    # strings=True: a community is the text written, never a number YAML 1.1 made of it
    data = load_yaml(path, CredentialsError, secret=True, strings=True)
    entries = data.get("credentials") if isinstance(data, dict) else data
    if not isinstance(entries, list) or not entries:
        raise CredentialsError(f"{path}: expected a non-empty list under 'credentials:'")
    credentials = tuple(_credential(entry, n, path) for n, entry in enumerate(entries, start=1))
    labels = [c.label for c in credentials]
    duplicates = sorted({label for label in labels if labels.count(label) > 1})
    if duplicates:
        raise CredentialsError(f"{path}: duplicate label(s): {', '.join(duplicates)}")
    users = [c.user for c in credentials if c.version == "3"]
    twice = sorted({user for user in users if users.count(user) > 1})
    if twice:
        # pysnmp keeps one set of keys per user name in an engine: two entries would
        # overwrite each other while addresses are polled side by side
        raise CredentialsError(
            f"{path}: v3 user(s) listed more than once: {', '.join(twice)}; "
            "keep one entry per user name"
        )
    return credentials


_LABEL = re.compile(r"^[\w .@/+-]{1,64}$")
_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,31}$")
_FIELDS = {"label", "version", "community", "user", "auth", "auth_key", "priv", "priv_key"}
_FIELDS |= {"context"}


def _credential(entry: object, number: int, path: Path) -> Credential:
    where = f"{path}: credential {number}"
    if not isinstance(entry, dict):
        raise CredentialsError(f"{where}: expected a mapping with label, version, ...")
    label = entry.get("label")
    if not isinstance(label, str) or not label.strip():
        raise CredentialsError(f"{where}: every credential needs a 'label'")
    if not _LABEL.match(label):
        # a label is printed: one that swallowed a typo ("ward community:x") may hold a secret
        raise CredentialsError(
            f"{where}: a label is a short name (letters, digits, spaces, . _ - / @ +); "
            "this one is not shown (is a space missing after a ':'?)"
        )
    where = f"{where} ({label})"
    unknown = [key for key in entry if key not in _FIELDS]
    if unknown:
        # only a key that looks like a field name is named: in a flow-style typo
        # ("{..., community:SECRET}") the key is the secret itself
        named = sorted(key for key in unknown if isinstance(key, str) and _FIELD_NAME.match(key))
        hidden = len(unknown) - len(named)
        parts = [", ".join(named)] if named else []
        if hidden:
            parts.append(
                f"{hidden} key(s) not shown, that are no field name "
                "(is a space missing after a ':'?)"
            )
        raise CredentialsError(f"{where}: unknown field(s): {'; '.join(parts)}")
    version = entry.get("version", "2c")
    version = version.lower().lstrip("v") if isinstance(version, str) else ""
    if version not in ("1", "2c", "3"):
        raise CredentialsError(f"{where}: version must be 1, 2c or 3")

    def secret(key: str) -> Secret | None:
        value = entry.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise CredentialsError(f"{where}: '{key}' must be a string, not a list or mapping")
        return Secret(str(value))

    if version in ("1", "2c"):
        value = secret("community")
        if value is None or not value.reveal():
            raise CredentialsError(f"{where}: a v{version} credential needs a 'community'")
        extra = {"user", "auth", "auth_key", "priv", "priv_key"} & set(entry)
        if extra:
            raise CredentialsError(f"{where}: {', '.join(sorted(extra))} only apply to version 3")
        return Credential(label=label, version=version, community=value)  # type: ignore[arg-type]

    user = entry.get("user")
    if not isinstance(user, str) or not user:
        raise CredentialsError(f"{where}: a v3 credential needs a 'user'")
    if "community" in entry:
        raise CredentialsError(f"{where}: 'community' does not apply to version 3")
    auth = _protocol(entry.get("auth", "none"), AUTH_PROTOCOLS, "auth", where)
    priv = _protocol(entry.get("priv", "none"), PRIV_PROTOCOLS, "priv", where)
    auth_key, priv_key = secret("auth_key"), secret("priv_key")
    if auth == "none" and priv != "none":
        raise CredentialsError(f"{where}: privacy (priv) needs authentication (auth) too")
    for name, protocol, key in (("auth", auth, auth_key), ("priv", priv, priv_key)):
        if protocol != "none" and (key is None or len(key.reveal()) < 8):
            # RFC 3414 passphrases are at least 8 characters; agents refuse shorter ones
            raise CredentialsError(f"{where}: {name}_key of at least 8 characters needed")
    context = entry.get("context", "")
    if not isinstance(context, str):
        raise CredentialsError(f"{where}: 'context' must be a string, not a list or mapping")
    return Credential(
        label=label,
        version="3",
        user=user,
        auth=auth,
        auth_key=auth_key if auth != "none" else None,
        priv=priv,
        priv_key=priv_key if priv != "none" else None,
        context=str(context) if context else "",
    )


def _protocol(value: object, allowed: tuple[str, ...], name: str, where: str) -> str:
    if not isinstance(value, str):
        raise CredentialsError(f"{where}: {name} must be one of {', '.join(allowed)}")
    text = value.lower()
    text = _ALIASES.get(text, text)
    if text not in allowed:
        raise CredentialsError(f"{where}: {name} must be one of {', '.join(allowed)}")
    return text
