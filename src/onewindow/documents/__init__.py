"""Document renderers shared by the apps: the CJK font for PDFs, and download responses."""

from functools import cache
from pathlib import Path

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


def download(content: bytes, filename: str, kind: str) -> HttpResponse:
    response = HttpResponse(content, content_type=MIME[kind])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response
