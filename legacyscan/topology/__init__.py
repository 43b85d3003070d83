"""Topology stage: segments (mapping file, SNMP VLANs and subnets, scanned CIDRs), the
networkx graph with typed evidence, reach at segment level, the questions it answers.
"""

from legacyscan.topology.build import analyse, build_network
from legacyscan.topology.network import Network, Policy, kind_of, sort_key
from legacyscan.topology.segments import SegmentMap

__all__ = ["Network", "Policy", "SegmentMap", "analyse", "build_network", "kind_of", "sort_key"]
