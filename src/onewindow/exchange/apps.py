from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "onewindow.exchange"
    verbose_name = "省平台数据交换"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from onewindow.exchange import permissions  # noqa: F401 - registers the app's permissions
