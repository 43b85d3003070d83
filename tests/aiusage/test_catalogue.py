"""The AI-service catalogue: every entry's examples, its sources, and the matcher."""

from __future__ import annotations

from pathlib import Path

import pytest

from legacyscan.aiusage.catalogue import (
    INVALID,
    NO_MATCH,
    CatalogueError,
    Policy,
    load_catalogue,
)

CATALOGUE = load_catalogue()
EXAMPLES = [
    (entry.service.id, host, True) for entry in CATALOGUE.entries for host in entry.match_examples
] + [
    (entry.service.id, host, False)
    for entry in CATALOGUE.entries
    for host in entry.no_match_examples
]


@pytest.mark.parametrize(("service", "host", "matches"), EXAMPLES)
def test_every_example(service: str, host: str, matches: bool) -> None:
    found = CATALOGUE.match(host)
    name = CATALOGUE.entries[found].service.id if found >= 0 else None
    assert (name == service) is matches, (host, name)


def test_every_entry_has_both_kinds_of_example_and_a_source() -> None:
    for entry in CATALOGUE.entries:
        assert entry.match_examples and entry.no_match_examples, entry.service.id
        assert entry.service.source.startswith("https://"), entry.service.id
        assert entry.service.checked, entry.service.id


def test_main_services_are_covered() -> None:
    providers = {e.service.provider for e in CATALOGUE.entries}
    for wanted in ("OpenAI", "Anthropic", "Google", "Microsoft", "Mistral AI", "Perplexity AI",
                   "DeepSeek", "Meta", "Character Technologies", "Quora", "Hugging Face",
                   "Midjourney", "Stability AI", "ElevenLabs", "Otter.ai", "GitHub",
                   "Anysphere"):  # fmt: skip
        assert wanted in providers


def test_exact_wins_over_suffix_and_longest_suffix_wins() -> None:
    ids = {e.service.id: i for i, e in enumerate(CATALOGUE.entries)}
    assert CATALOGUE.match("api.openai.com") == ids["openai-api"]
    assert CATALOGUE.match("chat.openai.com") == ids["openai-chatgpt"]
    assert CATALOGUE.match("api.mistral.ai") == ids["mistral-api"]
    assert CATALOGUE.match("www.example.org") == NO_MATCH
    assert CATALOGUE.match("<script>.openai.com") == INVALID


def test_policy_adds_and_approves(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "approved: [mistral-le-chat, chu-assistant]\n"
        "services:\n"
        "  - {id: chu-assistant, name: Assistant CHU, provider: CHU, kind: chat,\n"
        "     exact: [assistant.chu-exemple.fr]}\n"
    )
    catalogue = load_catalogue(policy=Policy.load(policy))
    approved = {s.id for s in catalogue.services if s.approved}
    assert approved == {"mistral-le-chat", "chu-assistant"}
    found = catalogue.match("assistant.chu-exemple.fr")
    assert catalogue.entries[found].service.origin == "policy"
    assert catalogue.digest != CATALOGUE.digest


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("approved: [no-such-service]\n", "not in the catalogue"),
        ("approved: 3\n", "list of service ids"),
        ("colour: blue\n", "unknown key"),
        ("services:\n  - {id: x, kind: chat, suffixes: [chatgpt.com]}\n", "belongs to both"),
        ("services:\n  - {id: y, kind: poem, exact: [a.example]}\n", "'kind' must be"),
        ("services:\n  - {id: z, kind: chat, exact: ['<b>']}\n", "not a host name"),
    ],
)
def test_bad_policy_is_one_line(tmp_path: Path, text: str, problem: str) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(text)
    with pytest.raises(CatalogueError, match=problem):
        load_catalogue(policy=Policy.load(policy))
