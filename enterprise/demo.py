"""Demo data for the enterprise app (filled in with the app)."""

from __future__ import annotations

from typing import TextIO


def load_demo(*, stdout: TextIO | None = None) -> None:
    return None
