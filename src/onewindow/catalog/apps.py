from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "onewindow.catalog"
    verbose_name = "事项库"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from onewindow.catalog import permissions  # noqa: F401 - registers the app's permissions
