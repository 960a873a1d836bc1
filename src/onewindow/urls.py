from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from onewindow.api import api
from onewindow.web import views

admin.site.site_header = "一窗通办 · 系统管理"
admin.site.site_title = "一窗通办"
admin.site.index_title = "数据维护"

urlpatterns = [
    path("", views.index, name="index"),
    path("healthz", views.healthz, name="healthz"),
    path("home/", views.home, name="home"),
    path("no-role/", views.no_role, name="no_role"),
    path("import-errors/<str:token>/", views.import_errors, name="import_errors"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("onewindow.org.urls")),
    path("", include("onewindow.accounts.urls")),
    path("", include("onewindow.workdays.urls")),
    path("", include("onewindow.catalog.urls")),
    path("", include("onewindow.mandates.urls")),
    path("", include("onewindow.cases.urls")),
    path("", include("onewindow.supervision.urls")),
    path("", include("onewindow.reform.urls")),
    path("", include("onewindow.exchange.urls")),
    path("", include("onewindow.webhooks.urls")),
    path("", include("onewindow.portal.urls")),
    path("api/", api.urls),
]

handler403 = "onewindow.web.views.permission_denied"
handler404 = "onewindow.web.errors.not_found"
handler400 = "onewindow.web.errors.bad_request"
handler500 = "onewindow.web.errors.server_error"
