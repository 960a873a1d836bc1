from django.apps import AppConfig


class ReformConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "onewindow.reform"
    verbose_name = "改革督查"

    def ready(self) -> None:
        from onewindow.reform import permissions  # noqa: F401  (registers the named permissions)
