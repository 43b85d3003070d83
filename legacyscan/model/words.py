"""The words the model speaks: a message key with typed values, rendered later in a language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, get_args

DeviceClass = Literal[
    "medical",
    "iot",
    "telehealth",
    "network",
    "server",
    "workstation",
    "printer",
    "power",
    "unknown",
]
DEVICE_CLASSES: tuple[DeviceClass, ...] = get_args(DeviceClass)
#: Classes whose devices we protect: the question is which legacy systems can reach them.
CLINICAL_CLASSES: frozenset[str] = frozenset({"medical", "iot", "telehealth"})

IdentityKind = Literal["os", "firmware", "application", "hardware"]
IDENTITY_KINDS: tuple[IdentityKind, ...] = get_args(IdentityKind)

LifecycleStatus = Literal["supported", "extended", "eol", "unknown"]
#: Statuses that make a device "legacy" (obsolete) for topology and risk.
LEGACY_STATUSES: frozenset[str] = frozenset({"eol", "extended"})


@dataclass(frozen=True, slots=True)
class Arg:
    """One named value of a :class:`Message`; exactly one of its value fields is set.

    ``text`` is shown as given (a product name, an address, a CVE id: never translated);
    ``term`` is a value from a closed list (a lifecycle status) that the catalogue names
    in each language; ``messages`` are sentences of their own, joined by the renderer.
    """

    name: str
    text: str | None = None
    number: float | None = None
    date: dt.date | None = None
    term: str | None = None
    messages: tuple[Message, ...] | None = None


@dataclass(frozen=True, slots=True)
class Message:
    """A sentence in no language: a key of the ``msg`` catalogues and its values.

    The catalogues (``reports/i18n/{en,fr}.yaml``) hold the words; ``legacyscan.messages``
    renders a message in plain English for the CLI and scan.json, and the report in the
    reader's language with its own number and date formats.
    """

    key: str
    args: tuple[Arg, ...] = ()


def words(text: str) -> Message:
    """A sentence that is only its text (a note from the data, already in its words)."""
    return Message("text", (Arg("text", text=text),))


#: A verdict made without a stated reason.
NO_WORDS = words("")
