"""The simulated hospital: real SNMP agents (snmpsim) and TCP services on loopback."""
