"""Identify stage: fingerprint rules over observed fields, and device classification."""

from legacyscan.identify.engine import Identifier
from legacyscan.identify.observe import observations
from legacyscan.identify.rules import RuleSet

__all__ = ["Identifier", "RuleSet", "observations"]
