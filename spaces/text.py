"""How lists and notes read inside a sentence, in the language being spoken.

Messages name rooms, dates and holders in lists; Chinese separates them with 、 and ；, and puts
notes in full-width brackets; English uses commas, semicolons and plain brackets.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import translation


def _chinese() -> bool:
    return (translation.get_language() or "").startswith("zh")


def join_list(items: Iterable[object]) -> str:
    """Items of a list: 、 in Chinese, commas otherwise."""
    return ("、" if _chinese() else ", ").join(str(item) for item in items)


def join_groups(items: Iterable[object]) -> str:
    """Groups that themselves hold lists: ； in Chinese, semicolons otherwise."""
    return ("；" if _chinese() else "; ").join(str(item) for item in items)


def aside(text: str, note: str) -> str:
    """'text (note)', with full-width brackets in Chinese."""
    return f"{text}（{note}）" if _chinese() else f"{text} ({note})"
