"""The generated month and its inventory, once per session (see logmonth.py)."""

from logmonth import month

__all__ = ["month"]
