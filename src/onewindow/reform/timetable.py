"""The reform timetable (S18): a round with its tasks and deadlines, each unit's completion date
per task taken from the data, overdue tasks, and the reminders before a deadline.

Rules a round must keep (each refused with its own message, nothing written):
- the round ends on or after the day it starts;
- every deadline (tasks and the self-inspection report) lies within the round;
- deadlines never go backwards: taken in `order`, each task with a deadline is due on or after
  every earlier task with one. A task without a deadline (ongoing, e.g. innovation) is left out
  of that comparison.

A unit completes a task on the day the last of the task's checks first passed
(`CheckPassed.first_passed_on`, written by the daily reform scan); until every check has passed
once, the task is open, and overdue once its deadline has gone by.

At most one round is active; the timetable page shows it. Making a round active (creating,
copying or editing it) makes the others inactive."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from onewindow import workdays
from onewindow.common.masking import mask_mobile
from onewindow.exchange import services as exchange
from onewindow.org.models import Staff, Unit, User
from onewindow.org.permissions import allows
from onewindow.reform.models import Check, CheckPassed, Round, Task
from onewindow.supervision.models import Message, Rules

# The county's 2020 round as the seed sets it out (三、工作任务及步骤; 五(四) for the report).
SEED_ROUND = {
    "name": "2020年深化审批服务“三集中三到位”改革",
    "document": "桃审改办发〔2020〕1号",
    "starts_on": datetime.date(2020, 5, 20),
    "ends_on": datetime.date(2020, 6, 30),
    "report_due": datetime.date(2020, 6, 20),
}
# (title, checks, (month, day) or None for ongoing)
SEED_TASKS = (
    ("明确分管领导和牵头股室，落实行政审批服务职能集中", [Check.ORGANISATION], (5, 31)),
    ("清理规范事项，确保事项集中进驻到位", [Check.ITEMS], (6, 10)),
    ("落实“人随事定”要求，确保股室和人员进驻到位", [Check.STAFF], (6, 20)),
    ("完成审批授权，优化审批流程", [Check.AUTHORIZATION], (6, 20)),
    ("拓展监管力度，电子监察到位", [Check.SUPERVISION], (6, 30)),
    ("创新审批机制，提升服务效率", [Check.MECHANISM], None),
)
CHECK_CODES = {c.value for c in Check}


def default_tasks(year: int = 2020) -> list[dict]:
    """The seed's six tasks with their deadlines in `year` (innovation has none)."""
    return [
        {
            "title": title,
            "checks": [str(c) for c in checks],
            "deadline": datetime.date(year, *md) if md else None,
        }
        for title, checks, md in SEED_TASKS
    ]


def validate(
    *, name: str, starts_on, ends_on, report_due, tasks: list[dict], exclude_pk=None
) -> None:
    """Raise a ValidationError with every broken rule of a round and its tasks (module doc)."""
    errors: dict[str, list[str]] = defaultdict(list)
    if not (name or "").strip():
        errors["name"].append("请填写轮次名称。")
    elif Round.objects.filter(name=name.strip()).exclude(pk=exclude_pk).exists():
        errors["name"].append(f"轮次“{name.strip()}”已存在，请换一个名称。")
    if not starts_on:
        errors["starts_on"].append("请填写开始日期。")
    if not ends_on:
        errors["ends_on"].append("请填写结束日期。")
    if not report_due:
        errors["report_due"].append("请填写自查报告报备期限。")
    if errors:
        raise ValidationError(dict(errors))
    if ends_on < starts_on:
        raise ValidationError(
            {"ends_on": f"结束日期{ends_on:%Y-%m-%d}早于开始日期{starts_on:%Y-%m-%d}。"}
        )
    if not starts_on <= report_due <= ends_on:
        errors["report_due"].append(
            f"自查报告报备期限{report_due:%Y-%m-%d}不在本轮改革期间"
            f"（{starts_on:%Y-%m-%d}至{ends_on:%Y-%m-%d}）内。"
        )
    if not tasks:
        errors["tasks"].append("请至少填写一项改革任务。")
    latest: tuple[str, datetime.date] | None = None
    for n, t in enumerate(tasks, 1):
        title, deadline = (t.get("title") or "").strip(), t.get("deadline")
        label = f"第{n}项任务“{title}”" if title else f"第{n}项任务"
        if not title:
            errors["tasks"].append(f"{label}未填写任务名称。")
        unknown = [c for c in t.get("checks") or [] if c not in CHECK_CODES]
        if unknown:
            errors["tasks"].append(f"{label}的完成标志“{'、'.join(unknown)}”不是到位检查。")
        if deadline is None:
            continue
        if deadline < starts_on:
            errors["tasks"].append(
                f"{label}的完成时限{deadline:%Y-%m-%d}早于本轮开始日期{starts_on:%Y-%m-%d}。"
            )
        elif deadline > ends_on:
            errors["tasks"].append(
                f"{label}的完成时限{deadline:%Y-%m-%d}晚于本轮结束日期{ends_on:%Y-%m-%d}。"
            )
        if latest and deadline < latest[1]:
            errors["tasks"].append(
                f"{label}的完成时限{deadline:%Y-%m-%d}早于前面的{latest[0]}"
                f"（{latest[1]:%Y-%m-%d}）：任务按序号排列，完成时限不得倒退。"
            )
        if latest is None or deadline >= latest[1]:
            latest = (label, deadline)
    if errors:
        raise ValidationError(dict(errors))


