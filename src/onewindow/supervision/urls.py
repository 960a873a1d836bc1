from django.urls import path

from onewindow.supervision import views

app_name = "supervision"
urlpatterns = [
    path("supervision/messages/", views.my_messages, name="messages"),
    path("supervision/messages/read/", views.messages_read, name="messages_read"),
    path("supervision/warnings/", views.warnings, name="warnings"),
    path("supervision/rules/", views.rules, name="rules"),
]
