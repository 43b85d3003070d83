"""Check that two runs of ``legacyscan import`` (before and after a change) made the same.

A change that makes the writers faster must not change what they write.  Give two
output folders of the same import (same files, same ``--as-of``), e.g. one made by
``main`` and one by your branch:

    legacyscan import scan.xml --out /tmp/before --as-of 2026-11-23 --no-db   # on main
    legacyscan import scan.xml --out /tmp/after --as-of 2026-11-23 --no-db    # on the branch
    .venv/bin/python bench/same_outputs.py /tmp/before /tmp/after

It compares, for each folder pair:

* scan.json: every key a reader sees (``devices``, ``segments``, ``exposures``, ``reach``,
  ``provenance``...) as JSON values, and the records the one reader gives back
  (``read_scan``) -- so a new schema may store ``record`` differently, but must give back
  the same assessment;
* report.html: the same text.

The times of the run (``scan.started``, ``scan.finished``, ``provenance.judged``) differ
from run to run: they are replaced by a placeholder, in both files, before comparing.
Exit status 0 when everything is the same, 1 otherwise (with the first differences).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from legacyscan.scanfile import read_scan

#: what every run writes differently: the clock
TIMES = (("scan", "started"), ("scan", "finished"), ("provenance", "judged"))


def _times(data: dict[str, Any]) -> list[str]:
    return [str(data[a][b]) for a, b in TIMES if isinstance(data.get(a), dict) and data[a].get(b)]


def _first_difference(a: Any, b: Any, where: str = "") -> str | None:
    if type(a) is not type(b):
        return f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"{where}.{key}: only in {'after' if key not in a else 'before'}"
            found = _first_difference(a[key], b[key], f"{where}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{where}: {len(a)} items != {len(b)}"
        for n, (x, y) in enumerate(zip(a, b, strict=True)):
            found = _first_difference(x, y, f"{where}[{n}]")
            if found:
                return found
        return None
    return None if a == b else f"{where}: {str(a)[:80]!r} != {str(b)[:80]!r}"


def compare(before: Path, after: Path) -> list[str]:
    problems = []
    old = json.loads((before / "scan.json").read_text(encoding="utf-8"))
    new = json.loads((after / "scan.json").read_text(encoding="utf-8"))
    old_times, new_times = _times(old), _times(new)
    for data in (old, new):
        for a, b in TIMES:
            if isinstance(data.get(a), dict) and b in data[a]:
                data[a][b] = "(time)"
    # the keys people and scripts read: identical; 'record' is the reader's business
    seen = {k: v for k, v in old.items() if k not in ("schema", "record")}
    again = {k: v for k, v in new.items() if k not in ("schema", "record")}
    found = _first_difference(seen, again)
    if found:
        problems.append(f"scan.json{found}")
    stored_old, stored_new = read_scan(before / "scan.json"), read_scan(after / "scan.json")
    if stored_old.hosts != stored_new.hosts:
        problems.append("scan.json: the hosts read back differ")
    if (stored_old.assessment is None) != (stored_new.assessment is None):
        problems.append("scan.json: only one file gives an assessment back")
    elif stored_old.assessment is not None and stored_new.assessment is not None:
        a, b = stored_old.assessment, stored_new.assessment
        meta = replace(b.meta, started=a.meta.started, finished=a.meta.finished)
        made = None if b.provenance is None or a.provenance is None else a.provenance.judged
        proven = b.provenance if made is None else replace(b.provenance, judged=made)  # type: ignore[arg-type]
        if replace(b, meta=meta, provenance=proven) != a:
            fields = [
                name
                for name in a.__dataclass_fields__
                if getattr(a, name) != getattr(replace(b, meta=meta, provenance=proven), name)
            ]
            problems.append(f"scan.json: the assessments read back differ in {fields}")
    html_old = (before / "report.html").read_text(encoding="utf-8")
    html_new = (after / "report.html").read_text(encoding="utf-8")
    for text in old_times:
        html_old = html_old.replace(text, "(time)")
    for text in new_times:
        html_new = html_new.replace(text, "(time)")
    if html_old != html_new:
        at = next(n for n, (x, y) in enumerate(zip(html_old, html_new, strict=False)) if x != y)
        problems.append(
            f"report.html differs at character {at}: "
            f"{html_old[at - 40 : at + 40]!r} != {html_new[at - 40 : at + 40]!r}"
        )
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path, help="output folder of the first import")
    parser.add_argument("after", type=Path, help="output folder of the second import")
    options = parser.parse_args()
    problems = compare(options.before, options.after)
    for problem in problems:
        print(problem)
    print("same" if not problems else f"{len(problems)} difference(s)")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
