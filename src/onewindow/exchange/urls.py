from django.urls import path

from onewindow.exchange import views

app_name = "exchange"
urlpatterns = [
    path("exchange/outbox/", views.outbox, name="outbox"),
    path("exchange/outbox/resend/", views.resend, name="resend"),
]
