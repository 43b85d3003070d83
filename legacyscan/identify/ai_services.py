"""Naming self-hosted AI services from a host's answers to the probe's GETs.

The products of ``fingerprints/ai-servers.yaml`` are data: conditions on the answers of
one port (status, JSON values, body, page title, Server header), where the version and
the model list are read, and what shows that the service answered without credentials.
The first product whose conditions hold names the port.  Answers are untrusted: JSON is
parsed with a size already capped by the prober, every value read is cut to a bounded
length, and nothing is interpreted beyond matching.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from legacyscan.collect.http.catalogue import CATALOGUE_FILE, CatalogueError, load_probes
from legacyscan.files import load_mapping
from legacyscan.model import AI_KINDS, AiService, Host, HttpAnswer
from legacyscan.model.ai import MAX_MODEL_NAME, MAX_MODELS
from legacyscan.paths import fingerprints_dir

_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_VERSION_LENGTH = 64


@dataclass(frozen=True)
class Condition:
    probe: str
    status: tuple[int, ...] = ()
    json: tuple[tuple[str, re.Pattern[str]], ...] = ()
    body: re.Pattern[str] | None = None
    title: re.Pattern[str] | None = None
    server: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Reading:
    """Where a value is read: a JSON path, or a body regex with a ``version`` group."""

    probe: str
    json: str = ""
    body: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Product:
    id: str
    product: str
    kind: str
    when: tuple[Condition, ...]
    source: str
    version: Reading | None = None
    models: Reading | None = None
    unauthenticated: Condition | None = None
    authenticated: Condition | None = None
    examples: tuple[dict[str, Any], ...] = ()


def json_values(data: Any, path: str) -> list[Any]:
    """The values at a dotted path; ``a[].b`` reads ``b`` of every item of list ``a``."""
    values = [data]
    for part in path.split(".") if path else []:
        many = part.endswith("[]")
        key = part[:-2] if many else part
        nxt: list[Any] = []
        for value in values:
            if key:
                value = value.get(key) if isinstance(value, dict) else None
            if many:
                nxt.extend(value if isinstance(value, list) else [])
            elif value is not None:
                nxt.append(value)
        values = nxt
    return values


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, dict | list):  # an object or list is matched as its JSON text
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)[:1000]
    return ""


def _parsed(answer: HttpAnswer) -> Any:
    if answer.truncated:
        return None  # half a document: read nothing from it
    try:
        return json.loads(answer.body)
    except (ValueError, RecursionError):
        return None


def page_title(body: str) -> str:
    found = _TITLE.search(body)
    return " ".join(html.unescape(found.group(1)).split())[:200] if found else ""


Answers = Mapping[str, HttpAnswer]  # request path -> answer, for one port


def holds(condition: Condition, answers: Answers, paths: Mapping[str, str]) -> bool:
    answer = answers.get(paths.get(condition.probe, ""))
    if answer is None or answer.status is None:
        return False
    if condition.status and answer.status not in condition.status:
        return False
    if condition.json:
        data = _parsed(answer)
        for path, pattern in condition.json:
            if not any(pattern.search(_text(v)) for v in json_values(data, path)):
                return False
    if condition.body is not None and not condition.body.search(answer.body):
        return False
    if condition.title is not None and not condition.title.search(page_title(answer.body)):
        return False
    return condition.server is None or bool(condition.server.search(answer.server))


def _read(reading: Reading, answers: Answers, paths: Mapping[str, str]) -> list[str]:
    answer = answers.get(paths.get(reading.probe, ""))
    if answer is None or answer.status != 200:
        return []
    if reading.body is not None:
        found = reading.body.search(answer.body)
        return [found.group("version")] if found else []
    return [t for t in (_text(v) for v in json_values(_parsed(answer), reading.json)) if t]


class AiCatalogue:
    """The products of ai-servers.yaml, and the naming of a host's AI services."""

    def __init__(self, products: tuple[Product, ...], paths: Mapping[str, str]) -> None:
        self.products = products
        self.paths = dict(paths)  # probe id -> request path

    @classmethod
    def load(cls, path: Path | None = None) -> AiCatalogue:
        return _load(path)

    def name_port(self, port: int, answers: Sequence[HttpAnswer]) -> AiService | None:
        """The AI service on one port, from that port's answers (None: not one we know)."""
        by_path = {a.path: a for a in answers if a.port == port}
        for product in self.products:
            if not all(holds(c, by_path, self.paths) for c in product.when):
                continue
            version = _read(product.version, by_path, self.paths) if product.version else []
            models = _read(product.models, by_path, self.paths) if product.models else []
            unauthenticated: bool | None = None
            if product.unauthenticated and holds(product.unauthenticated, by_path, self.paths):
                unauthenticated = True
            elif product.authenticated and holds(product.authenticated, by_path, self.paths):
                unauthenticated = False
            evidence = tuple(
                f"GET {a.path} -> {a.status}" for a in by_path.values() if a.status is not None
            )
            return AiService(
                port=port,
                product_id=product.id,
                product=product.product,
                kind=product.kind,
                version=version[0][:_VERSION_LENGTH] if version else "",
                models=tuple(dict.fromkeys(m[:MAX_MODEL_NAME] for m in models))[:MAX_MODELS],
                unauthenticated=unauthenticated,
                evidence=evidence[:20],
                source=product.source,
            )
        return None

    def example_problems(self) -> list[str]:
        """Every product example that is not named by its own product with its values
        (``legacyscan fingerprints check`` and the suite run these)."""
        problems = []
        for product in self.products:
            for n, example in enumerate(product.examples):
                where = f"{CATALOGUE_FILE}: {product.id} example {n + 1}"
                raw = example.get("answers")
                if not isinstance(raw, dict) or not all(p in self.paths for p in raw):
                    problems.append(f"{where}: answers must be keyed by probe id")
                    continue
                answers = tuple(
                    HttpAnswer(port=8080, path=self.paths[p], status=int(a["status"]),
                               body=str(a.get("body", "")))
                    for p, a in raw.items()
                )  # fmt: skip
                found = self.name_port(8080, answers)
                if found is None or found.product_id != product.id:
                    problems.append(f"{where}: named {found.product_id if found else 'nothing'}")
                    continue
                expect = example.get("expect") or {}
                got = {
                    "product": found.product,
                    "version": found.version,
                    "models": list(found.models),
                    "unauthenticated": found.unauthenticated,
                }
                for key, value in expect.items():
                    value = str(value) if key == "version" else value
                    if got.get(key) != value:
                        problems.append(f"{where}: {key} is {got.get(key)!r}, not {value!r}")
        return problems

    def identify(self, host: Host) -> tuple[AiService, ...]:
        """Every AI service the host's answers name, one per port at most."""
        ports = sorted({a.port for a in host.http_answers})
        named = (self.name_port(port, host.http_answers) for port in ports)
        return tuple(s for s in named if s is not None)


