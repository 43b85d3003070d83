"""The one YAML loader and the one atomic writer."""

from __future__ import annotations

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
