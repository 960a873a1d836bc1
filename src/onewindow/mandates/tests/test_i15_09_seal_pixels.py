"""Issue 15 item 9: the seal impression is limited in pixels, not only bytes; a notice never
decodes an oversized seal stored before the limit."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from onewindow.cases import notices
from onewindow.cases.tests.conftest import DAY
from onewindow.cases.workflow import State
from onewindow.documents.tests import pdftext, samples
from onewindow.mandates import services
from onewindow.mandates.models import Seal
from onewindow.org.models import Staff
from onewindow.org.roles import RoleCode
from onewindow.testing.factories import CaseFactory, DeskFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def reform():
    return UserFactory(roles=[RoleCode.REFORM_OFFICE])


def _save(reform, unit, upload):
    return services.seal_save(
        acting_user=reform,
        unit=unit,
        data={
            "enabled": True,
            "enabled_on": DAY,
            "custodian": Staff.objects.filter(unit=unit, active=True).first(),
            "impression": upload,
        },
    )


def test_i15_09_seal_images_are_limited_in_pixels(settings, reform):
    unit = DeskFactory().unit
    with pytest.raises(ValidationError, match="12000×12000像素，超过上限2000×2000像素"):
        _save(reform, unit, SimpleUploadedFile("seal.png", samples.png_header(12000, 12000)))
    with pytest.raises(ValidationError, match="只接受PNG、JPG"):
        _save(reform, unit, SimpleUploadedFile("seal.png", samples.SVG))
    seal = _save(reform, unit, SimpleUploadedFile("seal.png", samples.image(300, 300)))
    assert seal.impression.name.endswith(".png")
    settings.SEAL_IMAGE_MAX_SIDE = 200
    with pytest.raises(ValidationError, match="超过上限200×200像素"):
        _save(reform, unit, SimpleUploadedFile("seal2.png", samples.image(300, 300)))


@time_machine.travel(NOW, tick=False)
def test_i15_09_a_notice_leaves_out_an_oversized_stored_seal(reform):
    case = CaseFactory(state=State.ACCEPTED, day=DAY)
    seal = _save(reform, case.unit, SimpleUploadedFile("seal.png", samples.image(300, 300)))
    pdf = notices.render(case, "accept", base_url="http://testserver/")
    assert pdftext.read(pdf)["images"] == 2  # the seal and the QR code
    # A seal stored before the limit existed (written to storage directly, unchecked).
    seal.impression.save("big.png", ContentFile(samples.png_header(12000, 12000)), save=False)
    Seal.objects.filter(pk=seal.pk).update(impression=seal.impression.name)
    case.unit.refresh_from_db()
    case = type(case).objects.get(pk=case.pk)
    pdf = notices.render(case, "accept", base_url="http://testserver/")
    assert pdftext.read(pdf)["images"] == 1  # the QR code only
