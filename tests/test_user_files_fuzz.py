"""The user's own YAML files -- costs, segments, what-if changes, report settings -- fuzzed.

Whatever a file holds, reading it gives a result or one clean ``UserError`` line, never
another exception and never a hang.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legacyscan.errors import UserError
from legacyscan.plan import CostModel
from legacyscan.plan.budget import CostModelError
from legacyscan.plan.whatif import load_changes
from legacyscan.report.config import load_report_config
from legacyscan.topology.mapping import SegmentMap

_SCALAR = st.one_of(
    st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(),
    st.sampled_from(["10.0.0.0/24", "127.42.1.0/33", "999.1.1.1/8", "::1/128", "x", "", "replace",
                     "isolate", "decommission", "upgrade", "acl", "server", "printer", ".nan"]),
    st.text(max_size=10),
)  # fmt: skip
_KEYS = st.sampled_from(
    ["classes", "types", "currency", "segments", "cidr", "name", "site", "zone", "changes",
     "replace", "isolate", "acl", "from", "to", "both_ways", "client", "lang", "x"]
)  # fmt: skip
_VALUE = st.recursive(
    _SCALAR,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(_KEYS | st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)  # fmt: skip
_DOCUMENT = st.dictionaries(_KEYS, _VALUE, max_size=3) | _VALUE


def _yaml_text(document: Any) -> str:
    try:
        return yaml.safe_dump(document, allow_unicode=True)
    except (yaml.YAMLError, ValueError):
        return "{"


_TEXT = st.one_of(
    _DOCUMENT.map(_yaml_text),
    # scalars the safe constructor cannot build (it raised ValueError, not a YAML error)
    st.sampled_from(
        [
            "classes:\n  a: {replace: " + "9" * 5000 + "}\n",
            "segments: 2026-13-45\n",
            "changes:\n  - replace: 2026-02-30\n",
            "lang: 1.0e99999\n",
        ]
    ),
    st.text(alphabet=st.sampled_from("ab:-[]{}!&*|>'\"#\n 0.9%@`\t\\"), max_size=60),
)
READERS: dict[str, Callable[[Path], object]] = {
    "costs": lambda p: CostModel.load(p),
    "segments": SegmentMap.load,
    "what-if changes": load_changes,
    "report settings": load_report_config,
}
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("kind", READERS)
def test_any_user_file_reads_or_is_one_line(kind: str) -> None:
    reader = READERS[kind]

    @FUZZ
    @given(_TEXT)
    def read_any(text: str) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "file.yaml"
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
            try:
                reader(path)
            except UserError as exc:
                assert str(exc) and "\n" not in str(exc), repr(str(exc))

    read_any()


@pytest.mark.parametrize("cost", [".nan", ".inf", "-.inf", "-5", "0", "true", "'12'"])
def test_a_cost_that_is_no_finite_positive_number_is_refused(tmp_path: Path, cost: str) -> None:
    path = tmp_path / "costs.yaml"
    path.write_text(f"classes:\n  workstation:\n    replace: {cost}\n", encoding="utf-8")
    with pytest.raises(
        CostModelError, match=r"workstation\.replace: cost must be a finite number > 0"
    ):
        CostModel.load(path)


@FUZZ
@given(st.floats(min_value=0.01, max_value=1e9, allow_nan=False))
def test_every_finite_positive_cost_is_kept(cost: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "costs.yaml"
        path.write_text(f"classes:\n  workstation:\n    replace: {cost!r}\n", encoding="utf-8")
        kept = CostModel.load(path).classes["workstation"]["replace"]
        assert math.isfinite(kept) and kept == pytest.approx(cost)
