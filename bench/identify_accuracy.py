"""Precision and recall of identification and classification, printed per device.

Runs the identify stage over the labelled corpus (tests/fixtures/corpus/) and over the
lab's ground truth (the scenario's SNMP answers plus a recorded nmap scan of the lab), and
prints every device's outcome and the totals.  Nothing is scanned.

    .venv/bin/python bench/identify_accuracy.py
"""

from __future__ import annotations

from pathlib import Path

from legacyscan.identify.accuracy import (
    Score,
    lab_devices,
    load_corpus,
    measure,
)
from legacyscan.identify.engine import Identifier
from legacyscan.paths import _PACKAGE

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def report(title: str, score: Score) -> None:
    print(f"\n== {title}")
    for line in score.lines:
        print("  " + line)
    o = score.outcomes
    print(
        f"  identity: {o['correct']} correct, {o['partial']} right product without version, "
        f"{o['hedged']} hedged (true product among the candidates), {o['wrong']} wrong, "
        f"{o['unknown']} unknown, {o['unlabelled-abstained']} rightly unnamed"
    )
    print(
        f"  identity precision {score.precision:.2f} (with version {score.version_precision:.2f}), "
        f"recall {score.recall:.2f}"
    )
    print(f"  class precision {score.class_precision:.2f}, recall {score.class_recall:.2f}")


def main() -> None:
    identifier = Identifier()
    corpus = load_corpus(FIXTURES / "corpus")
    held_out = [d for d in corpus if d.source_file == "held-out.yaml"]
    seen = [d for d in corpus if d.source_file != "held-out.yaml"]
    report("corpus used while writing rules (tests/fixtures/corpus/*)", measure(seen, identifier))
    report("held-out corpus (tests/fixtures/corpus/held-out.yaml)", measure(held_out, identifier))
    lab = lab_devices(_PACKAGE / "lab" / "minimal.yaml", FIXTURES / "nmap" / "lab-minimal.xml")
    report("lab ground truth (lab/minimal.yaml + recorded scan)", measure(lab, identifier))


if __name__ == "__main__":
    main()
