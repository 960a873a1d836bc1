from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "onewindow.accounts"
    verbose_name = "申请人账号"

    def ready(self) -> None:
        from onewindow.accounts import permissions, services  # noqa: F401 - registers the permissions
        from onewindow.org import services as org_services

        if services.verified_at_hall not in org_services.IDENTITY_VERIFIED:
            org_services.IDENTITY_VERIFIED.append(services.verified_at_hall)
