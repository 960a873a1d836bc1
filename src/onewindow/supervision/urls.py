from django.urls import path

from onewindow.supervision import kiosk_views, views

app_name = "supervision"
urlpatterns = [
    path("supervision/", views.dashboard_page, name="dashboard"),
    path("supervision/wall/", views.dashboard_page, {"wall": True}, name="wall"),
    path("supervision/cases/", views.dashboard_cases, name="dashboard_cases"),
    path("supervision/messages/", views.my_messages, name="messages"),
    path("supervision/messages/read/", views.messages_read, name="messages_read"),
    path("supervision/warnings/", views.warnings, name="warnings"),
    path("supervision/rules/", views.rules, name="rules"),
    path("supervision/anomalies/", views.anomaly_list, name="anomalies"),
    path(
        "supervision/anomalies/<int:anomaly_id>/<str:action>/",
        views.anomaly_act,
        name="anomaly_act",
    ),
    path("supervision/rate/<int:case_id>/", kiosk_views.kiosk_offer, name="tablet"),
    path("supervision/kiosks/", kiosk_views.kiosk_list, name="kiosks"),
    path(
        "supervision/kiosks/<int:kiosk_id>/revoke/",
        kiosk_views.kiosk_revoke,
        name="kiosk_revoke",
    ),
    path("kiosk/", kiosk_views.device, name="kiosk"),
    path("kiosk/rate/", kiosk_views.device_rate, name="kiosk_rate"),
    path("supervision/tickets/", views.ticket_list, name="tickets"),
    path("supervision/tickets/<int:ticket_id>/", views.ticket_detail, name="ticket_detail"),
    path("supervision/tickets/<int:ticket_id>/<str:action>/", views.ticket_act, name="ticket_act"),
    path("supervision/appraisal/", views.appraisal_page, name="appraisal"),
    path(
        "supervision/appraisal/dispatched.xlsx",
        views.appraisal_dispatched,
        name="appraisal_dispatched",
    ),
    path("supervision/orders/", views.order_list, name="orders"),
    path("supervision/orders/new/", views.order_new, name="order_new"),
    path("supervision/orders/<int:order_id>/", views.order_detail, name="order_detail"),
    path("supervision/orders/<int:order_id>/<str:action>/", views.order_act, name="order_act"),
]