def _regex(value: Any, where: str) -> re.Pattern[str]:
    try:
        return re.compile(str(value))
    except re.error as exc:
        raise CatalogueError(f"{where}: bad regex {value!r} ({exc})") from None


def _condition(raw: Any, where: str, probes: set[str]) -> Condition:
    if not isinstance(raw, dict) or raw.get("probe") not in probes:
        raise CatalogueError(f"{where}: a condition names one of the probes ({raw!r:.60})")
    status = raw.get("status", [])
    statuses = tuple(status if isinstance(status, list) else [status])
    if not all(isinstance(s, int) for s in statuses):
        raise CatalogueError(f"{where}: status must be a number or a list of numbers")
    checks = raw.get("json") or {}
    if not isinstance(checks, dict):
        raise CatalogueError(f"{where}: json must map paths to regexes")

    def optional(key: str) -> re.Pattern[str] | None:
        return _regex(raw[key], f"{where}: {key}") if key in raw else None

    return Condition(
        str(raw["probe"]),
        statuses,
        tuple((str(k), _regex(v, f"{where}: json {k}")) for k, v in checks.items()),
        optional("body"),
        optional("title"),
        optional("server"),
    )


def _reading(raw: Any, where: str, probes: set[str]) -> Reading | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or raw.get("probe") not in probes:
        raise CatalogueError(f"{where}: names one of the probes")
    body = _regex(raw["body"], f"{where}: body") if "body" in raw else None
    if body is not None and "version" not in body.groupindex:
        raise CatalogueError(f"{where}: a body regex needs a (?P<version>...) group")
    if body is None and not isinstance(raw.get("json"), str):
        raise CatalogueError(f"{where}: give json (a path) or body (a regex)")
    return Reading(str(raw["probe"]), str(raw.get("json", "")), body)


def _product(raw: Any, where: str, probes: set[str]) -> Product:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where}: expected a mapping")
    ident = str(raw.get("id", ""))
    where = f"{where} ({ident})"
    if raw.get("kind") not in AI_KINDS:
        raise CatalogueError(f"{where}: kind must be one of {', '.join(AI_KINDS)}")
    source = raw.get("source")
    if not isinstance(source, str) or not source.startswith("https://"):
        raise CatalogueError(f"{where}: every product cites its documentation (https)")
    when = raw.get("when")
    if not isinstance(when, list) or not when:
        raise CatalogueError(f"{where}: 'when' needs at least one condition")
    examples = raw.get("examples")
    if not isinstance(examples, list) or not examples:
        raise CatalogueError(f"{where}: every product carries examples")
    return Product(
        id=ident,
        product=str(raw.get("product", "")),
        kind=str(raw["kind"]),
        when=tuple(_condition(c, f"{where}: when", probes) for c in when),
        source=source,
        version=_reading(raw.get("version"), f"{where}: version", probes),
        models=_reading(raw.get("models"), f"{where}: models", probes),
        unauthenticated=(
            _condition(raw["unauthenticated"], f"{where}: unauthenticated", probes)
            if "unauthenticated" in raw else None
        ),
        authenticated=(
            _condition(raw["authenticated"], f"{where}: authenticated", probes)
            if "authenticated" in raw else None
        ),
        examples=tuple(e for e in examples if isinstance(e, dict)),
    )  # fmt: skip


@cache
def _load(path: Path | None) -> AiCatalogue:
    path = path or fingerprints_dir() / CATALOGUE_FILE
    probes = load_probes(path)
    data = load_mapping(path, CatalogueError)
    raw = data.get("products")
    if not isinstance(raw, list) or not raw:
        raise CatalogueError(f"{path}: 'products' must be a non-empty list")
    ids = {p.id for p in probes}
    products = tuple(_product(p, f"{path.name}: products[{i}]", ids) for i, p in enumerate(raw))
    return AiCatalogue(products, {p.id: p.path for p in probes})
