from django.urls import path

from onewindow.workdays import views

app_name = "workdays"
urlpatterns = [
    path("calendar/", views.year_list, name="year_list"),
    path("calendar/<int:year>/", views.year_view, name="year_view"),
    path("calendar/day/", views.day_correct, name="day_correct"),
    path("calendar/<int:year>/enter/", views.year_enter, name="year_enter"),
]
