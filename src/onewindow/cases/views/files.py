"""A case material's file from the case page, for the staff who may open that page."""

from onewindow.cases import selectors
from onewindow.cases.material_files import serve_material
from onewindow.org.access import permission_required


@permission_required("cases.view_case")
def case_material_file(request, case_id: int, material_id: int):
    case = selectors.case_get_for_user(case_id, user=request.user)
    return serve_material(case, material_id)
