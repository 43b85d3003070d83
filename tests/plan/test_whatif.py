"""What-if: proposed changes recomputed by the same code, before and after."""

from __future__ import annotations

import pytest
from builders import device, legacy_pc, meta, pump

from legacyscan.model import Assessment
from legacyscan.plan.whatif import Change, WhatIfError, parse_changes, total_risk, whatif
from legacyscan.risk.evaluate import evaluate


@pytest.fixture(scope="module")
def before() -> Assessment:
    return evaluate(
        [
            legacy_pc("127.64.1.10", ports=(445,)),
            pump("127.64.1.20", ports=(80,)),
            legacy_pc("127.64.2.10", ports=(3389,)),
            pump("127.64.3.20", ports=(80,)),
            device("127.64.3.30"),
        ],
        meta(vantage="127.64.2.0/24"),
    )


def _pairs(assessment: Assessment) -> set[tuple[str, str]]:
    return {(e.legacy, e.clinical) for e in assessment.topology.exposures}


def test_before(before: Assessment) -> None:
    assert _pairs(before) == {
        ("127.64.1.10", "127.64.1.20"),  # same segment
        ("127.64.2.10", "127.64.1.20"),  # from the scan's vantage segment
        ("127.64.2.10", "127.64.3.20"),
    }


def test_isolating_a_segment_cuts_reach_across_it(before: Assessment) -> None:
    result = whatif(before, [Change("isolate_segment", "127.64.3.0/24")])
    assert _pairs(result.after) == _pairs(before) - {("127.64.2.10", "127.64.3.20")}
    assert result.before is before
    assert total_risk(result.after) < total_risk(before)


def test_an_acl_blocks_one_direction(before: Assessment) -> None:
    result = whatif(before, [Change("acl", "127.64.2.0/24", "127.64.1.0/24")])
    assert ("127.64.2.10", "127.64.1.20") not in _pairs(result.after)
    assert ("127.64.2.10", "127.64.3.20") in _pairs(result.after)
    reverse = whatif(before, [Change("acl", "127.64.1.0/24", "127.64.2.0/24")])
    assert _pairs(reverse.after) == _pairs(before)


def test_isolating_a_device_gives_it_a_segment_of_its_own(before: Assessment) -> None:
    result = whatif(before, [Change("isolate", "127.64.1.20")])
    assert {c for _, c in _pairs(result.after)} == {"127.64.3.20"}
    segments = {s.name: s.members for s in result.after.topology.segments}
    assert segments["isolated-127.64.1.20"] == ("127.64.1.20",)


def test_replacing_and_decommissioning(before: Assessment) -> None:
    result = whatif(
        before, [Change("replace", "127.64.1.10"), Change("decommission", "127.64.2.10")]
    )
    assert _pairs(result.after) == set()
    replaced = result.after.risk_of("127.64.1.10")
    assert replaced is not None and [f.name for f in replaced.factors] == ["exposure"]
    assert result.after.risk_of("127.64.2.10") is None
    assert result.after.network_score == 0


def test_parse_changes_and_their_errors(before: Assessment) -> None:
    changes = parse_changes({"changes": [
        {"isolate_segment": "a"}, {"acl": {"from": "a", "to": "b", "both_ways": True}},
        {"replace": "127.64.1.10"},
    ]})  # fmt: skip
    assert changes[1] == Change("acl", "a", "b", True)
    with pytest.raises(WhatIfError, match="no segment is named 'a'"):
        whatif(before, changes)
    with pytest.raises(WhatIfError, match="no device has that address"):
        whatif(before, [Change("replace", "127.64.9.9")])
    with pytest.raises(WhatIfError, match="'paint' with 'x' is not understood"):
        parse_changes({"changes": [{"paint": "x"}]})
    with pytest.raises(WhatIfError, match="non-empty 'changes:' list"):
        parse_changes({"changes": []})
