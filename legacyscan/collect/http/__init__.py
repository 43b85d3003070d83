"""The AI-service probe: read-only HTTP GETs to the ports pass 1 found open on hosts whose
class allows it (``ai_probes`` in ``fingerprints/scan-profiles.yaml``).

``catalogue`` reads the requests of ``fingerprints/ai-servers.yaml``; ``prober`` is the one
HTTP client, GET only, bounded in time and size, following no redirect; ``ai_probes``
decides who gets which request and sends them.  What came back is kept on the host
(``Host.http_answers``); naming the product is the identify stage's work.
"""
