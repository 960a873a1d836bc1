"""QR codes to the product's public pages (case progress, service guides): one error level and
one look everywhere, as PNG or SVG bytes, inline SVG for a page, or an image for a PDF."""

import io

import segno
from django.utils.html import escape

ERROR = "m"  # 15% of the code may be soiled or covered and it still reads


def make(url: str):
    return segno.make(url, error=ERROR)


def png(url: str, *, scale: int = 3, border: int = 1) -> bytes:
    out = io.BytesIO()
    make(url).save(out, kind="png", scale=scale, border=border)
    return out.getvalue()


def svg(url: str, *, scale: int = 8, border: int = 2) -> bytes:
    out = io.BytesIO()
    make(url).save(out, kind="svg", scale=scale, border=border)
    return out.getvalue()


def svg_inline(url: str, *, scale: int = 3, label: str = "二维码") -> str:
    """An <svg> element to put in a page: `scale` px a module, and a viewBox, so that CSS may
    shrink it to fit a narrow screen (max-width: 100%; height: auto) without cutting it off."""
    code = make(url)
    width, height = code.symbol_size(scale=scale)
    svg = code.svg_inline(scale=scale, omitsize=True, title=label)
    size = f'width="{width}" height="{height}" role="img" aria-label="{escape(label)}"'
    return svg.replace("<svg ", f"<svg {size} ", 1)


def flowable(url: str, size_mm: float = 28):
    """A ReportLab image of the code, `size_mm` square."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Image

    return Image(io.BytesIO(png(url)), size_mm * mm, size_mm * mm)
