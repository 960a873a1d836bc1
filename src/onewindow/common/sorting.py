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


def sort_text(text, width: int = 10) -> str:
    """The natural order as plain text, for a stored sort column: each run of digits padded to
    `width` ("2" → "0000000002"), the rest case-folded, so string order in any database is the
    natural order (for numbers of up to `width` digits)."""
    return _PARTS.sub(lambda m: m.group(1).zfill(width), str(text or "").strip()).casefold()
