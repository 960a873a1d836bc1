from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "onewindow.accounts"
    verbose_name = "申请人账号"

    def ready(self) -> None:
        from onewindow.accounts import permissions  # noqa: F401 - registers the permissions
