"""A case material's uploaded file opens for those who may read the case: the unit's staff from
the case page, the applicant from their own case on 我的办事; for anyone else it is not found
(404), and anonymous visitors are sent to log in. Served like every upload: the type found in the
content, nosniff, a safe name; shown inline (a PDF or an image read on screen)."""

import hashlib
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile

from onewindow.cases.models import CaseMaterial, Channel
from onewindow.cases.tests.conftest import DAY
from onewindow.testing.factories import ApplicantFactory, CaseFactory, DeskFactory, applicant

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def desk(_desk):
    """The root conftest's desk, built once for the module (not the cases package's, per test)."""
    return _desk


@pytest.fixture
def me():
    return applicant(2301)


@pytest.fixture
def case(desk, me):
    return CaseFactory(desk=desk, applicant=me, channel=Channel.ONLINE, day=DAY)


def _attach(row: CaseMaterial, content: bytes, name: str) -> CaseMaterial:
    row.sha256 = hashlib.sha256(content).hexdigest()
    row.size = len(content)
    row.status = CaseMaterial.Status.UPLOADED
    row.file.save(name, ContentFile(content))
    return row


def _urls(case, row) -> tuple[str, str]:
    return (
        f"/cases/{case.pk}/materials/{row.pk}/file/",
        f"/me/cases/{case.pk}/materials/{row.pk}/file/",
    )


def test_i21_the_units_clerk_opens_the_file_from_the_case_page(client, desk, case):
    row = _attach(case.materials.first(), PDF, "scan.pdf")
    staff_url, _ = _urls(case, row)
    client.force_login(desk.clerk)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'href="{staff_url}"' in page and "查看文件" in page
    response = client.get(staff_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('inline; filename="')
    # Not accepted yet, so no case number: named after the material alone.
    assert case.number is None
    assert disposition.endswith("''" + quote(f"{row.name}.pdf", safe=""))


def test_i21_an_image_is_shown_inline_under_a_policy_that_runs_nothing(client, desk, case):
    row = _attach(case.materials.first(), PNG, "photo.png")
    client.force_login(desk.clerk)
    response = client.get(_urls(case, row)[0])
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    policy = response["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy


def test_i21_a_clerk_of_another_unit_gets_404(client, case):
    row = _attach(case.materials.first(), PDF, "scan.pdf")
    other = DeskFactory()
    client.force_login(other.clerk)
    assert client.get(_urls(case, row)[0]).status_code == 404
    assert client.get(f"/cases/{case.pk}/").status_code == 404  # the same scope as the page


def test_i21_the_applicant_opens_their_own_file_from_my_case(client, case, me):
    row = _attach(case.materials.first(), PDF, "scan.pdf")
    _, mine = _urls(case, row)
    client.force_login(ApplicantFactory(identity=me["applicant_id"]))
    page = client.get(f"/me/cases/{case.pk}/").content.decode()
    assert f'href="{mine}"' in page and "查看文件" in page
    response = client.get(mine)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"


def test_i21_another_applicant_gets_404(client, case):
    row = _attach(case.materials.first(), PDF, "scan.pdf")
    client.force_login(ApplicantFactory(identity=applicant(2302)["applicant_id"]))
    assert client.get(_urls(case, row)[1]).status_code == 404
    assert client.get(_urls(case, row)[0]).status_code == 403  # not staff: no case pages at all


def test_i21_anonymous_visitors_are_sent_to_log_in(client, case):
    row = _attach(case.materials.first(), PDF, "scan.pdf")
    for url in _urls(case, row):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_i21_a_row_without_a_file_or_of_another_case_is_404(client, desk, case, me):
    other = CaseFactory(desk=desk, applicant=me, channel=Channel.ONLINE, day=DAY)
    theirs = _attach(other.materials.first(), PDF, "scan.pdf")
    bare = case.materials.first()
    client.force_login(desk.clerk)
    assert client.get(f"/cases/{case.pk}/materials/{bare.pk}/file/").status_code == 404
    assert client.get(f"/cases/{case.pk}/materials/{theirs.pk}/file/").status_code == 404
    assert client.get(_urls(other, theirs)[0]).status_code == 200


def test_i21_a_stored_file_that_is_not_a_scan_is_not_served(client, desk, case):
    row = _attach(case.materials.first(), b"<html><script>alert(1)</script>", "scan.pdf")
    client.force_login(desk.clerk)
    assert client.get(_urls(case, row)[0]).status_code == 404
