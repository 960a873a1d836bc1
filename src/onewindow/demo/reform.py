"""Demo reform round (issue 18): the county's round in the demo's year (the letters' year), with
the seed's timetable, and a true mix of self-inspection reports and filings, made through the
reform services with the clock travelled to the day each thing happened. A few units have done
their homework (leader in charge working in the hall with the approval section, first-asked
records kept), so the six live checks show some units complete and some with gaps.
Idempotent: every row is found by its natural key first."""

import datetime

import time_machine
from django.db import transaction
from django.utils import timezone

from onewindow.demo import county, letters
from onewindow.mandates.models import Enquiry
from onewindow.org import services as org_services
from onewindow.org.models import Section, Unit, User
from onewindow.org.roles import RoleCode
from onewindow.reform import filings, submissions, timetable
from onewindow.reform.models import Check, Filing, Round, Submission

YEAR = letters.VALID_FROM.year  # the letters were filed on the staff-and-authorization deadline
ROUND = {
    "name": f"{YEAR}年深化审批服务“三集中三到位”改革",
    "document": f"桃审改办发〔{YEAR}〕1号",
    "starts_on": datetime.date(YEAR, 5, 20),
    "ends_on": datetime.date(YEAR, 6, 30),
    "report_due": datetime.date(YEAR, 6, 20),
}
# Units whose leader in charge works in the hall with the approval section (moved in as a whole).
IN_HALL = ("县市监局", "县民政局", "县退役军人事务局", "县林业局")
# Units whose windows keep first-asked (首问负责) records.
ASKED = ("县市监局", "县退役军人事务局", "县林业局", "县教育局", "县残联")

GENERAL = {
    "summary": "按照桃审改办发〔{year}〕1号要求，明确了分管领导和牵头股室，"
    "审批服务事项集中进驻县政务服务大厅，对窗口的授权和电子监察同步落实。",
    "experience": "推行“前台综合受理、后台分类审批、窗口统一出件”，AB岗互为补位，"
    "一次性告知和容缺受理常态化。",
    "rectification": "对自查发现的问题逐项建立台账，明确责任人和完成时限，"
    "整改情况报县行政审批服务局。",
}
# Per check: why it is not yet in place, and what the unit will do (for whatever fails that day).
CHECK_TEXTS = {
    Check.ORGANISATION: (
        "牵头股室尚未成建制进驻大厅。",
        "年底前牵头股室成建制进驻县政务服务大厅。",
    ),
    Check.STAFF: (
        "窗口主管、窗口组长尚未常驻大厅办公。",
        "6月30日前窗口主管、组长入驻大厅，AB岗配齐。",
    ),
    Check.ITEMS: (
        "部分事项进驻情况待上级部门明确。",
        "已报审改办备案，上级答复后10个工作日内进驻。",
    ),
    Check.AUTHORIZATION: ("授权委托书已签署，正在备案。", "6月20日完成备案，审批专用章同步启用。"),
    Check.MECHANISM: (
        "首问负责、容缺受理尚未在系统中登记。",
        "7月起窗口统一在系统中登记首问和容缺受理。",
    ),
    Check.SUPERVISION: ("部分办件信息未及时推送省平台。", "完成与省平台的数据对接，杜绝体外循环。"),
}
# (unit, submitted on, decision: None | (accept, comment, decided on))
REPORTS = [
    ("县人社局", (6, 18), (True, "材料齐全，同意备案。", (6, 22))),
    ("县民政局", (6, 19), (True, "", (6, 22))),
    (
        "县住建局",
        (6, 17),
        (
            False,
            "典型经验过于笼统，请结合“开办餐饮店”一件事写明并联审批的做法；人员到位的整改时限不明确，请补充。",
            (6, 23),
        ),
    ),
    ("县退役军人事务局", (6, 20), None),  # on the due day, awaiting review
    ("县林业局", (6, 24), None),  # after the due day: late
]
# 县市监局 is the demo window supervisor's (winsup) unit: its report is a draft to complete.
DRAFTS = ("县教育局", "县市监局")


def _at(month: int, day: int, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(YEAR, month, day, hour))


def _unit(short: str) -> Unit:
    return Unit.objects.select_related("leader_in_charge", "lead_section").get(short_name=short)


def _leader_account(unit: Unit) -> User:
    """The leader in charge's account (the window supervisor's role). Not a demo login: it is
    made inactive, like the factories' office account, so it never signs in."""
    leader = unit.leader_in_charge
    if leader.user_id:
        return leader.user
    user = org_services.user_create(
        username=f"leader{unit.pk}",
        password=county.DEMO_PASSWORD,
        display_name=leader.name,
        roles=[RoleCode.WINDOW_SUPERVISOR],
    )
    User.objects.filter(pk=user.pk).update(is_active=False)
    leader.user = user
    leader.save(update_fields=["user"])
    return User.objects.get(pk=user.pk)


