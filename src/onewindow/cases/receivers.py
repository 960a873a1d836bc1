"""Reactions to announcements of lower apps."""

from django.dispatch import receiver

from onewindow.accounts import services as account_services
from onewindow.org import services as org_services
from onewindow.workdays.signals import calendar_changed


@receiver(calendar_changed)
def _recompute(sender, years, revision, **kwargs):
    from onewindow.cases.services import recompute_deadlines

    recompute_deadlines(set(years))


def _open_cases(staff) -> int:
    from onewindow.cases.services import open_cases_of

    return open_cases_of(staff)


if _open_cases not in org_services.OPEN_CASE_COUNTERS:
    org_services.OPEN_CASE_COUNTERS.append(_open_cases)


def _registration_check(**kwargs) -> str:
    from onewindow.cases.account_checks import registration_check

    return registration_check(**kwargs)


if _registration_check not in account_services.IDENTITY_CHECKS:
    account_services.IDENTITY_CHECKS.append(_registration_check)
