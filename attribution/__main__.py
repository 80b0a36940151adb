"""Allow ``python -m attribution``."""

from attribution.cli import main

raise SystemExit(main())
