"""Credentials files: parsed in order, validated, and never printed."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

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
