from django.urls import path

from onewindow.org import onboarding_views, setup_views, views

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
    # hall set-up (issue 17 items 5 and 9)
    path("org/windows/new/", setup_views.window_post_new, name="window_post_new"),
    path("org/windows/<int:post_id>/", setup_views.window_post, name="window_post"),
    path(
        "org/windows/<int:post_id>/active/",
        setup_views.window_post_active,
        name="window_post_active",
    ),
    path("org/windows/hours/", setup_views.hall_hours, name="hall_hours"),
    path("org/staff/pick/", setup_views.staff_pick, name="staff_pick"),
    # onboarding a county from one workbook (issue 19 item 3)
    path("org/onboarding/", onboarding_views.onboard_page, name="onboard"),
    path(
        "org/onboarding/template.xlsx", onboarding_views.onboard_template, name="onboard_template"
    ),
    path("org/onboarding/export.xlsx", onboarding_views.onboard_export, name="onboard_export"),
    path("org/onboarding/passwords/", onboarding_views.onboard_passwords, name="onboard_passwords"),
]
