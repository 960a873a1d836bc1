from django.urls import path

from onewindow.reform import (
    file_views,
    filing_views,
    inspection_views,
    scorecard_views,
    submission_views,
    timetable_views,
)

app_name = "reform"
urlpatterns: list = []

# Timetable (S18) and inspection (S16).

urlpatterns += [
    path("reform/timetable/", timetable_views.timetable_page, name="timetable"),
    path("reform/rounds/", timetable_views.round_list, name="rounds"),
    path("reform/rounds/new/", timetable_views.round_new, name="round_new"),
    path("reform/rounds/<int:round_id>/", timetable_views.round_edit, name="round_edit"),
    path("reform/rounds/<int:round_id>/copy/", timetable_views.round_copy, name="round_copy"),
    path("reform/spot-checks/", inspection_views.spot_checks, name="spot_checks"),
    path("reform/spot-checks/new/", inspection_views.spot_check_new, name="spot_check_new"),
    path("reform/spot-checks/<int:spot_id>/", inspection_views.spot_check, name="spot_check"),
    path("reform/weights/", inspection_views.weights, name="weights"),
]

# Self-inspection files (S17): the report, attachments 1, 2, 3 and 5, the PDF, the ZIP.

urlpatterns += [
    path("self-inspection/<int:unit_id>/files/", file_views.unit_files, name="unit_files"),
    path(
        "self-inspection/<int:unit_id>/attachment/<int:number>/",
        file_views.attachment,
        name="attachment",
    ),
    path(
        "self-inspection/<int:unit_id>/report.docx",
        file_views.report_docx,
        name="report_docx",
    ),
    path("self-inspection/<int:unit_id>/report.pdf", file_views.report_pdf, name="report_pdf"),
    path("self-inspection/all.zip", file_views.zip_all, name="zip"),
]

# Self-inspection report workflow (S17) and filings (S2(5), S1).

urlpatterns += [
    path("self-inspection/report/", submission_views.my_report, name="my_report"),
    path("self-inspection/reports/", submission_views.submission_list, name="submissions"),
    path(
        "self-inspection/reports/<int:submission_id>/",
        submission_views.submission_detail,
        name="submission_detail",
    ),
    path(
        "self-inspection/reports/<int:submission_id>/decide/",
        submission_views.submission_decide,
        name="submission_decide",
    ),
    path("reform/filings/", filing_views.filing_list, name="filings"),
    path(
        "reform/filings/<int:filing_id>/decide/", filing_views.filing_decide, name="filing_decide"
    ),
]

# The scorecard of the six checks (S15, S16).

urlpatterns += [
    path("reform/scorecard/", scorecard_views.scorecard, name="scorecard"),
    path("reform/scorecard/<int:unit_id>/", scorecard_views.scorecard_unit, name="scorecard_unit"),
]
