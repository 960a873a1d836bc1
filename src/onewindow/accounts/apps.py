from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "onewindow.accounts"
    verbose_name = "申请人账号"
