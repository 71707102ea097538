"""Vision Describer global plugin: placeholder until the NVDA layer lands (owned by the NVDA-layer branch)."""
