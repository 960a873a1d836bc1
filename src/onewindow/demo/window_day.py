"""The clerk's work queues on the day the demo is loaded (issue 17 item 2): at the 县市监局
window (login `clerk`), whatever the history, a case in each queue of the workbench —

- 容缺: received and accepted on the previous working day, the training certificate to follow;
- a result decided and waiting to be handed over (待送达);
- a result mailed six working days ago with no receipt yet (邮寄待签收, standing out);
- a correction the applicant has yet to bring, and an online application to accept;

and, in no queue, a result the demo applicant 张三 collected at the window on the previous
working day, so that 我的办事 has a case to open and rate even without any history
(tests/test_browser_mobile.py runs on the demo without history).

Each step runs through the services under a travelled clock on its own day, as the history does.
Made once (the cases carry SOURCE and a client key): a second load changes nothing."""

import contextlib
import datetime

import time_machine
from django.utils import timezone
from stdnum.cn import ric

from onewindow import workdays
from onewindow.cases import services
from onewindow.cases.models import Case, Channel
from onewindow.catalog.models import Item
from onewindow.demo.county import DEMO_APPLICANT_ID
from onewindow.org.models import User, WindowPost

SOURCE = "演示：窗口当日"
UNIT = "桃江县市场监督管理局"


def _id(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


PEOPLE = {  # the applicants the browser journeys look for by name
    "rongque": ("李春华", _id("43092219850312102"), "13807372101"),
    "deliver": ("周建国", _id("43092219760905151"), "13807372102"),
    "mailed": ("吴秀英", _id("43092219680417202"), "13807372103"),
    "correcting": ("赵敏", _id("43092219920726304"), "13807372104"),
    "online": ("孙丽", _id("43092219880101405"), "13807372105"),
}


# Not in a queue: the demo applicant's own case (county.DEMO_APPLICANT_ID, his verified ID).
MINE = ("张三", DEMO_APPLICANT_ID, "13807372106")


def _applicant(key: str) -> dict:
    name, number, phone = MINE if key == "mine" else PEOPLE[key]
    return {
        "applicant_kind": "person",
        "applicant_name": name,
        "applicant_id": number,
        "phone": phone,
    }


def _at(day: datetime.date, hour: float):
    naive = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(hours=hour)
    return time_machine.travel(timezone.make_aware(naive), tick=False)


def _back(today: datetime.date, n: int) -> datetime.date:
    """The n-th working day before today."""
    day = today
    for _ in range(n):
        day = workdays.previous_workday(day)
    return day


class Desk:
    def __init__(self):
        self.clerk = User.objects.get(username="clerk")
        self.leader = User.objects.get(username="teamlead")
        self.reviewer = User.objects.get(username="reviewer")
        self.post = WindowPost.objects.get(staff_a=self.clerk.staff, kind="department")

    def item(self, name: str) -> Item:
        return Item.objects.prefetch_related("materials").get(unit__name=UNIT, name=name)

    def submit(self, key, item, day, *, leave_out=(), channel=Channel.WINDOW) -> Case:
        given = [
            {"material_id": m.pk, "status": "paper"}
            for m in item.materials.all()
            if m.name not in leave_out
        ]
        # Today's (online) arrives now; the others on their own day.
        with _at(day, 9.2) if day < timezone.localdate() else contextlib.nullcontext():
            case = services.application_submit(
                acting_user=self.clerk if channel == Channel.WINDOW else None,
                item=item,
                channel=channel,
                applicant=_applicant(key),
                materials=given,
                source=SOURCE,
                client_key=key,
                day=day,
            )
        return Case.objects.get(pk=case.pk)

    def decided(self, key: str, item: Item, received: datetime.date, decided: datetime.date):
        case = self.submit(key, item, received)
        with _at(received, 9.5):
            case = services.case_accept(
                acting_user=self.clerk, case=case, window_post=self.post, day=received
            )
        with _at(received, 15.0):
            case = services.case_transfer(
                acting_user=self.leader, case=case, opinion="材料齐全，同意转部门审查", day=received
            )
        with _at(decided, 10.0):
            return services.case_decide(
                acting_user=self.reviewer,
                case=case,
                result=Case.Result.APPROVED,
                text="经审查，符合法定条件，准予许可。",
                day=decided,
            )


def load(today: datetime.date | None = None) -> dict[str, int]:
    if Case.objects.filter(source=SOURCE).exists():
        return {"window_day_cases": 0}
    today = today or timezone.localdate()
    desk = Desk()
    yesterday = _back(today, 1)
    # 容缺: the training certificate of the food-business licence comes later.
    food = desk.item("食品经营许可")
    minor = [m.name for m in food.materials.all() if m.rongque and not m.is_main]
    case = desk.submit("rongque", food, yesterday, leave_out=minor[:1])
    with _at(yesterday, 9.6):
        services.case_accept(
            acting_user=desk.clerk,
            case=case,
            window_post=desk.post,
            rongque={
                "commitment": "本人承诺在补齐期限内提交食品安全管理人员培训合格证明。",
                "deadline": workdays.add_workdays(yesterday, 5),
            },
            day=yesterday,
        )
    # A result to hand over, decided yesterday.
    desk.decided("deliver", desk.item("食品生产许可"), _back(today, 6), yesterday)
    # A result mailed six working days ago, not signed for yet.
    mailed_on = _back(today, 6)
    case = desk.decided("mailed", desk.item("特种设备使用登记"), _back(today, 9), mailed_on)
    with _at(mailed_on, 14.0):
        services.case_deliver(
            acting_user=desk.clerk,
            case=case,
            mode=Case.DeliveryMode.MAIL,
            detail={
                "address": "桃江县桃花江镇资江路18号",
                "carrier": "EMS",
                "tracking": "1190000000018",
                "postage": "12",
            },
            day=mailed_on,
        )
    # A one-time notice the applicant has yet to answer, and an application made online today.
    licence = desk.item("食品经营许可（新办）")
    main = [m for m in licence.materials.all() if m.required][:1]
    case = desk.submit("correcting", licence, yesterday, leave_out=[m.name for m in main])
    with _at(yesterday, 10.5):
        services.case_notify_correction(
            acting_user=desk.clerk,
            case=case,
            problems={m.pk: "未提供" for m in case.materials.filter(status="missing")},
            day=yesterday,
        )
    desk.submit("online", desk.item("企业设立登记"), today, channel=Channel.ONLINE)
    # The demo applicant's result, collected in person yesterday: closed, not yet rated.
    case = desk.decided("mine", desk.item("食品经营许可（变更）"), _back(today, 3), yesterday)
    with _at(yesterday, 16.0):
        services.case_deliver(
            acting_user=desk.clerk,
            case=case,
            mode=Case.DeliveryMode.COLLECT,
            detail={"recipient": MINE[0], "recipient_id": MINE[1], "receipt_signed": "1"},
            day=yesterday,
        )
    return {"window_day_cases": len(PEOPLE) + 1}
