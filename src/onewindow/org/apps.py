from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "onewindow.org"
    verbose_name = "组织机构"

    def ready(self) -> None:
        from onewindow.org import permissions  # noqa: F401 - registers the app's permissions
