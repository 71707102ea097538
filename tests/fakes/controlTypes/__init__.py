"""Fake of NVDA's controlTypes package (roles only)."""

from .role import Role

__all__ = ["Role"]
