"""Issue 15 item 21 (and the sample-image part of item 9): a material's blank form and sample
are PDF, DOCX, XLSX, PNG or JPG by content, within size and pixel limits."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from onewindow.catalog import services
from onewindow.catalog.tests.conftest import item_data
from onewindow.documents.tests import samples

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _create(reform, smj, which: str, name: str, content: bytes):
    material = {
        "name": "申请表",
        "originals": 1,
        "copies": 0,
        which: SimpleUploadedFile(name, content),
    }
    return services.item_create(
        acting_user=reform, unit=smj, data=item_data(), materials=[material]
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("申请表.exe", samples.EXE),
        ("申请表.pdf", samples.EXE),
        ("申请表.html", samples.HTML),
        ("申请表.pdf", samples.HTML),
        ("样表.svg", samples.SVG),
        ("样表.png", samples.SVG),
        ("申请表.docx", samples.plain_zip()),
        ("申请表.xlsx", samples.xlsm()),
    ],
    ids=["exe", "exe-as-pdf", "html", "html-as-pdf", "svg", "svg-as-png", "zip-as-docx", "xlsm"],
)
@pytest.mark.parametrize("which", ["blank_form", "sample"])
def test_i15_21_material_files_of_other_kinds_are_refused(reform, smj, which, name, content):
    with pytest.raises(ValidationError, match="只接受PDF、Word"):
        _create(reform, smj, which, name, content)


def test_i15_21_material_files_over_the_size_limit_are_refused(reform, smj):
    big = samples.PDF + b"\x00" * (30 * 1024 * 1024)
    with pytest.raises(ValidationError, match="超过上限10MB"):
        _create(reform, smj, "blank_form", "申请表.pdf", big)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("申请表.pdf", samples.PDF),
        ("申请表.docx", samples.docx()),
        ("申请表.xlsx", samples.xlsx()),
        ("样表.png", samples.image(40, 30)),
        ("样表.jpg", samples.image(40, 30, "JPEG")),
    ],
    ids=["pdf", "docx", "xlsx", "png", "jpg"],
)
def test_i15_21_material_files_of_the_accepted_kinds_are_stored(reform, smj, name, content):
    item = _create(reform, smj, "sample", name, content)
    stored = item.materials.get().sample
    with stored.open("rb") as f:
        assert f.read() == content


def test_i15_09_sample_images_are_limited_in_pixels_not_only_bytes(reform, smj, settings):
    with pytest.raises(ValidationError, match="12000×12000像素，超过上限4000×4000像素"):
        _create(reform, smj, "sample", "样表.png", samples.png_header(12000, 12000))
    settings.SAMPLE_IMAGE_MAX_SIDE = 30
    with pytest.raises(ValidationError, match="超过上限30×30像素"):
        _create(reform, smj, "sample", "样表.png", samples.image(40, 30))
