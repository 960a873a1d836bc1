from django.urls import path

from onewindow.org import views

app_name = "org"
urlpatterns = [
    path("org/units/", views.unit_list, name="unit_list"),
    path("org/units/<int:unit_id>/", views.unit_detail, name="unit_detail"),
    path("org/staff/", views.staff_list, name="staff_list"),
    path("org/windows/", views.window_list, name="window_list"),
    path("unit/", views.my_unit, name="my_unit"),
    path("window/", views.my_windows, name="my_windows"),
    path("hall/", views.hall_overview, name="hall_overview"),
    path("reform/units/", views.reform_units, name="reform_units"),
    path("org/leave/", views.my_leave, name="my_leave"),
    path("hall/cover/", views.hall_cover, name="hall_cover"),
    path("org/changes/", views.staff_changes, name="staff_changes"),
    path(
        "org/changes/<int:change_id>/decide/", views.staff_change_decide, name="staff_change_decide"
    ),
]
