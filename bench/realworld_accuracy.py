"""Identification measured on the real-world corpus, per family and per split.

Runs legacyscan's identify stage over tests/fixtures/realworld/ (real devices' observed
values from public sources, never used as rule examples; see docs/realworld-corpus.md) and
prints, for the dev half and the held-out half apart, per family and per kind of evidence:
how many entries; vendor right, product right, version right, class right (each over the
entries whose truth names it); wrong vendor and wrong class (over the same); a hedged answer
(the truth among the candidates of the identity found) is neither right nor wrong. Then the
end-of-life verdicts the lifecycle stage gives the identities found. Nothing is scanned.

    .venv/bin/python bench/realworld_accuracy.py [--show dev|held-out] [--family NAME]

--show lists every entry of that split with what was found and what was wanted (use it on
dev; the held-out half is for measuring, not for writing rules).
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from legacyscan.identify.accuracy import Dimensions, Labelled, judge_dimensions
from legacyscan.identify.corpus import REALWORLD_SPLITS, load_realworld
from legacyscan.identify.engine import Identifier
from legacyscan.lifecycle import EolDatabase

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "realworld"
AS_OF = dt.date(2026, 12, 3)

#: The kind of evidence of each corpus file (the issue's targets are set per kind).
EVIDENCE = {
    "snmp-librenms.yaml": "SNMP system group (+ENTITY)",
    "snmp-librenms-more.yaml": "SNMP system group, added (dev only)",
    "recog-examples.yaml": "published banner/sysDescr examples",
    "nmap-osmatches.yaml": "nmap OS matches",
    "nmap-hosts.yaml": "nmap hosts",
    "recordings.yaml": "SNMP recordings with an odd line",
}


@dataclass
class Tally:
    """Counts of one group of entries, dimension by dimension."""

    entries: int = 0
    judged: Counter[str] = field(default_factory=Counter)  # dimension -> entries judged on it
    right: Counter[str] = field(default_factory=Counter)
    wrong: Counter[str] = field(default_factory=Counter)

    def add(self, judged: Dimensions) -> None:
        self.entries += 1
        for name in ("vendor", "product", "version", "device_class"):
            outcome = getattr(judged, name)
            if outcome == "-":
                continue
            self.judged[name] += 1
            if outcome == "right":
                self.right[name] += 1
            elif outcome == "wrong":
                self.wrong[name] += 1

    def rate(self, name: str, counter: Counter[str] | None = None) -> str:
        total = self.judged[name]
        good = (counter if counter is not None else self.right)[name]
        return f"{good:>4}/{total:<4} {100 * good / total:5.1f}%" if total else f"{'-':>16}"


HEADER = (
    f"{'':<38}{'n':>5}  {'vendor right':>16}  {'product right':>16}  {'version right':>16}"
    f"  {'class right':>16}  {'wrong vendor':>16}  {'wrong class':>16}"
)


def row(label: str, tally: Tally) -> str:
    return (
        f"{label:<38}{tally.entries:>5}  {tally.rate('vendor'):>16}  {tally.rate('product'):>16}"
        f"  {tally.rate('version'):>16}  {tally.rate('device_class'):>16}"
        f"  {tally.rate('vendor', tally.wrong):>16}  {tally.rate('device_class', tally.wrong):>16}"
    )


def table(title: str, groups: dict[str, Tally], total: Tally) -> None:
    print(f"\n== {title}")
    print(HEADER)
    for label in sorted(groups):
        print(row(label, groups[label]))
    print(row("all", total))


def describe(labelled: Labelled, judged: Dimensions, device_class: str) -> str:
    found = judged.found
    named = f"{found.vendor} / {found.product} / {found.version or '-'}" if found else "-"
    truth = labelled.truth
    wanted = f"{truth.vendor} / {truth.product or '-'} / {truth.version or '-'}"
    marks = " ".join(
        f"{name}={getattr(judged, name)}"
        for name in ("vendor", "product", "version", "device_class")
    )
    note = f" [unreadable: {labelled.load_error}]" if labelled.load_error else ""
    return (
        f"  {labelled.name[:70]:<70} got {named!r} want {wanted!r}; class {device_class}"
        f" (want {truth.device_class or '-'}); {marks}{note}"
    )


def measure_split(
    devices: Sequence[Labelled], identifier: Identifier, db: EolDatabase, show: bool
) -> None:
    split = devices[0].split if devices else "?"
    by_family: dict[str, Tally] = defaultdict(Tally)
    by_evidence: dict[str, Tally] = defaultdict(Tally)
    total = Tally()
    verdicts: Counter[str] = Counter()
    unreadable = platform_only = hedged = 0
    for labelled in devices:
        device = identifier.identify(labelled.host)
        judged = judge_dimensions(device, labelled.truth)
        by_family[labelled.family or "?"].add(judged)
        by_evidence[EVIDENCE.get(labelled.source_file, labelled.source_file)].add(judged)
        total.add(judged)
        unreadable += bool(labelled.load_error)
        platform_only += judged.platform_only
        hedged += judged.vendor == "hedged"
        if judged.found is not None:
            verdicts[db.lifecycle(judged.found, AS_OF).status] += 1
        else:
            verdicts["(nothing named)"] += 1
        if show:
            print(describe(labelled, judged, device.device_class))
    table(f"{split}: per family", by_family, total)
    table(f"{split}: per kind of evidence", by_evidence, total)
    detail = ", ".join(
        f"{verdicts[s]} {s}" for s in ("supported", "extended", "eol", "unknown", "(nothing named)")
    )
    print(f"  end-of-life verdicts of the identities found, as of {AS_OF.isoformat()}: {detail}")
    print(
        f"  named only as a shared platform (Linux kernel, VxWorks, QNX; counted as nothing"
        f" named): {platform_only}; hedged (truth among the candidates): {hedged}"
    )
    print(f"  recordings that could not be read: {unreadable}")


def select(devices: Iterable[Labelled], split: str, family: str | None) -> list[Labelled]:
    return [d for d in devices if d.split == split and (family is None or d.family == family)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", choices=REALWORLD_SPLITS, help="list that split's entries")
    parser.add_argument("--family", help="only the entries of this family")
    args = parser.parse_args()
    # An empty overlay folder: the user's own EOL imports must not change the measure.
    db = EolDatabase.load(None, overlay=Path("/nonexistent-legacyscan-overlay"))
    identifier = Identifier()
    corpus = load_realworld(CORPUS)
    print(f"real-world corpus: {len(corpus)} entries ({CORPUS.relative_to(ROOT)})")
    for split in REALWORLD_SPLITS:
        measure_split(select(corpus, split, args.family), identifier, db, show=args.show == split)


if __name__ == "__main__":
    main()
