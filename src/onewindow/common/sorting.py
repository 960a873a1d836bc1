"""Natural order for labels people number by hand: window 2 before window 10, "A3" before "A12"."""

import re
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

_PARTS = re.compile(r"(\d+)")


def natural_key(text) -> tuple:
    """A sort key that compares runs of digits as numbers and the rest as text (case-folded):
    "2" < "10", "B2" < "b10", "10-1" < "10-2". Digits sort before letters at the same place."""
    parts = _PARTS.split(str(text or "").strip())
    # split() alternates text, number, text, …: tag each so a number never meets a string.
    return tuple(
        (0, int(p), "") if i % 2 else (1, 0, p.casefold()) for i, p in enumerate(parts) if p
    )


def natural_sorted(items: Iterable[T], key: Callable[[T], object] = lambda x: x) -> list[T]:
    """`items` sorted by the natural key of `key(item)`."""
    return sorted(items, key=lambda item: natural_key(key(item)))
