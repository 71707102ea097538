"""Fake of NVDA's winAPI package (only the submodules other fakes need)."""
