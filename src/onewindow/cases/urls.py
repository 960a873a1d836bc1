from django.urls import path

from onewindow.cases import views

app_name = "cases"
urlpatterns = [
    path("cases/window/", views.workbench, name="workbench"),
    path("cases/new/<int:item_id>/", views.application_new, name="new"),
    path("cases/review/", views.review_queue, name="review"),
    path("cases/department/", views.department, name="department"),
    path("cases/search/", views.search, name="search"),
    path("cases/<int:case_id>/", views.case_detail, name="detail"),
    path("cases/<int:case_id>/act/<str:action>/", views.case_act, name="act"),
    path("cases/<int:case_id>/notice/<str:kind>.pdf", views.case_notice, name="notice"),
    path(
        "cases/<int:case_id>/materials/<int:material_id>/file/",
        views.case_material_file,
        name="material_file",
    ),
    path("cases/combined/", views.combined_list, name="combined_list"),
    path("cases/combined/new/<int:service_id>/", views.combined_new, name="combined_new"),
    path("cases/combined/<int:combined_id>/", views.combined_detail, name="combined_detail"),
    path(
        "cases/combined/<int:combined_id>/act/<str:action>/",
        views.combined_act,
        name="combined_act",
    ),
    path("cases/key-projects/", views.key_projects, name="key_projects"),
    path("cases/province/", views.province_refused, name="province_refused"),
]
