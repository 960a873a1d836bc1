from django.urls import path

from onewindow.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("webhooks/", views.subscriptions, name="subscriptions"),
    path("webhooks/<int:subscription_id>/", views.deliveries, name="deliveries"),
    path(
        "webhooks/<int:subscription_id>/deliveries/<int:delivery_id>/redeliver/",
        views.redeliver,
        name="redeliver",
    ),
]
