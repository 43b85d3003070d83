"""Naming AI services from recorded answers: the catalogue's own examples and the
fixture files of tests/fixtures/ai/ (answers written from each product's documented
format, and a device that lies)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from testpaths import FIXTURES

from legacyscan.identify.ai_services import AiCatalogue, json_values, page_title
from legacyscan.lifecycle.ai_vulns import vulnerabilities_of
from legacyscan.model import Host, HttpAnswer

CATALOGUE = AiCatalogue.load()
EXAMPLES = [
    pytest.param(product.id, example, id=f"{product.id}-{n}")
    for product in CATALOGUE.products
    for n, example in enumerate(product.examples)
]
RECORDED = sorted((FIXTURES / "ai").glob("*.json"))


@pytest.mark.parametrize(("product_id", "example"), EXAMPLES)
def test_every_catalogue_example_names_its_own_product(
    product_id: str, example: dict[str, Any]
) -> None:
    answers = tuple(
        HttpAnswer(port=8080, path=CATALOGUE.paths[probe], status=a["status"], body=a["body"])
        for probe, a in example["answers"].items()
    )
    service = CATALOGUE.name_port(8080, answers)
    assert service is not None and service.product_id == product_id
    expect = example["expect"]
    assert service.product == expect["product"]
    assert service.version == str(expect.get("version", ""))
    assert list(service.models) == expect.get("models", [])
    if "unauthenticated" in expect:
        assert service.unauthenticated is expect["unauthenticated"]


def test_the_self_check_finds_no_problem_and_catches_a_wrong_example() -> None:
    assert CATALOGUE.example_problems() == []
    product = CATALOGUE.products[0]
    wrong = {"answers": product.examples[0]["answers"], "expect": {"version": "9.9.9"}}
    broken = AiCatalogue((replace(product, examples=(wrong,)),), CATALOGUE.paths)
    (problem,) = broken.example_problems()
    assert "version is '0.1.32', not '9.9.9'" in problem


def test_every_product_has_an_example_and_a_cited_source() -> None:
    assert len(CATALOGUE.products) >= 15
    for product in CATALOGUE.products:
        assert product.examples, product.id
        assert product.source.startswith("https://"), product.id


@pytest.mark.parametrize("path", RECORDED, ids=[p.stem for p in RECORDED])
def test_recorded_answers(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    port = data["port"]
    answers = tuple(HttpAnswer(port=port, **a) for a in data["answers"])
    found = CATALOGUE.identify(Host(address="127.0.0.1", http_answers=answers))
    expect = data["expect"]
    if expect["product_id"] is None:
        assert found == ()
        return
    (service,) = found
    assert (service.port, service.product_id, service.product) == (
        port, expect["product_id"], expect["product"],
    )  # fmt: skip
    assert service.version == expect["version"]
    assert list(service.models) == expect["models"]
    assert service.unauthenticated is expect["unauthenticated"]
    assert [v.id for v in vulnerabilities_of(service)] == expect["vulnerabilities"]
    assert all(e.startswith("GET ") for e in service.evidence)


def test_a_truncated_answer_is_not_read() -> None:
    body = json.dumps({"version": "0.1.32"})
    answers = (
        HttpAnswer(port=11434, path="/", status=200, body="Ollama is running"),
        HttpAnswer(port=11434, path="/api/version", status=200, body=body, truncated=True),
    )
    assert CATALOGUE.name_port(11434, answers) is None


def test_answers_of_another_port_do_not_count() -> None:
    answers = (
        HttpAnswer(port=80, path="/", status=200, body="Ollama is running"),
        HttpAnswer(port=11434, path="/api/version", status=200, body='{"version": "0.1.32"}'),
    )
    assert CATALOGUE.identify(Host(address="127.0.0.1", http_answers=answers)) == ()


def test_json_paths_and_titles() -> None:
    data = {"data": [{"id": "a"}, {"id": "b"}, {"x": 1}], "system": {"v": "1"}}
    assert json_values(data, "data[].id") == ["a", "b"]
    assert json_values(data, "system.v") == ["1"]
    assert json_values([{"m": "x"}], "[].m") == ["x"]
    assert json_values("not an object", "data[].id") == []
    assert page_title("<html><TITLE> Open &amp; WebUI\n</TITLE>") == "Open & WebUI"
