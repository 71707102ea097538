"""Fake of NVDA's visionEnhancementProviders package (Screen Curtain only)."""
