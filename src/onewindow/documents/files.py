"""Uploaded files that the product later shows or serves: the type is read from the content
(never from the name or the browser's claim), sizes and image dimensions are bounded, and files
are served as downloads, or (a case's scanned PDF or image, for those who may read the case)
shown inline with the type found in the content and nosniff."""

import zipfile
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from PIL import Image
from PIL.JpegImagePlugin import JpegImageFile
from PIL.PngImagePlugin import PngImageFile

from onewindow.documents import MIME, content_disposition

MIME = {**MIME, "png": "image/png", "jpg": "image/jpeg"}
LABELS = {
    "pdf": "PDF",
    "docx": "Word（.docx）",
    "xlsx": "Excel（.xlsx）",
    "png": "PNG",
    "jpg": "JPG",
}
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
}
# The main part an Office Open XML package declares in [Content_Types].xml. Macro-enabled
# packages (docm, xlsm) declare other types and are refused.
OOXML = {
    "docx": b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
IMAGES = ("png", "jpg")
DOCUMENTS = ("pdf", "docx", "xlsx", "png", "jpg")

# Pillow's own guard against decompression bombs, for any image opened anywhere (ReportLab
# opens the seal through Pillow too): beyond twice this many pixels Pillow refuses to decode.
Image.MAX_IMAGE_PIXELS = getattr(settings, "IMAGE_MAX_PIXELS", 16_000_000)


def sniff(head: bytes) -> str | None:
    """pdf, png or jpg from the first bytes; None for anything else (zip packages included)."""
    for kind, magics in SIGNATURES.items():
        if any(head.startswith(m) for m in magics):
            return kind
    return None


def _ooxml(file) -> str | None:
    try:
        with zipfile.ZipFile(file) as package:
            info = package.getinfo("[Content_Types].xml")
            if info.file_size > 64 * 1024:
                return None
            types = package.read(info)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError):
        return None
    return next((kind for kind, main in OOXML.items() if main in types), None)


def detect(file) -> str | None:
    """The file's kind by content: pdf, docx, xlsx, png or jpg; None for anything else."""
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    kind = sniff(head)
    if kind is None and head.startswith(b"PK\x03\x04"):
        kind = _ooxml(file)
        file.seek(0)
    return kind


def image_size(file) -> tuple[int, int] | None:
    """Width and height of a PNG or JPG from its header, without decoding the pixels. The
    format's reader is called directly: Image.open would refuse a bomb before saying its size."""
    file.seek(0)
    reader = {"png": PngImageFile, "jpg": JpegImageFile}.get(sniff(file.read(16)))
    file.seek(0)
    size = None
    if reader is not None:
        try:
            with reader(file) as image:
                size = image.size
        except (OSError, ValueError, SyntaxError):
            size = None
    file.seek(0)
    return size


def _mb(n: int) -> str:
    return f"{n / 1048576:.1f}".rstrip("0").rstrip(".")


def check_file(
    file, *, kinds: tuple[str, ...], max_bytes: int, max_side: int, what: str = "文件"
) -> str:
    """The file's kind when it is one of `kinds`, within `max_bytes` and (an image) at most
    `max_side` pixels wide and high; otherwise ValidationError with a Chinese reason."""
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            f"{what}大小为{_mb(size)}MB，超过上限{_mb(max_bytes)}MB，请压缩后重新上传。",
            code="file_too_large",
        )
    kind = detect(file)
    if kind not in kinds:
        allowed = "、".join(LABELS[k] for k in kinds)
        raise ValidationError(
            f"{what}只接受{allowed}格式；该文件的内容不是这几种格式"
            "（网页、SVG、可执行程序等不能上传），请另存为上述格式后重新上传。",
            code="file_type",
        )
    if kind in IMAGES:
        dimensions = image_size(file)
        if dimensions is None:
            raise ValidationError(f"{what}无法识别为图片，请重新导出后上传。", code="image_broken")
        width, height = dimensions
        if width > max_side or height > max_side:
            raise ValidationError(
                f"{what}为{width}×{height}像素，超过上限{max_side}×{max_side}像素，"
                "请缩小后重新上传。",
                code="image_too_large",
            )
    return kind


def _new_upload(value: Any):
    """The uploaded file behind a FileField value not yet stored, else None: files already
    stored were checked when they came in, and are checked again when served."""
    if not value or getattr(value, "_committed", True):
        return None
    return value.file


def material_file_max_bytes() -> int:
    return getattr(settings, "CATALOG_FILE_MAX_BYTES", 10 * 1024 * 1024)


def validate_material_file(value) -> None:
    """A catalogue material's blank form or sample: PDF, DOCX, XLSX, PNG or JPG."""
    upload = _new_upload(value)
    if upload is not None:
        check_file(
            upload,
            kinds=DOCUMENTS,
            max_bytes=material_file_max_bytes(),
            max_side=getattr(settings, "SAMPLE_IMAGE_MAX_SIDE", 4000),
        )


def validate_seal_image(value) -> None:
    """An approval seal's impression: PNG or JPG, small in bytes and in pixels (each notice
    decodes it)."""
    upload = _new_upload(value)
    if upload is not None:
        check_file(
            upload,
            kinds=IMAGES,
            max_bytes=getattr(settings, "SEAL_IMAGE_MAX_BYTES", 2 * 1024 * 1024),
            max_side=getattr(settings, "SEAL_IMAGE_MAX_SIDE", 2000),
            what="印模图片",
        )


def image_fits(field, max_side: int) -> bool:
    """Whether a stored image is an image no larger than `max_side` in either dimension."""
    try:
        with field.open("rb") as f:
            size = image_size(f)
    except OSError:
        return False
    return size is not None and max(size) <= max_side


# Shown in the browser when asked for (a scan read on screen): PDFs in the browser's own viewer,
# images as images. Word and Excel files are always downloads.
INLINE = ("pdf", "png", "jpg")
# An image shown on its own page may load nothing and run nothing (the product's pages' policy
# would allow the product's scripts). PDFs keep the pages' policy: a sandboxed PDF is not shown
# by Chromium's viewer.
IMAGE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def serve(
    field, *, name: str, kinds: tuple[str, ...] = DOCUMENTS, inline: bool = False
) -> FileResponse:
    """A stored upload named `name` plus the extension of what it really is, with the detected
    type; a file of any other kind is not served. A download, or with `inline` a PDF or image
    the browser shows (nosniff either way: the type is what the content was found to be)."""
    try:
        handle = field.open("rb")
    except OSError:
        raise Http404("文件已不存在，请联系办理单位。") from None
    kind = detect(handle)
    if kind not in kinds:
        handle.close()
        raise Http404("该文件格式不受支持，已停止提供下载，请联系办理单位。")
    shown = inline and kind in INLINE
    response = FileResponse(handle, content_type=MIME[kind])
    response["Content-Disposition"] = content_disposition(
        f"{name}.{kind}", "inline" if shown else "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    if shown and kind in IMAGES:
        response["Content-Security-Policy"] = IMAGE_POLICY
    return response
