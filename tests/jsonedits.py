"""Hand edits of a JSON document for the property tests of files a user may tamper with
(scan.json, inventory backups): any value at any place, applied the way an editor would."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from hypothesis import strategies as st

#: Any small JSON value: what a hand edit may put in place of another.
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def json_paths(data: object, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in ``data`` (the first two items of each list), as key/index paths."""
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += json_paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data[:2]):
            found += json_paths(value, (*prefix, index))
    return found


def edited(data: Any, edits: Iterable[tuple[tuple[Any, ...], Any]]) -> Any:
    """A copy of ``data`` with each (path, value) set; an edit whose parent an earlier edit
    replaced is skipped."""
    result = copy.deepcopy(data)
    for path, value in edits:
        target: Any = result
        try:
            for part in path[:-1]:
                target = target[part]
            target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    return result