def _check_allowed(acting_user: User) -> None:
    if not allows(acting_user, "reform.manage_rounds"):
        raise PermissionDenied("只有县行政审批服务局（审改办）可以设置改革轮次。")


def _clean_tasks(tasks: list[dict]) -> list[dict]:
    return [
        {
            "title": (t.get("title") or "").strip(),
            "checks": list(dict.fromkeys(str(c) for c in t.get("checks") or [])),
            "deadline": t.get("deadline"),
        }
        for t in tasks
    ]


def _write_tasks(rnd: Round, tasks: list[dict]) -> None:
    rnd.tasks.all().delete()
    Task.objects.bulk_create(Task(round=rnd, order=n, **t) for n, t in enumerate(tasks, 1))


def _activate(rnd: Round) -> None:
    if rnd.active:
        Round.objects.exclude(pk=rnd.pk).filter(active=True).update(active=False)


@transaction.atomic
def round_create(
    *,
    acting_user: User,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    report_due: datetime.date,
    tasks: list[dict] | None = None,
    units=None,
    document: str = "",
    active: bool = True,
) -> Round:
    """A round with its tasks (the seed's six in the start year unless given) and its units
    (every unit in the reform unless given)."""
    _check_allowed(acting_user)
    tasks = _clean_tasks(
        default_tasks(starts_on.year) if tasks is None and starts_on else tasks or []
    )
    validate(name=name, starts_on=starts_on, ends_on=ends_on, report_due=report_due, tasks=tasks)
    rnd = Round.objects.create(
        name=name.strip(),
        document=document.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        report_due=report_due,
        active=active,
    )
    rnd.units.set(Unit.objects.filter(in_reform=True) if units is None else units)
    _write_tasks(rnd, tasks)
    _activate(rnd)
    return rnd


def seed_round(*, acting_user: User) -> Round:
    """The county's 2020 round exactly as the seed dates it."""
    return round_create(acting_user=acting_user, **SEED_ROUND)


@transaction.atomic
def round_update(
    rnd: Round,
    *,
    acting_user: User,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    report_due: datetime.date,
    tasks: list[dict],
    units=None,
    document: str = "",
    active: bool = True,
) -> Round:
    """Change a round and replace its tasks (the completion dates live on the checks, so
    nothing recorded is lost)."""
    _check_allowed(acting_user)
    tasks = _clean_tasks(tasks)
    validate(
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        report_due=report_due,
        tasks=tasks,
        exclude_pk=rnd.pk,
    )
    rnd.name, rnd.document = name.strip(), document.strip()
    rnd.starts_on, rnd.ends_on, rnd.report_due, rnd.active = starts_on, ends_on, report_due, active
    rnd.save()
    if units is not None:
        rnd.units.set(units)
    _write_tasks(rnd, tasks)
    _activate(rnd)
    return rnd


def round_copy(
    source: Round,
    *,
    acting_user: User,
    name: str,
    starts_on: datetime.date,
    units=None,
    document: str = "",
) -> Round:
    """A new round (a new year's, a township round) with the source's tasks, every date moved by
    the same number of days as the start; the source's units unless `units` is given."""
    shift = starts_on - source.starts_on
    return round_create(
        acting_user=acting_user,
        name=name,
        document=document,
        starts_on=starts_on,
        ends_on=source.ends_on + shift,
        report_due=source.report_due + shift,
        tasks=[
            {
                "title": t.title,
                "checks": t.checks,
                "deadline": t.deadline + shift if t.deadline else None,
            }
            for t in source.tasks.all()
        ],
        units=list(source.units.all()) if units is None else units,
    )


def active_round() -> Round | None:
    return Round.objects.filter(active=True).first()


# --- completion, overdue ------------------------------------------------------------------


@dataclass
class Cell:
    """One unit's standing on one task."""

    task: Task
    done_on: datetime.date | None
    state: str  # done, late (done after the deadline), overdue, open, ongoing

    @property
    def overdue(self) -> bool:
        return self.state == "overdue"

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


STATE_LABELS = {
    "done": "已完成",
    "late": "逾期完成",
    "overdue": "逾期未完成",
    "open": "未完成",
    "ongoing": "持续推进",
}


