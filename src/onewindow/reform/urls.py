from django.urls import path  # noqa: F401

app_name = "reform"
urlpatterns: list = []

# Timetable (S18) and inspection (S16).
from onewindow.reform import inspection_views, timetable_views  # noqa: E402

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
