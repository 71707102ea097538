"""Protocol-faithful HTTP servers on loopback addresses, for the client, CLI and NVDA-layer tests."""
