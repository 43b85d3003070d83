"""legacyscan: find the obsolete systems in hospital networks and show what they put at risk."""

__version__ = "0.1.0"