def completion(task: Task, passed: dict[str, datetime.date | None]) -> datetime.date | None:
    """The day the last of the task's checks first passed; None while any has not passed yet
    (or the task names no check). `passed`: check → first_passed_on for one unit."""
    days = [passed.get(c) for c in task.checks]
    if not days or any(d is None for d in days):
        return None
    return max(days)


def state(task: Task, done_on: datetime.date | None, day: datetime.date) -> str:
    if done_on is not None:
        return "late" if task.deadline and done_on > task.deadline else "done"
    if task.deadline is None:
        return "ongoing"
    return "overdue" if day > task.deadline else "open"


def first_passed(unit_ids) -> dict[int, dict[str, datetime.date | None]]:
    """unit id → check → first day passed, for the given units."""
    out: dict[int, dict] = defaultdict(dict)
    rows = CheckPassed.objects.filter(unit_id__in=list(unit_ids)).values_list(
        "unit_id", "kind", "first_passed_on"
    )
    for unit_id, kind, on in rows:
        out[unit_id][kind] = on
    return out


@dataclass
class UnitLine:
    unit: Unit
    cells: list[Cell]

    @property
    def overdue(self) -> int:
        return sum(c.overdue for c in self.cells)


@dataclass
class TaskLine:
    task: Task
    complete: int = 0
    overdue: int = 0
    units: list = field(default_factory=list)  # the overdue units


def timetable(rnd: Round, day: datetime.date | None = None) -> tuple[list[TaskLine], list]:
    """Per task: units complete and overdue; per unit: its cells, task by task."""
    day = day or timezone.localdate()
    tasks = list(rnd.tasks.all())
    units = list(rnd.units.order_by("kind", "name"))
    passed = first_passed(u.pk for u in units)
    task_lines = [TaskLine(t) for t in tasks]
    unit_lines = []
    for u in units:
        cells = []
        for line in task_lines:
            done_on = completion(line.task, passed.get(u.pk, {}))
            cell = Cell(line.task, done_on, state(line.task, done_on, day))
            line.complete += done_on is not None
            if cell.overdue:
                line.overdue += 1
                line.units.append(u)
            cells.append(cell)
        unit_lines.append(UnitLine(u, cells))
    return task_lines, unit_lines


# --- reminders ----------------------------------------------------------------------------


def remind_days() -> int:
    return int(getattr(settings, "ONEWINDOW_REFORM_REMIND_DAYS", 3))


def reminder_text(rnd: Round, task: Task, unit: Unit, day: datetime.date) -> str:
    """The reminder; it names the unit, task and day, so the same text is never sent twice."""
    return (
        f"【一窗通办】改革任务提醒（{day:%Y-%m-%d}）：{unit.name}尚未完成{rnd.name}"
        f"“{task.title}”，完成时限{task.deadline:%Y-%m-%d}，"
        f"还有{workdays.workdays_between(day, task.deadline)}个工作日，请抓紧落实。"
    )[:300]


@transaction.atomic
def remind(day: datetime.date | None = None) -> int:
    """On the working day N working days before a task's deadline (N =
    ONEWINDOW_REFORM_REMIND_DAYS), tell each unit of the active round that has not completed it:
    an in-app message to its leader in charge and, when SMS is on, a text to their mobile
    through the outbox. Once per unit, task and day: a reminder already sent is not repeated.
    Returns the reminders sent."""
    day = day or timezone.localdate()
    rnd = active_round()
    if rnd is None or not workdays.is_workday(day):
        return 0
    n = remind_days()
    due = [
        t
        for t in rnd.tasks.filter(deadline__gt=day)
        if workdays.workdays_between(day, t.deadline) == n
    ]
    if not due:
        return 0
    units = list(rnd.units.select_related("leader_in_charge"))
    passed = first_passed(u.pk for u in units)
    sms_on = Rules.current().sms_enabled
    sent = 0
    for task in due:
        for unit in units:
            leader: Staff | None = unit.leader_in_charge
            if leader is None or completion(task, passed.get(unit.pk, {})) is not None:
                continue
            text = reminder_text(rnd, task, unit, day)
            if Message.objects.filter(text=text).exists():
                continue  # already reminded today
            mobile = leader.mobile if sms_on else ""
            if leader.user_id:
                Message.objects.create(
                    user_id=leader.user_id,
                    text=text,
                    role="分管领导",
                    sms_to=mask_mobile(mobile) if mobile else "",
                )
            elif not mobile or _texted(text):
                continue
            if mobile:
                exchange.sms_enqueue([(mobile, text)])
            sent += 1
    return sent


def _texted(text: str) -> bool:
    from onewindow.exchange.models import SmsOutbox

    return SmsOutbox.objects.filter(text=text).exists()
