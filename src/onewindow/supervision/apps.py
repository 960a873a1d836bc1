from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "onewindow.supervision"
    verbose_name = "电子监察"
    default_auto_field = "django.db.models.BigAutoField"
