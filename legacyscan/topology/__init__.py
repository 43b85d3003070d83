"""Topology stage: segments (mapping file, SNMP VLANs and subnets, scanned CIDRs), the
networkx graph with typed evidence, reach at segment level, the questions it answers.
"""

from legacyscan.topology.build import analyse, build_network
from legacyscan.topology.mapping import SegmentMap
from legacyscan.topology.network import Network, Policy, kind_of, sort_key

__all__ = ["Network", "Policy", "SegmentMap", "analyse", "build_network", "kind_of", "sort_key"]
