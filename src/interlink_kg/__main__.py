"""`python -m interlink_kg` runs the command-line interface."""

from interlink_kg.cli import main

raise SystemExit(main())
