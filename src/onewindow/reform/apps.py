from django.apps import AppConfig


class ReformConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "onewindow.reform"
    verbose_name = "改革督查"

    def ready(self) -> None:
        from onewindow.reform import permissions  # noqa: F401  (registers the named permissions)
        from onewindow.reform.inspection import deductions
        from onewindow.supervision.appraisal import UNIT_DEDUCTIONS

        if deductions not in UNIT_DEDUCTIONS:  # S16: spot checks count in the unit appraisal
            UNIT_DEDUCTIONS.append(deductions)
