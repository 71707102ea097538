"""`python -m visionDescriberCore ...` runs the command-line tool (see cli.py)."""

from .cli import main

raise SystemExit(main())
