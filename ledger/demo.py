"""Demo ledger activity.

The worked example of docs/ledger.md (康平社区's shared study room and its 30% profit share to
the community development fund) now lives in ``fund/demo.py``, on the shared chart of accounts
(``ledger.chart``), with the fund's repairs paid through spending requests as the fund's rules
require. This loader is kept so the demo command's list of loaders still resolves; it adds
nothing.
"""

from __future__ import annotations

from typing import TextIO


def load_demo(*, stdout: TextIO | None = None) -> None:
    return None
