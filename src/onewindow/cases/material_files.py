"""A case material's stored file (the scan uploaded online or at the window), opened by those who
may read the case: the window's staff within their scope (cases.views.files) and the applicant
from 我的办事 (portal). The case is found by the caller's own scoped selector; here only the row
of that case and the response."""

from django.http import Http404

from onewindow.cases.models import Case, CaseMaterial
from onewindow.documents import files

# What checked_upload lets in; a stored file of any other kind is not served.
KINDS = ("pdf", "jpg", "png")


def material_with_file(case: Case, material_id: int) -> CaseMaterial:
    row = case.materials.filter(pk=material_id).exclude(file="").first()
    if row is None:
        raise Http404("该办件没有这份材料的电子文件。")
    return row


def serve_material(case: Case, material_id: int):
    """The file shown in the browser (PDF, JPG, PNG by content), named after the material and
    the case."""
    row = material_with_file(case, material_id)
    name = f"{row.name}-{case.number}" if case.number else row.name
    return files.serve(row.file, name=name, kinds=KINDS, inline=True)
