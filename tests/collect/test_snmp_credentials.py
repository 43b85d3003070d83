"""Credentials files: parsed in order, validated, and never printed."""

from __future__ import annotations

import pickle
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legacyscan.collect.snmp.credentials import (
    Credential,
    CredentialsError,
    Secret,
    community,
    load_credentials,
    reported_label,
    scrub,
)

GOOD = """\
credentials:
  - label: ward-ro
    version: 2c
    community: "c0mmunity-S3cret"
  - label: legacy-v1
    version: 1
    community: public
  - label: noc
    version: 3
    user: noc
    auth: SHA-256
    auth_key: "auth-Pa55phrase"
    priv: aes256
    priv_key: "priv-Pa55phrase"
  - label: monitor
    version: 3
    user: monitor
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "creds.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_credentials_in_file_order(tmp_path: Path) -> None:
    creds = load_credentials(write(tmp_path, GOOD))
    assert [c.label for c in creds] == ["ward-ro", "legacy-v1", "noc", "monitor"]
    assert [c.version for c in creds] == ["2c", "1", "3", "3"]
    assert creds[2].auth == "sha256" and creds[2].priv == "aes256"
    assert creds[2].level == "authPriv" and creds[3].level == "noAuthNoPriv"
    assert creds[0].community is not None
    assert creds[0].community.reveal() == "c0mmunity-S3cret"


def test_secrets_never_show_in_repr_str_or_format(tmp_path: Path) -> None:
    creds = load_credentials(write(tmp_path, GOOD))
    for shown in (
        repr(creds),
        str(creds),
        f"{creds[2].auth_key}",
        f"{creds[0].community!r}",
        str(creds[1].community),
    ):
        for secret in ("c0mmunity-S3cret", "auth-Pa55phrase", "priv-Pa55phrase"):
            assert secret not in shown
    with pytest.raises(TypeError):
        pickle.dumps(Secret("x"))


def test_scrub_removes_every_secret() -> None:
    cred = community("hunter2-community", "c")
    assert scrub("agent said hunter2-community is wrong", [cred]) == "agent said *** is wrong"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("credentials: []\n", "non-empty list"),
        ("credentials:\n  - version: 2c\n    community: TopSecret1\n", "needs a 'label'"),
        ("credentials:\n  - label: a\n    version: 2c\n", "needs a 'community'"),
        ("credentials:\n  - label: a\n    version: 4\n    community: TopSecret1\n", "1, 2c or 3"),
        (
            "credentials:\n  - label: a\n    version: 3\n    user: u\n    auth: sha\n"
            "    auth_key: short\n",
            "auth_key of at least 8",
        ),
        (
            "credentials:\n  - label: a\n    version: 3\n    user: u\n    auth: sha999\n"
            "    auth_key: TopSecret1\n",
            "auth must be one of",
        ),
        (
            "credentials:\n  - label: a\n    version: 3\n    user: u\n    priv: aes\n"
            "    priv_key: TopSecret1\n",
            "needs authentication",
        ),
        (
            "credentials:\n  - label: a\n    community: TopSecret1\n"
            "  - label: a\n    community: TopSecret2\n",
            "duplicate label",
        ),
        ("credentials:\n  - label: a\n    comunity: TopSecret1\n", "unknown field"),
        (
            "credentials:\n  - label: a\n    version: 3\n    user: u\n"
            "  - label: b\n    version: 3\n    user: u\n",
            "more than once",
        ),
        # a YAML error: PyYAML would quote the line, which holds the secret
        ('credentials:\n  - label: a\n    community: "TopSecret1\n', r"not valid YAML \(line"),
    ],
)
def test_bad_files_are_refused_without_quoting_secrets(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(CredentialsError, match=message) as caught:
        load_credentials(write(tmp_path, text))
    assert "TopSecret" not in str(caught.value)
    assert "short" not in str(caught.value).replace(str(tmp_path), "")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CredentialsError, match="cannot read"):
        load_credentials(tmp_path / "nope.yaml")


def test_a_factory_default_community_is_named_in_the_label_and_nothing_else_is() -> None:
    assert reported_label(community("public", "--community")) == (
        "--community (default community public)"
    )
    assert reported_label(community("private", "rw")) == "rw (default community private)"
    assert reported_label(community("Wq7-ward", "ward-ro")) == "ward-ro"
    v3 = Credential(label="u", version="3", user="public")
    assert reported_label(v3) == "u"


@pytest.mark.parametrize(
    "written", ["0123", "0x1F", "1:30", "yes", "off", "1e3", "2026-12-03", "~", "null", ".inf"]
)
def test_a_community_is_the_text_written(tmp_path: Path, written: str) -> None:
    # YAML 1.1 would send 0123 as 83, 0x1F as 31, 1:30 as 90 and yes as True
    creds = load_credentials(
        write(tmp_path, f"credentials:\n  - label: a\n    community: {written}\n")
    )
    assert creds[0].community is not None and creds[0].community.reveal() == written


def test_v3_keys_and_versions_are_the_text_written(tmp_path: Path) -> None:
    creds = load_credentials(
        write(
            tmp_path,
            "credentials:\n  - label: v3\n    version: 3\n    user: 0123\n"
            "    auth: sha\n    auth_key: 012345678\n    priv: aes\n    priv_key: 0x1F2E3D4C\n",
        )
    )
    assert creds[0].user == "0123"
    assert creds[0].auth_key is not None and creds[0].auth_key.reveal() == "012345678"
    assert creds[0].priv_key is not None and creds[0].priv_key.reveal() == "0x1F2E3D4C"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # a flow-style typo: the key is "community:TopSecret1" itself
        (
            "credentials:\n  - {label: ward-ro, version: 2c, community:TopSecret1}\n",
            r"unknown field\(s\): 1 key\(s\) not shown, that are no field name",
        ),
        (
            "credentials:\n  - {label: ward-ro, comunity: x, community:TopSecret1}\n",
            r"unknown field\(s\): comunity; 1 key\(s\) not shown",
        ),
        # the label swallowed the typo: it is not printed either
        (
            "credentials:\n  - {label: ward-ro community:TopSecret1}\n",
            "a label is a short name",
        ),
        (
            "credentials:\n  - label: a\n    community: [TopSecret1]\n",
            "'community' must be a string",
        ),
        (
            "credentials:\n  - label: a\n    community: {TopSecret1: x}\n",
            "'community' must be a string",
        ),
        (
            "credentials:\n  - label: a\n    version: 3\n    user: u\n    auth: sha\n"
            "    auth_key: [TopSecret1]\n",
            "'auth_key' must be a string",
        ),
        ("credentials:\n  - label: a\n    version: 3\n    user: u\n    auth: [sha]\n", "auth must"),
        ("credentials:\n  - label: a\n    version: 3\n    user: u\n    context: [x]\n", "context"),
    ],
)
def test_typos_and_wrong_types_never_show_a_secret(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(CredentialsError, match=message) as caught:
        load_credentials(write(tmp_path, text))
    assert "TopSecret" not in str(caught.value)
    assert "\n" not in str(caught.value)


SECRET = "TopSecretQ9"
_KEYS = st.sampled_from(
    ["version", "community", "user", "auth", "auth_key", "priv", "priv_key", "context",
     "comunity", f"community:{SECRET}", "- ", ""]
)  # fmt: skip
_VALUES = st.sampled_from(
    [SECRET, f'"{SECRET}', f"'{SECRET}'", f"[{SECRET}]", f"{{{SECRET}: 1}}", "2c", "3", "1",
     "sha", "aes", "0123", "0x1F", "yes", "~", "", "&a x", "*a", "!!binary eA==", f"|\n  {SECRET}",
     f"{SECRET}:x", "{", "]"]
)  # fmt: skip
#: a label is the user's name for an entry and is shown: it is never given a secret here
_LABELS = st.sampled_from(["ward-ro", "a", "", "[x]", "0123", f"ward community:{SECRET}"])
_ENTRY = st.builds(
    lambda label, pairs: ([("label", label)] if label is not None else []) + pairs,
    st.none() | _LABELS,
    st.lists(st.tuples(_KEYS, _VALUES), max_size=6),
)


def _entry_text(pairs: list[tuple[str, str]], flow: bool) -> str:
    if flow:
        return "  - {" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}\n"
    lines = [f"    {k}: {v}" for k, v in pairs]
    return "  -\n" + "\n".join(lines) + "\n" if lines else "  - \n"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_ENTRY, st.booleans()), max_size=4), st.booleans())
def test_any_credentials_file_gives_credentials_or_one_line_without_the_secret(
    entries: list[tuple[list[tuple[str, str]], bool]], top: bool
) -> None:
    text = ("credentials:\n" if top else "") + "".join(_entry_text(e, f) for e, f in entries)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "creds.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            creds = load_credentials(path)
        except CredentialsError as exc:
            message = str(exc)
            assert SECRET not in message and "\n" not in message
        else:
            for credential in creds:
                assert SECRET not in credential.label and SECRET not in repr(credential)
