"""``--config report.yaml``: the cover of a deliverable, kept beside the client's files.

Keys: ``client``, ``site``, ``author``, ``scope`` (free text replacing the list of
scanned ranges) and ``lang`` (fr or en).  Command-line options win over the file.
"""

from __future__ import annotations

from pathlib import Path

from legacyscan.errors import UserError
from legacyscan.files import load_yaml
from legacyscan.report.i18n import LANGUAGES

KEYS = ("client", "site", "author", "scope", "lang")


class ReportConfigError(UserError, ValueError):
    """A report configuration file we cannot use."""


def load_report_config(path: Path) -> dict[str, str]:
    data = load_yaml(path, ReportConfigError)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ReportConfigError(f"{path}: expected keys {', '.join(KEYS)}")
    unknown = sorted(repr(str(k))[:40] for k in data if k not in KEYS)  # repr: one line
    if unknown:
        raise ReportConfigError(
            f"{path}: unknown key(s) {', '.join(unknown)} (known: {', '.join(KEYS)})"
        )
    config = {str(k): "" if v is None else str(v) for k, v in data.items()}
    if config.get("lang", "fr") not in LANGUAGES:
        raise ReportConfigError(
            f"{path}: lang {config['lang']!r} is not one of {', '.join(LANGUAGES)}"
        )
    return config
