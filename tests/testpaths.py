"""Where the suite's files are: the repository, its fixtures, its knowledge."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
FINGERPRINTS = ROOT / "fingerprints"
