"""Records of self-hosted AI services: what the probe's answers name, and their exposure.

``AiService`` is what the identify stage reads in a host's HTTP answers
(``identify/ai_services.py``); ``AiVulnerability`` a sourced record of
``fingerprints/ai-servers.yaml`` that the lifecycle stage matched to its version;
``AiServiceFinding`` the whole finding the report shows: the service, who can reach it
(segments, from the topology stage) and its known vulnerabilities.  Every string in
them but the catalogue's came from a device: the renderers escape them.
"""

from __future__ import annotations

from dataclasses import dataclass

from legacyscan.model.collect import PORTS, is_ip_address

#: Models listed per service at most, and characters kept of each name.
MAX_MODELS = 50
MAX_MODEL_NAME = 200

#: What kind of AI service a product is (fingerprints/ai-servers.yaml ``kind``).
AI_KINDS = ("model-server", "chat-ui", "image-ui", "notebook", "ml-platform")


@dataclass(frozen=True)
class AiService:
    """One AI service on one port, named from its answers to documented GETs."""

    port: int
    product_id: str  # the catalogue's id, e.g. "ollama"
    product: str  # e.g. "Ollama"
    kind: str  # one of AI_KINDS
    version: str = ""  # "" when the service does not say
    models: tuple[str, ...] = ()  # the models it serves, as it names them
    #: True: it answered a request that needs credentials when access control is on
    #: (a model list, an "auth": false setting); False: it asked for them; None: unknown.
    unauthenticated: bool | None = None
    evidence: tuple[str, ...] = ()  # "GET /api/version -> 200", ...
    source: str = ""  # the vendor's documentation the rule follows

    def __post_init__(self) -> None:
        if isinstance(self.port, bool) or not isinstance(self.port, int) or self.port not in PORTS:
            raise ValueError(f"port {str(self.port)[:24]!r} is not a port number (1-65535)")
        if self.kind not in AI_KINDS:
            raise ValueError(f"AI service kind {str(self.kind)[:30]!r} is not one of {AI_KINDS}")
        if len(self.models) > MAX_MODELS or any(len(m) > MAX_MODEL_NAME for m in self.models):
            raise ValueError(f"more than {MAX_MODELS} models or a model name too long")


@dataclass(frozen=True)
class AiVulnerability:
    """A published vulnerability of an AI product, for versions before ``fixed``."""

    id: str  # "CVE-2024-37032"
    product_id: str
    fixed: str  # first version without it
    summary: str  # one line, English, from the advisory
    source: str  # the advisory's URL
    checked: str = ""  # ISO date the advisory was read
    introduced: str = ""  # first affected version, when the advisory names one


@dataclass(frozen=True)
class AiServiceFinding:
    """One AI service on the network: what it is, who can reach it, what is known of it."""

    address: str
    service: AiService
    device_class: str = ""
    segment: str = ""  # the segment that holds it
    #: Segments of the scan from which nothing observed stops traffic to it (the topology
    #: stage's policy: no filtering is assumed unless a what-if or mapping says so).
    reachable_from: tuple[str, ...] = ()
    vulnerabilities: tuple[AiVulnerability, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.address, str) or not is_ip_address(self.address):
            raise ValueError(f"{str(self.address)[:60]!r} is not an IP address")

    @property
    def exposed(self) -> bool:
        """Open without credentials to more than its own segment."""
        return bool(self.service.unauthenticated) and any(
            s != self.segment for s in self.reachable_from
        )
