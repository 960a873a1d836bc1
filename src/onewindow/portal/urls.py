from django.urls import path

from onewindow.portal import apply, lookup, views

app_name = "portal"
urlpatterns = [
    path("guide/", views.guide_home, name="home"),
    path("guide/search/", views.guide_search, name="search"),
    path("guide/items/<str:code>/", views.guide_item, name="item"),
    path("guide/items/<str:code>/qr.svg", views.guide_item_qr, name="item_qr"),
    path("guide/combined/<int:service_id>/", views.guide_combined, name="combined"),
    path("progress/", lookup.progress_lookup, name="progress_lookup"),
    path("progress/<str:token>/", views.progress, name="progress"),
    path("progress/<str:token>/rate/", views.rate, name="rate"),
    path("me/", views.my_cases, name="my_cases"),
    path("me/cases/<int:case_id>/", views.my_case, name="my_case"),
    path("me/cases/<int:case_id>/act/<str:action>/", views.my_case_act, name="my_case_act"),
    path(
        "me/cases/<int:case_id>/materials/<int:material_id>/file/",
        views.my_material_file,
        name="my_material_file",
    ),
    # 网上申请 (online application)
    path("guide/items/<str:code>/apply/", apply.apply_item, name="apply_item"),
    path("guide/combined/<int:service_id>/apply/", apply.apply_combined, name="apply_combined"),
    path("me/applications/", apply.my_applications, name="applications"),
    path("me/applications/<int:draft_id>/", apply.application, name="application"),
    path(
        "me/applications/<int:draft_id>/files/<int:material_id>/",
        apply.upload,
        name="application_upload",
    ),
    path("me/applications/<int:draft_id>/delete/", apply.delete, name="application_delete"),
    path(
        "guide/materials/<int:material_id>/<str:which>/",
        views.material_file,
        name="material_file",
    ),
]
