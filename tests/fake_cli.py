"""``python -m tests.fake_cli ARGS``: the command line over the fake analyzer, in a real process.

The fake's stand-in learned model follows the settings (``ATTRIBUTION_MODEL``,
``--rules-only``), like the library's. Test-only: the installed ``attribution``
command always uses the library's engine.
"""

from __future__ import annotations

import sys

from attribution import cli
from tests.fakes import FakeAnalyzer

if __name__ == "__main__":
    sys.exit(cli.main(analyzer_factory=lambda settings: FakeAnalyzer(model=settings.model)))
