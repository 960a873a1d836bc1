"""Document renderers shared by the apps: the CJK font for PDFs, and download responses."""

import re
from functools import cache
from pathlib import Path
from urllib.parse import quote

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse

# Debian's packages, in order of preference; `make run` installs fonts-wqy-zenhei.
FONT_CANDIDATES = [
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),  # SC in the collection
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
]
FONT_NAME = "OneWindowCJK"

MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


@cache
def cjk_font() -> str:
    """Register an embeddable CJK TrueType font with ReportLab once; return its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for path, index in FONT_CANDIDATES:
        if Path(path).exists():
            pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=index))
            return FONT_NAME
    raise ImproperlyConfigured(
        "没有找到中文字体：请安装 fonts-wqy-zenhei（make run 以 root 运行时会自动安装）。"
    )


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """`attachment` (or `inline`) with an ASCII `filename` for old clients and the exact UTF-8
    name as `filename*` (RFC 6266, RFC 5987), so the header is plain ASCII on the wire: Django
    would MIME-encode a header holding Chinese, which browsers do not read as a file name."""
    if disposition not in ("attachment", "inline"):
        raise ValueError(disposition)
    stem, dot, ext = filename.rpartition(".")
    if not dot:
        stem, ext = filename, ""
    ascii_ext = re.sub(r"[^A-Za-z0-9]", "", ext)
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._-") or "download"
    if ascii_ext:
        fallback += "." + ascii_ext
    quoted = quote(filename, safe="")
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quoted}"


def download(content: bytes, filename: str, kind: str) -> HttpResponse:
    """A generated document (PDF, DOCX, XLSX, JSON) as a file to save, never shown inline."""
    response = HttpResponse(content, content_type=MIME[kind])
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
