from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data and the `demo` command; no models."""

    name = "onewindow.demo"
    verbose_name = "演示数据"
