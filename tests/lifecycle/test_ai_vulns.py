"""Published vulnerabilities of AI products, by version: sourced, and only for versions
the advisory names."""

from __future__ import annotations

from legacyscan.identify.ai_services import AiCatalogue
from legacyscan.lifecycle.ai_vulns import load_vulnerabilities, version_key, vulnerabilities_of
from legacyscan.model import AiService


def _ollama(version: str) -> AiService:
    return AiService(port=11434, product_id="ollama", product="Ollama", kind="model-server",
                     version=version)  # fmt: skip


def _ids(version: str) -> set[str]:
    return {v.id for v in vulnerabilities_of(_ollama(version))}


def test_cve_2024_37032_affects_ollama_before_0_1_34_only() -> None:
    for version in ("0.1.0", "0.1.32", "0.1.33", "v0.1.33"):
        assert "CVE-2024-37032" in _ids(version), version
    for version in ("0.1.34", "0.2.0", "0.12.6"):
        assert "CVE-2024-37032" not in _ids(version), version
    assert _ids("0.1.32") == {"CVE-2024-37032", "CVE-2024-45436", "CVE-2026-7482"}
    assert _ids("0.17.1") == set()


def test_a_range_with_a_first_affected_version() -> None:
    # CVE-2026-103663: 0.34.2 <= affected < 0.35.0 (the CNA's record)
    assert "CVE-2026-103663" in _ids("0.34.2")
    assert "CVE-2026-103663" in _ids("0.34.9")
    assert "CVE-2026-103663" not in _ids("0.34.1")
    assert "CVE-2026-103663" not in _ids("0.35.0")


def test_an_unknown_version_is_never_called_affected() -> None:
    assert vulnerabilities_of(_ollama("")) == ()
    assert vulnerabilities_of(_ollama("dev")) == ()


def test_every_record_names_a_catalogue_product_and_cites_its_advisory() -> None:
    products = {p.id for p in AiCatalogue.load().products}
    records = load_vulnerabilities()
    assert records
    for record in records:
        assert record.product_id in products, record.id
        assert record.source.startswith("https://"), record.id
        assert record.checked, record.id
        assert version_key(record.fixed) is not None


def test_version_keys() -> None:
    assert version_key("0.1.34") == (0, 1, 34)
    assert version_key("v2.41.0-rc") == (2, 41, 0)
    assert version_key("latest") is None
