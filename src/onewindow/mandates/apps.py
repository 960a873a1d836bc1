from django.apps import AppConfig


class MandatesConfig(AppConfig):
    name = "onewindow.mandates"
    verbose_name = "窗口授权"
    default_auto_field = "django.db.models.BigAutoField"
