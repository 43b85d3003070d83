"""The one YAML loader and the one atomic writer."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from legacyscan.errors import UserError
from legacyscan.files import atomic_open, atomic_write, load_mapping, load_yaml, parse_yaml


class MyError(UserError):
    pass


def test_a_key_given_twice_is_refused_with_its_line() -> None:
    with pytest.raises(UserError, match=r"line 3, column 1: key 'a' appears twice"):
        parse_yaml("a: 1\nb: 2\na: 3\n", "f.yaml")


def test_merge_keys_may_be_overridden() -> None:
    assert parse_yaml("k: &x {m: 1}\nj:\n  <<: *x\n  m: 2\n", "f")["j"] == {"m": 2}


def test_errors_are_one_line_of_the_callers_class(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("a: [1,\n  b: {", encoding="utf-8")
    with pytest.raises(MyError) as caught:
        load_yaml(path, MyError)
    assert str(caught.value).startswith(f"{path}: not valid YAML (line ")
    assert "\n" not in str(caught.value)


def test_secret_mode_says_where_never_what(tmp_path: Path) -> None:
    path = tmp_path / "creds.yaml"
    path.write_text('credentials:\n  - community: "TopSecret1\n', encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_yaml(path, secret=True)
    assert "TopSecret1" not in str(caught.value) and "line " in str(caught.value)


@pytest.mark.parametrize(
    ("content", "message"), [(b"\xff\xfe", "not UTF-8"), (None, "cannot read")]
)
def test_unreadable_files(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "f.yaml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UserError, match=message):
        load_mapping(path)


def test_a_mapping_is_required_where_asked(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(UserError, match="expected a YAML mapping"):
        load_mapping(path)
    path.write_text("", encoding="utf-8")
    assert load_mapping(path) == {}


def test_atomic_write_replaces_whole_and_leaves_nothing_behind(tmp_path: Path) -> None:
    path = tmp_path / "out.txt"
    atomic_write(path, "old")
    with pytest.raises(RuntimeError), atomic_open(path) as handle:
        handle.write("half of the new")
        raise RuntimeError("killed mid-way")
    assert path.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_atomic_write_into_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(MyError, match="cannot write .*missing/out.txt"):
        atomic_write(tmp_path / "missing" / "out.txt", b"x", error=MyError)


def test_strings_keeps_every_scalar_as_written() -> None:
    text = "a: 0123\nb: 0x1F\nc: 1:30\nd: yes\ne:\nf: !!int 5\ng: [1, {x: 2.5}]\nh: null\n"
    assert parse_yaml(text, "t", strings=True) == {
        "a": "0123", "b": "0x1F", "c": "1:30", "d": "yes", "e": "", "f": "5",
        "g": ["1", {"x": "2.5"}], "h": "null",
    }  # fmt: skip
    # the default loader types them (YAML 1.1): knowledge files rely on numbers and dates
    assert parse_yaml("a: 0123\nb: 0x1F\nc: 1:30\nd: yes\n", "t") == {
        "a": 83, "b": 31, "c": 90, "d": True,
    }  # fmt: skip


def test_strings_constructs_no_tag_and_refuses_a_key_given_twice() -> None:
    assert parse_yaml("x: !!python/object/apply:os.system [echo]\n", "t", strings=True) == {
        "x": ["echo"]
    }
    with pytest.raises(UserError, match=r"line 2, column 1: key 'community' appears twice"):
        parse_yaml("community: a\ncommunity: b\n", "c.yaml", strings=True)


def test_atomic_write_names_the_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(
        UserError, match=r"cannot write .*out\.csv: folder .*missing does not exist$"
    ):
        atomic_write(tmp_path / "missing" / "out.csv", "x")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "a: " + "9" * 5000 + "\n",
            "Exceeds the limit (4300 digits) for integer string conversion",
        ),
        ("a: 2026-13-45\n", "month must be in 1..12"),
    ],
)
def test_a_value_the_constructor_cannot_build_is_one_line(text: str, message: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_yaml(text, "f.yaml")
    assert str(caught.value).startswith("f.yaml: not valid YAML (a value cannot be read: ")
    assert message in str(caught.value) and "\n" not in str(caught.value)


def _alias_bomb(levels: int) -> str:
    lines = ['l0: &l0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    return "\n".join(lines) + f"\nvalue: *l{levels - 1}\n"


@pytest.mark.parametrize("strings", [False, True])
def test_an_alias_bomb_is_refused_at_once(strings: bool) -> None:
    # nine aliases of nine aliases...: 9**9 values once expanded, a few hundred bytes
    started = time.monotonic()
    with pytest.raises(UserError, match=r"b\.yaml: YAML aliases expand to more than 2,000,000"):
        parse_yaml(_alias_bomb(9), "b.yaml", strings=strings)
    assert time.monotonic() - started < 5
    assert len(parse_yaml(_alias_bomb(3), "ok.yaml")["value"]) == 9  # aliases are fine


def test_a_value_holding_itself_is_refused() -> None:
    with pytest.raises(UserError, match="alias refers to the value that holds it"):
        parse_yaml("a: &a [1, *a]\n", "c.yaml")
