"""The scan.json device encoder: the very text of ``json.dumps``, shared parts once."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from legacyscan.scandicts import SharedEncoder

SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
KEYS = st.text(max_size=6) | st.integers(-5, 5)  # json writes 23 as "23"
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(st.text(max_size=6), VALUES, max_size=6), max_size=4))
def test_any_device_is_json_dumps_own_text(devices: list[dict[str, Any]]) -> None:
    encode = SharedEncoder()
    for device in devices:  # one encoder for the whole file: texts kept between devices
        assert encode(device) == json.dumps(device, ensure_ascii=False)


def test_a_shared_part_is_encoded_once_and_a_changed_copy_is_not_confused() -> None:
    identity = {"kind": "os", "product": "Windows 7", "evidence": [{"rule": "x", "port": 445}]}
    services = [{"port": 22, "name": "ssh"}, {"port": 80, "name": "http"}]
    encode = SharedEncoder()
    first = {"address": "127.42.1.1", "identities": [identity], "observed": {"s": services}}
    second = {"address": "127.42.1.2", "identities": [identity], "observed": {"s": services}}
    assert encode(first) == json.dumps(first, ensure_ascii=False)
    assert encode(second) == json.dumps(second, ensure_ascii=False)
    assert {id(identity), id(services)} <= encode.known.keys()
    other = dict(identity, product="Windows XP")  # an equal-looking dict of its own
    third = {"address": "127.42.1.3", "identities": [other], "observed": {"s": services}}
    assert encode(third) == json.dumps(third, ensure_ascii=False)
    assert "Windows XP" in encode(third)


def test_the_texts_kept_are_bounded() -> None:
    encode = SharedEncoder()
    for n in range(3 * SharedEncoder.KEPT):
        device = {"n": n, "part": {"value": n}}
        assert encode(device) == json.dumps(device)
    assert len(encode.known) <= SharedEncoder.KEPT
