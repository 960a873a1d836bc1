from django.urls import path

from onewindow.mandates import views

app_name = "mandates"
urlpatterns = [
    path("mandates/", views.letter_list, name="letter_list"),
    path("mandates/new/", views.letter_edit, name="letter_new"),
    path("mandates/<int:letter_id>/", views.letter_detail, name="letter_detail"),
    path("mandates/<int:letter_id>/edit/", views.letter_edit, name="letter_edit"),
    path("mandates/<int:letter_id>/powers/", views.letter_powers, name="letter_powers"),
    path("mandates/<int:letter_id>/<str:action>/", views.letter_action, name="letter_action"),
    path("mandates/<int:letter_id>/doc/<str:kind>", views.letter_document, name="letter_document"),
    path("mandates/seals/", views.seal_list, name="seal_list"),
    path("mandates/seal/", views.seal_page, name="my_seal"),
    path("mandates/seal/<int:unit_id>/", views.seal_page, name="seal"),
    path("mandates/enquiries/", views.enquiries, name="enquiries"),
]
