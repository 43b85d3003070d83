"""Collect stage: one module per source (nmap, SNMP, files), each returning model records."""
