"""Just enough of a PDF reader for the tests: the text ReportLab drew, read back through each
font's ToUnicode map, and the annotations and images a document holds. No PDF library is locked,
and the tests must see what a reader of the file sees, not what we meant to draw."""

import base64
import re
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\n?endstream", re.S)
_TOKEN = re.compile(
    rb"\((?:\\.|[^\\)])*\)|/[^\s/\[\]()<>]+|\[|\]|<[0-9A-Fa-f\s]*>|[^\s/\[\]()<>]+", re.S
)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _objects(pdf: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(2) for m in _OBJECT.finditer(pdf)}


_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")


def _stream(body: bytes) -> bytes:
    """A stream object's data, decoded. Its bytes are read by the dictionary's /Length when it
    is a number: compressed data may end in a CR or LF byte, which the end-of-stream pattern
    alone would take for the line end before `endstream` (a fresh-clone run read a letter's
    font map one byte short: zlib's "incomplete or truncated stream")."""
    match = _STREAM.search(body)
    if match is None:
        return b""
    head = body[: match.start()]
    length = _LENGTH.search(head)
    if length is not None:
        data = body[match.start(1) : match.start(1) + int(length.group(1))]
    else:
        data = match.group(1)
    if b"ASCII85Decode" in head:
        data = data.strip()
        data = base64.a85decode(data if data.startswith(b"<~") else b"<~" + data, adobe=True)
    if b"FlateDecode" in head:
        data = zlib.decompress(data)
    return data


def _cmap(data: bytes) -> dict[int, str]:
    table = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            table[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            start = int(dst, 16)
            for n, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                table[code] = chr(start + n)
    return table


def _literal(token: bytes) -> bytes:
    body, out, i = token[1:-1], bytearray(), 0
    while i < len(body):
        c = body[i : i + 1]
        if c == b"\\":
            nxt = body[i + 1 : i + 2]
            octal = re.match(rb"[0-7]{1,3}", body[i + 1 : i + 4])
            if octal:
                out.append(int(octal.group(), 8))
                i += 1 + len(octal.group())
                continue
            out += _ESCAPES.get(nxt, nxt)
            i += 2
            continue
        out += c
        i += 1
    return bytes(out)


def read(pdf: bytes) -> dict:
    """{'text': every string drawn, in order, one line per text object; 'annotations': count;
    'images': count; 'uris': the link targets}."""
    objects = _objects(pdf)
    fonts: dict[bytes, dict[int, str] | None] = {}
    for body in objects.values():
        if b"/Type /Font" in body:
            name = re.search(rb"/Name /(\S+)", body)
            unicode = re.search(rb"/ToUnicode (\d+) 0 R", body)
            if name:
                fonts[name.group(1)] = (
                    _cmap(_stream(objects[int(unicode.group(1))])) if unicode else None
                )
    lines, font = [], None
    for body in objects.values():
        if _STREAM.search(body) is None or b"/Subtype" in body[:200] or b"/Length1" in body:
            continue
        try:
            content = _stream(body)
        except (ValueError, zlib.error):
            continue
        if b"BT" not in content:
            continue
        line, operands = [], []
        for token in _TOKEN.findall(content):
            if token == b"Tf" and operands:
                font = fonts.get(operands[-2][1:]) if len(operands) >= 2 else None
            elif token in (b"Tj", b"TJ", b"'", b'"'):
                for op in operands:
                    if op.startswith(b"("):
                        raw = _literal(op)
                        line.append(
                            "".join(font.get(b, "?") for b in raw)
                            if font is not None
                            else raw.decode("latin-1")
                        )
            elif token == b"ET":
                lines.append("".join(line))
                line = []
            if token in (b"Tf", b"Tj", b"TJ", b"'", b'"', b"ET", b"BT", b"Td", b"Tm", b"TD", b"T*"):
                operands = []
            else:
                operands.append(token)
    return {
        "text": "\n".join(lines),
        "annotations": len(re.findall(rb"/Type\s*/Annot\b", pdf)),
        "images": len(re.findall(rb"/Subtype\s*/Image\b", pdf)),
        "uris": re.findall(rb"/URI\s*\((.*?)\)", pdf),
    }


def text(pdf: bytes) -> str:
    """The drawn text without line breaks or spaces (a long line may wrap at any space)."""
    return re.sub(r"\s+", "", read(pdf)["text"])


# A name that is ReportLab markup: a link, a server file as an image, an unclosed tag, an entity.
HOSTILE = '<a href="http://x">点</a><img src="/etc/passwd"/><b> & <font size=200>'
# The same within 50 characters, for columns that short (staff names).
SHORT_HOSTILE = '<a href="http://x">点</a><img src="/etc/passwd"/>'


def assert_verbatim(pdf: bytes, *, expected_images: int, texts=(HOSTILE,)) -> None:
    """Each text is drawn as written; no link, no annotation, no image beyond the expected."""
    seen = read(pdf)
    flat = re.sub(r"\s+", "", seen["text"])
    for t in texts:
        assert re.sub(r"\s+", "", t) in flat, (t, seen["text"])
    assert seen["annotations"] == 0 and seen["uris"] == []
    assert seen["images"] == expected_images
