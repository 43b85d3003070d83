"""The one YAML loader and the one atomic writer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from legacyscan.errors import UserError
from legacyscan.files import atomic_write, load_yaml, parse_yaml


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


def test_strings_constructs_no_tag() -> None:
    assert parse_yaml("x: !!python/object/apply:os.system [echo]\n", "t", strings=True) == {
        "x": ["echo"]
    }


def test_a_secret_file_error_says_where_never_what(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text('a: "TopSecret\n', encoding="utf-8")
    with pytest.raises(UserError, match=r"c\.yaml: not valid YAML \(line \d+, column \d+\)$") as e:
        load_yaml(path, secret=True, strings=True)
    assert "TopSecret" not in str(e.value)


def test_atomic_write_into_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(
        UserError, match=r"cannot write .*out\.csv: folder .*missing does not exist$"
    ):
        atomic_write(tmp_path / "missing" / "out.csv", "x")


def test_a_fifo_or_a_device_is_refused_not_read_for_ever(tmp_path: Path) -> None:
    fifo = tmp_path / "creds.yaml"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        with pytest.raises(UserError, match="not a regular file$"):
            load_yaml(path)
