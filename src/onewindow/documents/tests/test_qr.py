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


def test_inline_svg_scales_to_fit_and_draws_the_urls_code():
    """The page's <svg> has a viewBox (so CSS can shrink it to a narrow screen without cutting
    it off), its pixel size, a text alternative, and exactly the URL's modules."""
    from onewindow.testing.qr import code_modules, svg_modules

    svg = qr.svg_inline(URL, scale=4, label="本指南的二维码")
    side = (len(code_modules(URL)) + 8) * 4  # a quiet zone of 4 modules each side
    assert f'width="{side}" height="{side}"' in svg and f'viewBox="0 0 {side} {side}"' in svg
    assert (
        'role="img" aria-label="本指南的二维码"' in svg and "<title>本指南的二维码</title>" in svg
    )
    assert svg_modules(svg) == code_modules(URL)
    assert svg_modules(svg) != code_modules(URL + "x")
    assert svg_modules(qr.svg(URL).decode()) == code_modules(URL)  # the sign's SVG file too
    assert 'aria-label="a&quot;b"' in qr.svg_inline(URL, label='a"b')
