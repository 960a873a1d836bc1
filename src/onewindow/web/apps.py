from django.apps import AppConfig


class WebConfig(AppConfig):
    """The UI shell (login, navigation, role homes), health check, and the serve command.

    It sits above every domain app: it may import any of them, none imports it.
    """

    name = "onewindow.web"
    verbose_name = "界面"

    def ready(self):
        from onewindow.web import (
            middleware,  # noqa: F401 - connects the login-time receiver
            permissions,  # noqa: F401 - registers the app's permissions
        )
