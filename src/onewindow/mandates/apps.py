from django.apps import AppConfig


class MandatesConfig(AppConfig):
    name = "onewindow.mandates"
    verbose_name = "窗口授权"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from onewindow.mandates import permissions  # noqa: F401 - registers the app's permissions
