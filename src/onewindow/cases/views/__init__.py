"""Case pages: the window, the team leader's queue, the department, the case page with the
moves its user may make now (from the registry in `cases.actions`), and the 一件事 pages."""

from onewindow.cases.views.case import case_act, case_detail, case_notice
from onewindow.cases.views.combined import (
    combined_act,
    combined_detail,
    combined_list,
    combined_new,
)
from onewindow.cases.views.files import case_material_file
from onewindow.cases.views.province import province_refused
from onewindow.cases.views.search import search
from onewindow.cases.views.window import (
    application_new,
    department,
    key_projects,
    review_queue,
    workbench,
)

__all__ = [
    "application_new",
    "case_act",
    "case_detail",
    "case_material_file",
    "case_notice",
    "combined_act",
    "combined_detail",
    "combined_list",
    "combined_new",
    "department",
    "key_projects",
    "province_refused",
    "review_queue",
    "search",
    "workbench",
]
