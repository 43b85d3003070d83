"""Self-hosted AI services as findings: what runs where, open to whom, known to be flawed.

For every device, the AI services its HTTP answers name (``identify/ai_services.py``),
the published vulnerabilities of their versions (``lifecycle/ai_vulns.py``) and the
segments from which traffic can reach it under the topology's policy (no filtering is
assumed between segments unless a what-if or the mapping says so, as for every other
reach question of the report).  Computed with the rest of ``evaluate``, so that a stored
scan judged again gets them again.
"""

from __future__ import annotations

from collections.abc import Sequence

from legacyscan.identify.ai_services import AiCatalogue
from legacyscan.lifecycle.ai_vulns import vulnerabilities_of
from legacyscan.model import AiServiceFinding, AssessedDevice
from legacyscan.topology.network import Network, sort_key


def reachable_from(network: Network, address: str) -> tuple[str, ...]:
    """The segments whose traffic the policy lets reach ``address``."""
    targets = network.segments_of.get(address, ())
    return tuple(
        sorted(
            (s for s in network.segments if any(network.policy.allows(s, t) for t in targets)),
            key=sort_key,
        )
    )


def ai_findings(
    devices: Sequence[AssessedDevice], network: Network, catalogue: AiCatalogue | None = None
) -> tuple[AiServiceFinding, ...]:
    catalogue = catalogue or AiCatalogue.load()
    found = []
    for device in devices:
        host = device.device.host
        if not host.http_answers or not host.address:
            continue
        segments = network.segments_of.get(host.address, ())
        reach = reachable_from(network, host.address)
        for service in catalogue.identify(host):
            found.append(
                AiServiceFinding(
                    address=host.address,
                    service=service,
                    device_class=device.device.device_class,
                    segment=segments[0] if segments else "",
                    reachable_from=reach,
                    vulnerabilities=vulnerabilities_of(service),
                )
            )
    return tuple(sorted(found, key=lambda f: (sort_key(f.address), f.service.port)))
