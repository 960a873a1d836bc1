"""Pinyin search keys: full pinyin and initials, so `jzxk` finds 建筑工程施工许可."""

import re

_LETTERS = re.compile(r"[^a-z0-9]")


_FOREIGN = "\x00"  # marks a run of non-Chinese text in the syllable list


def pinyin_keys(text: str) -> tuple[str, str]:
    """(full pinyin, initials) of `text`, lower case, letters and digits only.

    One conversion serves both: a Chinese syllable gives its first letter to the initials,
    a run of other text (Latin letters, digits) is kept whole in both.
    """
    # imported here: loading its phrase dictionary costs about 0.4 s of CPU, which every
    # process that never makes a key (a server's workers, most commands) would pay at start
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(text, errors=lambda run: _FOREIGN + run)
    full, initials = [], []
    for s in syllables:
        if s.startswith(_FOREIGN):
            full.append(s[1:])
            initials.append(s[1:])
        else:
            full.append(s)
            initials.append(s[:1])
    return _LETTERS.sub("", "".join(full).lower()), _LETTERS.sub("", "".join(initials).lower())


def set_keys(obj, name: str) -> None:
    """Set `obj.pinyin` and `obj.initials` from `name`, each cut to its column's length: a
    name of the longest pinyin (zhuang, shuang …) spells out up to six letters a character, more
    than the column holds, and PostgreSQL refuses what SQLite would have stored."""
    full, initials = pinyin_keys(name or "")
    meta = type(obj)._meta
    obj.pinyin = full[: meta.get_field("pinyin").max_length]
    obj.initials = initials[: meta.get_field("initials").max_length]


_CODE = re.compile(r"^(?=.*\d)[A-Za-z0-9-]{6,}$")


def looks_like_code(query: str) -> bool:
    """A query that may be (part of) a national or local item code: six or more ASCII letters,
    digits or hyphens with at least one digit, so pinyin queries stay pinyin queries."""
    return bool(_CODE.match(query.strip()))


def initials_pattern(query: str) -> str | None:
    """A regex matching initials that contain the query's letters in order (j.*z.*x.*k), or
    None when the query is not plain ASCII letters."""
    q = query.strip().lower()
    if not q or not q.isascii() or not q.isalpha() or len(q) > 20:
        return None
    return ".*".join(q)


def rank(query: str, name: str, initials: str, full: str) -> tuple[int, int, int]:
    """Sort key: exact name hits, then contiguous initials, then ordered initials; tighter first."""
    q = query.strip().lower()
    if query.strip() in name:
        return (0, name.index(query.strip()), len(name))
    if q and q in initials:
        return (1, initials.index(q), len(initials))
    if q and q in full:
        return (2, full.index(q), len(full))
    span = _span(q, initials)
    return (3, span, len(initials))


def _span(q: str, text: str) -> int:
    pos, start = 0, -1
    for ch in q:
        pos = text.find(ch, pos)
        if pos < 0:
            return 10_000
        if start < 0:
            start = pos
        pos += 1
    return pos - start
