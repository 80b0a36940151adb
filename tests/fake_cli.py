"""``python -m tests.fake_cli ARGS``: the command line over the fake analyzer, in a real process.

Test-only: the installed ``attribution`` command always uses the library's engine.
"""

from __future__ import annotations

import sys

from attribution import cli
from tests.fakes import FakeAnalyzer

if __name__ == "__main__":
    sys.exit(cli.main(analyzer_factory=lambda settings: FakeAnalyzer()))
