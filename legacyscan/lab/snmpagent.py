"""Run snmpsim's command responder with one data file per listening endpoint.

The lab wants hundreds of SNMP agents per process, each with its own data, all answering
to the community ``public`` as real devices do.  snmpsim 1.x was designed for this: its
responders look up the data file from the community (v1/v2c) or context name (v3) *and*
the transport endpoint the request arrived on (``datafile.probe_context``).  But snmpsim
1.2.2 hooks that lookup into ``handleMgmtOperation``, a method pysnmp 7 no longer calls
(it calls ``handle_management_operation``), so every endpoint falls back to the
community's single file.  This module restores the lookup with pysnmp 7's method names,
then runs snmpsim's own ``main()`` unchanged: same engine, data files, USM users, options.

Layout of a data folder (``N`` is the position of ``--agent-udpv4-endpoint`` on the
command line, from 0; snmpsim names the endpoint's transport ``1.3.6.1.6.1.1.N``):

* ``<md5 of community>/1.3.6.1.6.1.1.N.snmprec``: what endpoint N serves to that community
  (v1/v2c: pysnmp maps a community to a context named by its md5, see snmpsim's
  ``configure_managed_objects``);
* ``1.3.6.1.6.1.1.N.snmprec``: what endpoint N serves to SNMPv3 users (empty context);
* ``<community>.snmprec``: registers the community with the engine (content unused).

A request that matches no endpoint file gets no answer, as a real agent given the wrong
community: snmpsim's own fallback to the community-wide file is not used.

Usage: ``python -m legacyscan.lab.snmpagent [snmpsim-command-responder options]``.
"""

from __future__ import annotations

import sys
from hashlib import md5
from typing import Any


def _context_for(responder: Any, snmp_engine: Any, context_name: Any) -> bytes | None:
    """The registered context holding this endpoint's data for this request, if any."""
    from pysnmp import error
    from snmpsim import datafile

    request = snmp_engine.observer.get_execution_context("rfc3412.receiveMessage:request")
    name = context_name.prettyPrint() if hasattr(context_name, "prettyPrint") else context_name
    if isinstance(name, bytes):
        name = name.decode("latin-1")
    for candidate in datafile.probe_context(
        request["transportDomain"], request["transportAddress"], None, name
    ):
        if candidate == name.encode("latin-1"):
            break  # the bare community/context: its file is a registration, not an agent
        # snmpsim names contexts longer than 32 octets by their md5 (snmpCommunityIndex limit).
        probed = md5(candidate).hexdigest().encode() if len(candidate) > 32 else candidate
        try:
            responder.snmpContext.get_mib_instrum(probed)
        except error.PySnmpError:
            continue
        return probed
    return None


def _patch() -> None:
    from pysnmp.entity.rfc3413 import cmdrsp
    from snmpsim.commands import responder

    def endpoint_aware(base: type) -> type:
        class Responder(base):  # type: ignore[misc]
            def handle_management_operation(
                self, snmp_engine: Any, state_reference: Any, context_name: Any, pdu: Any
            ) -> None:
                chosen = _context_for(self, snmp_engine, context_name)
                if chosen is None:
                    self.release_state_information(state_reference)
                    return  # no agent here for these credentials: stay silent
                super().handle_management_operation(snmp_engine, state_reference, chosen, pdu)

        Responder.__name__ = base.__name__
        return Responder

    # snmpsim's main() builds its responders by these module-level names.
    responder.GetCommandResponder = endpoint_aware(cmdrsp.GetCommandResponder)
    responder.SetCommandResponder = endpoint_aware(cmdrsp.SetCommandResponder)
    responder.NextCommandResponder = endpoint_aware(cmdrsp.NextCommandResponder)
    responder.BulkCommandResponder = endpoint_aware(cmdrsp.BulkCommandResponder)


def main() -> int:
    _patch()
    from snmpsim.commands import responder

    sys.argv[0] = "snmpsim-command-responder"
    result: int = responder.main() or 0
    return result


if __name__ == "__main__":
    raise SystemExit(main())
