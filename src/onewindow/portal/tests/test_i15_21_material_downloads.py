"""Issue 15 item 21: the public guide serves blank forms and samples as downloads of their
detected type, never to be rendered, and stops serving a stored file of any other kind."""

import pytest
from django.core.files.base import ContentFile

from onewindow.documents.tests import samples
from onewindow.testing.factories import ItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def material(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return ItemFactory().materials.first()  # of a published item


@pytest.mark.parametrize(
    ("stored_as", "content", "content_type"),
    [
        ("表.pdf", samples.PDF, "application/pdf"),
        ("表.bin", samples.image(20, 20), "image/png"),
        (
            "表.docx",
            samples.docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
    ids=["pdf", "png-named-bin", "docx"],
)
def test_i15_21_guide_serves_material_files_as_attachments(
    client, material, stored_as, content, content_type
):
    material.sample.save(stored_as, ContentFile(content), save=True)
    response = client.get(f"/guide/materials/{material.pk}/sample/")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert b"".join(response.streaming_content) == content


@pytest.mark.parametrize(
    "content", [samples.HTML, samples.SVG, samples.EXE], ids=["html", "svg", "exe"]
)
def test_i15_21_guide_does_not_serve_stored_files_of_other_kinds(client, material, content):
    # A file stored before uploads were checked by content.
    material.blank_form.save("表.pdf", ContentFile(content), save=True)
    response = client.get(f"/guide/materials/{material.pk}/blank_form/")
    assert response.status_code == 404
    assert content not in response.content
