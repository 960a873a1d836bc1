from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "onewindow.cases"
    verbose_name = "办件"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from onewindow.cases import (
            national,  # noqa: F401  (registers the push's record builders)
            receivers,  # noqa: F401  (connects the signal receivers)
        )
