"""Read back the modules a QR code SVG draws, to check what it encodes without a QR decoder.

segno draws the dark modules of each row as horizontal strokes of one path: `M x y` (absolute),
`m dx dy` (relative) moves and `h n` draws n modules from the current point, on the line y + 0.5
(the stroke is one module wide). `svg_modules` replays the path into a matrix of booleans; the
caller compares it with `segno.make(url, error="m").matrix` of the URL it expects, which proves
the code reads as that URL (a code is determined by its matrix)."""

import re

TOKEN = re.compile(r"([MmHhVv])\s*(-?[\d.]+)(?:\s+(-?[\d.]+))?")


def svg_modules(svg: str, *, border: int | None = None) -> list[list[bool]]:
    """The module matrix (without the quiet zone) of a segno SVG: the `d` of its path replayed;
    `border` is the quiet zone in modules (read from the first move when not given)."""
    path = re.search(r'\sd="([^"]+)"', svg)
    assert path, "no <path d=...> in the SVG"
    x = y = 0.0
    dark: set[tuple[int, int]] = set()
    for cmd, a, b in TOKEN.findall(path.group(1)):
        if cmd == "M":
            x, y = float(a), float(b)
        elif cmd == "m":
            x, y = x + float(a), y + float(b)
        elif cmd in "hH":
            n = float(a) if cmd == "h" else float(a) - x
            for col in range(round(x), round(x + n)):
                dark.add((int(y), col))
            x += n
        else:
            raise AssertionError(f"unexpected path command {cmd}")
    rows = [r for r, _ in dark]
    cols = [c for _, c in dark]
    # The finder pattern at the top left is dark at (border, border): the quiet zone's width.
    quiet = min(min(rows), min(cols)) if border is None else border
    size = max(max(rows), max(cols)) - quiet + 1
    return [[(quiet + r, quiet + c) in dark for c in range(size)] for r in range(size)]


def code_modules(url: str) -> list[list[bool]]:
    """The module matrix of the product's code for `url` (documents.qr's error level)."""
    import segno

    from onewindow.documents import qr

    return [[bool(v) for v in row] for row in segno.make(url, error=qr.ERROR).matrix]