def _homework() -> None:
    """The units that completed the staff and mechanism tasks (see IN_HALL, ASKED)."""
    for short in IN_HALL:
        unit = _unit(short)
        section = unit.lead_section
        org_services.model_update(
            instance=section,
            fields=["hall_presence", "presence_reason", "presence_plan"],
            data={
                "hall_presence": Section.HallPresence.WHOLE,
                "presence_reason": "",
                "presence_plan": "",
            },
        )
        org_services.model_update(
            instance=unit.leader_in_charge, fields=["section"], data={"section": section}
        )
    for short in ASKED:
        unit = _unit(short)
        if Enquiry.objects.filter(staff__unit=unit).exists():
            continue
        clerk = unit.lead_section.staff.filter(title="科员").order_by("id").first()
        enquiry = Enquiry(
            staff=clerk, question="办理本单位审批事项需要带哪些材料？", outcome="handled"
        )
        enquiry.full_clean()
        enquiry.save()


def _fields(unit: Unit, day: datetime.date) -> dict[str, str]:
    fields = {k: v.format(year=YEAR) for k, v in GENERAL.items()}
    for check, result in submissions.check_results(unit, day).items():
        if not result.passed:
            reason, plan = submissions.check_field_keys(check)
            fields[reason], fields[plan] = CHECK_TEXTS[Check(check)]
    return fields


def _reports(rnd: Round, office: User) -> None:
    for short, (month, day), decision in REPORTS:
        unit = _unit(short)
        if Submission.objects.filter(round=rnd, unit=unit).exists():
            continue
        who = _leader_account(unit)
        with time_machine.travel(_at(month, day), tick=False):
            sub = submissions.submission_submit(
                acting_user=who, round=rnd, unit=unit, fields=_fields(unit, timezone.localdate())
            )
        if decision:
            accept, comment, (m, d) = decision
            with time_machine.travel(_at(m, d, 15), tick=False):
                submissions.submission_decide(
                    acting_user=office, submission=sub, accept=accept, comment=comment
                )
    for short in DRAFTS:
        unit = _unit(short)
        if not Submission.objects.filter(round=rnd, unit=unit).exists():
            with time_machine.travel(_at(6, 15), tick=False):
                submissions.submission_save_draft(
                    acting_user=_leader_account(unit),
                    round=rnd,
                    unit=unit,
                    fields={"summary": GENERAL["summary"].format(year=YEAR)},
                )


def _filings(office: User) -> None:
    secret = _unit("县保密局")  # named its leader, not yet its lead section (county.S1_INCOMPLETE)
    if not Filing.objects.filter(unit=secret, kind=Filing.Kind.LEAD_SECTION_PLAN).exists():
        with time_machine.travel(_at(5, 28), tick=False):
            plan = filings.lead_section_plan_file(
                acting_user=_leader_account(secret),
                unit=secret,
                plan="在办公室加挂“行政审批服务”股牌子，集中本局涉密载体制作、复制等审批服务职能，"
                "股室负责人常驻县政务服务大厅。",
                plan_due=datetime.date(YEAR, 12, 31),
            )
        with time_machine.travel(_at(6, 2, 15), tick=False):
            filings.filing_decide(
                acting_user=office, filing=plan, accept=True, comment="同意，请按期落实。"
            )
    undetermined = [
        # (unit, item, what, superior, basis, answer due, filed, decided: None | accept)
        (
            "县气象局",
            "升放无人驾驶自由气球审批",
            "hall",
            "益阳市气象局",
            "该事项由市气象局统一受理，县局是否设窗口待市局明确。",
            (7, 31),
            (6, 8),
            True,
        ),
        (
            "县自然资源局",
            "采矿权新立登记",
            "both",
            "益阳市自然资源和规划局",
            "采矿权审批权限调整，县级是否承接待省厅文件明确。",
            (8, 31),
            (6, 9),
            None,
        ),
    ]
    for short, name, what, superior, basis, (am, ad), (fm, fd), accept in undetermined:
        unit = _unit(short)
        item = unit.items.filter(name=name).order_by("id").first()
        if item is None or Filing.objects.filter(unit=unit, item=item).exists():
            continue
        with time_machine.travel(_at(fm, fd), tick=False):
            filing = filings.undetermined_item_file(
                acting_user=_leader_account(unit),
                unit=unit,
                item=item,
                undetermined=what,
                superior=superior,
                basis=basis,
                answer_due=datetime.date(YEAR, am, ad),
            )
        if accept is not None:
            with time_machine.travel(_at(fm, fd + 2, 15), tick=False):
                filings.filing_decide(acting_user=office, filing=filing, accept=accept)


@transaction.atomic
def load() -> dict[str, int]:
    office = User.objects.get(username="reform")
    _homework()
    rnd = Round.objects.filter(name=ROUND["name"]).first()
    if rnd is None:
        with time_machine.travel(_at(5, 20, 9), tick=False):
            rnd = timetable.round_create(acting_user=office, **ROUND)
    _filings(office)
    _reports(rnd, office)
    return {
        "reform_reports": Submission.objects.filter(round=rnd).exclude(state="draft").count(),
        "reform_filings": Filing.objects.count(),
    }
