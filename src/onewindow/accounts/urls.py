from django.urls import path

from onewindow.accounts import oidc_views, views

app_name = "accounts"
urlpatterns = [
    path("accounts/register/", views.register, name="register"),
    path("accounts/password/reset/", views.password_reset, name="password_reset"),
    path("accounts/organisations/", views.organisations, name="organisations"),
    path("accounts/organisations/new/", views.organisation_new, name="organisation_new"),
    path(
        "accounts/organisations/<int:organisation_id>/",
        views.organisation,
        name="organisation",
    ),
    path(
        "accounts/organisations/<int:organisation_id>/members/<int:membership_id>/revoke/",
        views.operator_revoke,
        name="operator_revoke",
    ),
    path(
        "accounts/invitations/<int:membership_id>/",
        views.invitation_answer,
        name="invitation_answer",
    ),
    path(
        "accounts/organisations/verify/",
        views.organisation_verify,
        name="organisation_verify",
    ),
    path("accounts/oidc/login/", oidc_views.oidc_login, name="oidc_login"),
    path("accounts/oidc/callback/", oidc_views.oidc_callback, name="oidc_callback"),
]
