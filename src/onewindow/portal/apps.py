from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "onewindow.portal"
    verbose_name = "办事门户"

    def ready(self) -> None:
        from onewindow.portal import permissions  # noqa: F401 - registers the app's permissions
