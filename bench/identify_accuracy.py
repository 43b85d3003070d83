"""Precision and recall of identification and classification, printed per device.

Runs the identify stage over the labelled corpus (tests/fixtures/corpus/) and over the
lab's ground truth (the scenario's SNMP answers plus a recorded nmap scan of the lab), and
prints every device's outcome and the totals.  Then it looks every named identity up in the
end-of-life database (as of 2026-11-23) and counts how many get a dated verdict rather than
`unknown`: the reach of the EOL data over what the rules name.  Nothing is scanned.

    .venv/bin/python bench/identify_accuracy.py [--eol-dir DIR]

--eol-dir reads the EOL records from another folder (e.g. an older checkout's
fingerprints/eol) to compare its reach with the bundled one.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from legacyscan.identify.accuracy import Labelled, Score, measure
from legacyscan.identify.corpus import lab_devices, load_corpus
from legacyscan.identify.engine import Identifier
from legacyscan.lifecycle.database import EolDatabase
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


AS_OF = dt.date(2026, 11, 23)


def lifecycle_reach(
    title: str, devices: Sequence[Labelled], identifier: Identifier, db: EolDatabase
) -> None:
    """Verdicts of every named identity; for the lab, the OS verdict against the truth."""
    statuses: Counter[str] = Counter()
    for device in devices:
        for identity in identifier.identify(device.host).identities:
            statuses[db.lifecycle(identity, AS_OF).status] += 1
    named = sum(statuses.values())
    dated = named - statuses["unknown"]
    detail = ", ".join(f"{statuses[s]} {s}" for s in ("supported", "extended", "eol", "unknown"))
    print(f"  lifecycle ({title}): {dated}/{named} named identities get a dated verdict ({detail})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eol-dir", type=Path, help="EOL records folder, not the bundled one")
    args = parser.parse_args()
    # An empty overlay folder: the user's own imports must not change the measure.
    db = EolDatabase.load(args.eol_dir, overlay=Path("/nonexistent-legacyscan-overlay"))
    identifier = Identifier()
    corpus = load_corpus(FIXTURES / "corpus")
    held_out = [d for d in corpus if d.source_file == "held-out.yaml"]
    seen = [d for d in corpus if d.source_file != "held-out.yaml"]
    report("corpus used while writing rules (tests/fixtures/corpus/*)", measure(seen, identifier))
    report("held-out corpus (tests/fixtures/corpus/held-out.yaml)", measure(held_out, identifier))
    lab = lab_devices(_PACKAGE / "lab" / "minimal.yaml", FIXTURES / "nmap" / "lab-minimal.xml")
    report("lab ground truth (lab/minimal.yaml + recorded scan)", measure(lab, identifier))
    print(f"\n== end-of-life reach, as of {AS_OF.isoformat()}")
    lifecycle_reach("whole corpus", corpus, identifier, db)
    lifecycle_reach("lab", lab, identifier, db)


if __name__ == "__main__":
    main()
