from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "onewindow.webhooks"
    verbose_name = "部门系统推送（Webhook）"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from onewindow.cases.services.core import event_written
        from onewindow.webhooks import permissions, services

        assert permissions  # imported for its rules.add_perm calls

        # dispatch_uid: a second ready() (tests) connects it once.
        event_written.connect(services.on_case_event, dispatch_uid="webhooks.on_case_event")
