from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "onewindow.workdays"
    verbose_name = "工作日历"

    def ready(self) -> None:
        from onewindow.workdays import permissions  # noqa: F401 - registers the app's permissions
