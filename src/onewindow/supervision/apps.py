from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "onewindow.supervision"
    verbose_name = "电子监察"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from onewindow.cases import services as cases
        from onewindow.supervision import (
            national,  # noqa: F401 - registers the push's builders
            permissions,  # noqa: F401 - registers the app's permissions
        )
        from onewindow.supervision.models import cached_yellow_rule

        if not cases.YELLOW_RULES:
            cases.YELLOW_RULES.append(cached_yellow_rule)
