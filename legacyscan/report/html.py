"""The HTML report: one self-contained file (inline CSS, no script, no external load).

Every string from a scan is escaped by jinja2's autoescape, and the page's
Content-Security-Policy forbids scripts and external loads, so a hostile banner shows
as text and nothing else.  Links go only to the https sources of our own EOL data.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from legacyscan.model import AssessedDevice, Assessment
from legacyscan.paths import reports_dir
from legacyscan.report.json_format import device_to_dict
from legacyscan.risk import RiskModel

STATUS_ORDER = ("eol", "extended", "unknown", "supported")


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(reports_dir())),
        autoescape=True,  # always, whatever the template's file name
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = lambda url: (
        url if isinstance(url, str) and url.startswith("https://") else None
    )
    return env


def _device_view(device: AssessedDevice, assessment: Assessment) -> dict[str, Any]:
    view = device_to_dict(device)
    risk = assessment.risk_of(device.address)
    view["risk"] = risk
    view["services"] = device.device.host.services
    view["snmp"] = device.device.host.snmp
    return view


def context(assessment: Assessment) -> dict[str, Any]:
    devices = sorted(
        (_device_view(d, assessment) for d in assessment.devices),
        key=lambda v: (-(v["risk"].score if v["risk"] else 0), v["address"] or ""),
    )
    statuses: Counter[str] = Counter(d.worst_status for d in assessment.devices)
    classes = Counter(d.device.device_class for d in assessment.devices)
    levels = Counter(r.level for r in assessment.risks)
    by_address = {d["address"]: d for d in devices}
    return {
        "meta": assessment.meta,
        "devices": devices,
        "by_address": by_address,
        "statuses": [(s, statuses.get(s, 0)) for s in STATUS_ORDER],
        "classes": sorted(classes.items(), key=lambda kv: (-kv[1], kv[0])),
        "levels": [(lvl, levels.get(lvl, 0)) for lvl in ("critical", "high", "medium", "low")],
        "legacy_count": sum(1 for d in assessment.devices if d.is_legacy),
        "clinical_count": sum(1 for d in assessment.devices if d.is_clinical),
        "topology": assessment.topology,
        "risk_weights": RiskModel.load().weights,
    }


def render_html(assessment: Assessment) -> str:
    env = _environment()
    css = (reports_dir() / "style.css").read_text(encoding="utf-8")
    return env.get_template("report.html.j2").render(css=css, **context(assessment))


def write_html(assessment: Assessment, path: Path) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(render_html(assessment), encoding="utf-8")
    tmp.replace(path)
