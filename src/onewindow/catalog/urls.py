from django.urls import path

from onewindow.catalog import views

app_name = "catalog"
urlpatterns = [
    path("catalog/", views.item_list, name="item_list"),
    path("catalog/items/new/", views.item_edit, name="item_new"),
    path("catalog/items/<int:item_id>/", views.item_detail, name="item_detail"),
    path("catalog/items/<int:item_id>/edit/", views.item_edit, name="item_edit"),
    path("catalog/items/<int:item_id>/publish/", views.item_publish, name="item_publish"),
    path("catalog/items/<int:item_id>/hall/", views.item_hall, name="item_hall"),
    path("catalog/items/<int:item_id>/withdraw/", views.item_withdraw, name="item_withdraw"),
    path("catalog/check/", views.catalogue_check, name="check"),
    path("catalog/import/", views.catalogue_import, name="import"),
    path("catalog/export.<str:fmt>", views.catalogue_export, name="export"),
    path("catalog/template.xlsx", views.catalogue_template, name="template"),
    path("catalog/combined/", views.combined_list, name="combined_list"),
    path("catalog/combined/new/", views.combined_edit, name="combined_new"),
    path("catalog/combined/<int:service_id>/", views.combined_detail, name="combined_detail"),
    path("catalog/combined/<int:service_id>/edit/", views.combined_edit, name="combined_edit"),
    path(
        "catalog/combined/<int:service_id>/publish/",
        views.combined_publish,
        name="combined_publish",
    ),
]
