"""Onboarding a county from one workbook: check every row against the file and the database,
refuse the whole file with one problem per cell when anything is wrong, else write it in one
transaction. A second import of the same data changes nothing: rows are found by their natural
keys (region by code, unit by credit code, section by unit and name, staff by login name or
else mobile, hall by name, window post by hall and number) and only changed fields are saved.

References between sheets are by the names people use: a unit by its full name, a person by
login name or mobile, a hall by name. A reference may name a row of the file or one already in
the database (a file may add staff to units onboarded earlier)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from onewindow.common import crypto
from onewindow.org.models import User
from onewindow.org.onboarding import sheets as S
from onewindow.org.onboarding.checks import Check
from onewindow.org.onboarding.problems import OnboardingRefused
from onewindow.org.onboarding.reader import Rows, read_workbook
from onewindow.org.onboarding.write import Result, Writer
from onewindow.org.permissions import allows


def check_rows(rows: dict[str, Rows]) -> Check:
    check = Check(rows)
    check.run()
    if check.problems:
        raise OnboardingRefused(check.problems)
    return check


def onboard(
    *,
    acting_user: User | None,
    data: bytes,
    filename: str = "",
    initial_password: str | None = None,
) -> Result:
    """Import an onboarding workbook, all or nothing (OnboardingRefused lists every problem).
    New accounts get a random first password (returned once in the result, to be changed at
    first sign-in) unless `initial_password` is given (the demo's published one). Without
    `acting_user` (the command line) the import is recorded as the command's."""
    from onewindow.org.models import OnboardingRun

    if acting_user is not None and not allows(acting_user, "org.onboard"):
        raise PermissionDenied("只有审改办或系统管理员可以导入机构人员。")
    rows = read_workbook(data)
    with transaction.atomic():
        check = check_rows(rows)
        writer = Writer(check, acting_user=acting_user, initial_password=initial_password)
        result = writer.run()
        if result.changed or result.passwords:
            run = OnboardingRun(
                by=acting_user,
                by_name=(str(acting_user) if acting_user else "命令行导入")[:50],
                filename=filename[:200],
                digest=crypto.sm3(data),
                counts=result.counts,
                changes=writer.log,
                accounts=len(result.passwords),
            )
            run.save()
            result.run_id = run.pk
    return result


def summary(result: Result) -> str:
    parts = []
    for sheet in S.SHEETS:
        c = result.counts.get(sheet.title)
        if c:
            parts.append(
                f"{sheet.title}：新增{c['created']}、更新{c['updated']}、无变化{c['unchanged']}"
            )
    return "；".join(parts) or "文件中没有数据行"
