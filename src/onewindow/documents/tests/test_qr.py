"""The one QR helper: the PNG holds exactly the code of the URL, module for module."""

import io

import segno
from PIL import Image

from onewindow.documents import pdf, qr
from onewindow.documents.tests import pdftext

URL = "https://zwfw.example.gov.cn/progress/abc:123/"


def _modules(png: bytes, scale: int, border: int) -> list[list[bool]]:
    """Read the code back from the picture: the centre pixel of every module, dark or not."""
    image = Image.open(io.BytesIO(png)).convert("L")
    side = image.width // scale - 2 * border
    return [
        [
            image.getpixel(((border + x) * scale + scale // 2, (border + y) * scale + scale // 2))
            < 128
            for x in range(side)
        ]
        for y in range(side)
    ]


def test_png_reads_back_as_the_urls_code_at_error_level_m():
    code = segno.make(URL, error="m")  # at least M; segno raises it when the size allows
    assert code.error in ("M", "Q", "H")
    expected = [[bool(v) for v in row] for row in code.matrix]
    assert _modules(qr.png(URL), scale=3, border=1) == expected
    assert _modules(qr.png(URL, scale=5, border=2), scale=5, border=2) == expected
    other = [[bool(v) for v in row] for row in segno.make(URL + "x", error="m").matrix]
    assert _modules(qr.png(URL), scale=3, border=1) != other


def test_svg_forms_are_svg_of_the_same_code():
    data = qr.svg(URL)
    assert data.startswith(b"<?xml") and b"<svg" in data
    assert qr.svg_inline(URL).startswith("<svg")
    out = io.BytesIO()
    segno.make(URL, error="m").save(out, kind="svg", scale=8, border=2)
    assert data == out.getvalue()


def test_flowable_puts_one_image_in_a_pdf():
    document = pdf.build([qr.flowable(URL, 28)], title="QR")
    assert pdftext.read(document)["images"] == 1
