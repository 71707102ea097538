"""Fake of NVDA's utils package (only the submodules other fakes need)."""
