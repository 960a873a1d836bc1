"""A case's history in plain Chinese: one sentence per event, saying who (unit, capacity, name)
did what, why, with which materials and which notice. The details an event stores are read here
and nowhere else for people to see; a key this module does not know is shown as "键：值" pairs,
never as a Python value. Every text is plain (templates escape it)."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from onewindow.cases import notices
from onewindow.cases.models import Case, CaseEvent, CaseMaterial, Channel, Handoff, TechReview
from onewindow.cases.workflow import MOVES, State, Who
from onewindow.catalog.models import SPECIAL_PROCEDURES
from onewindow.workdays import workdays_between


@dataclass(frozen=True)
class Entry:
    seq: int
    at: datetime.datetime
    who: str
    text: str
    case_id: int
    # (kind, title) of the notices this event produced that the case can print now
    notices: tuple[tuple[str, str], ...] = ()
    change: str = ""  # "已受理 → 部门审查中", empty when the state stayed
    item: str = ""  # the item's name, on the 一件事 page where events of several cases mix

    @property
    def sentence(self) -> str:
        at = timezone.localtime(self.at).strftime("%Y-%m-%d %H:%M")
        return f"{at} {self.who} {self.text}"


@dataclass
class _Context:
    """What a sentence may name besides the event: the case's materials and reviews by id."""

    case: Case
    materials: dict[str, str]
    reviews: dict[str, TechReview]
    printable: set[str]
    last_of: dict[str, int] = field(default_factory=dict)  # action → its last event's seq
    rongque_names: list[str] = field(default_factory=list)  # the materials accepted under 容缺

    def names(self, ids: Iterable) -> str:
        return "、".join(self.materials.get(str(i), "（已不在清单中的材料）") for i in ids)


# --- the pieces of a sentence -----------------------------------------------------------------

STATES = dict(State.choices)
RESULTS = dict(Case.Result.choices)
MODES = dict(Case.DeliveryMode.choices)
HANDOFFS = dict(Handoff.choices)
REVIEW_KINDS = dict(TechReview.Kind.choices)
CHANNELS = dict(Channel.choices)
CAPACITY = {w.value: w.label for w in Who} | {Who.DEPARTMENT.value: "审查人员"}

# Names of the keys an event may carry, for the generic "键：值" form.
KEY_LABELS = {
    "reason": "理由",
    "opinion": "意见",
    "result": "决定",
    "mode": "送达方式",
    "handoff": "转办方式",
    "days": "延期工作日",
    "approver": "批准人",
    "procedure": "特别程序",
    "expected_days": "预计工作日",
    "project_name": "项目名称",
    "project_doc": "认定文件",
    "kind": "类型",
    "assignee_org": "承担机构",
    "limit_days": "时限（工作日）",
    "window_post": "窗口",
    "deadline": "期限",
    "received_on": "收件日期",
    "stage": "阶段",
    "item": "事项编码",
    "material": "材料",
    "size": "大小",
    "sha256": "SHA-256",
    "system": "接口系统",
    "licence": "结果证照",
    "name": "名称",
    "number": "编号",
    "valid_until": "有效期至",
}


def plain(value) -> str:
    """A stored value as words: never a repr, never "None"."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return "；".join(f"{KEY_LABELS.get(str(k), k)}：{plain(v)}" for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return "、".join(plain(v) for v in value) or "—"
    return str(value)


def _pairs(details: dict) -> str:
    return "；".join(f"{KEY_LABELS.get(str(k), k)}：{plain(v)}" for k, v in details.items())


def _why(label: str, text) -> str:
    text = str(text or "").strip()
    return f"，{label}：{text}" if text else ""


def _size(n) -> str:
    try:
        n = int(n)
    except (TypeError, ValueError):
        return ""
    return f"{n / 1048576:.1f}MB" if n >= 1048576 else f"{max(1, round(n / 1024))}KB"


# --- one sentence per kind of event -------------------------------------------------------------
# Each takes the event's details (a copy: what it reads it pops, the rest is shown as pairs), the
# event and the context, and returns the "did what" part.

Say = Callable[[dict, CaseEvent, _Context], str]


def _submit(d, e, c):
    d.pop("item", None)
    if e.actor_id is None or e.channel == Channel.ONLINE:
        return f"通过{CHANNELS.get(e.channel, '其他渠道')}提交了申请"
    return "收取了申请材料"


def _accept(d, e, c):
    post = d.pop("window_post", None)
    where = f"（窗口：{post}号窗口）" if post not in (None, "") else ""
    rongque = d.pop("rongque", None)
    if not rongque:
        return f"受理了申请{where}"
    rongque = dict(rongque) if isinstance(rongque, dict) else {}
    missing = "、".join(c.rongque_names)
    text = f"按容缺受理了申请{where}"
    if missing:
        text += f"，暂缺材料：{missing}"
    if rongque.get("deadline"):
        text += f"，须于{rongque['deadline']}前补齐"
    return text + _why("申请人承诺", rongque.get("commitment"))


def _correction(d, e, c):
    problems = d.pop("problems", None) or {}
    parts = [
        f"{c.materials.get(str(k), '（已不在清单中的材料）')}（{plain(v)}）"
        for k, v in problems.items()
    ]
    return "出具一次性告知书，需补正：" + ("、".join(parts) or "—")


def _resubmit(d, e, c):
    got = d.pop("received", None) or []
    return "登记申请人已补交补正材料" + (f"：{c.names(got)}" if got else "")


def _correct_online(d, e, c):
    files = d.pop("files", None) or {}
    return "在网上提交补正材料" + (f"：{c.names(list(files))}" if files else "")


def _refuse(d, e, c):
    return "决定不予受理" + _why("理由", d.pop("reason", ""))


def _deem(d, e, c):
    d.pop("deemed", None)
    since = d.pop("received_on", None)
    since = f"（收件日期{since}）" if since else ""
    return f"收件后5个工作日内未作受理决定{since}，依法视为受理"


def _decision(where: str):
    def say(d, e, c):
        result = d.pop("result", None)
        said = f"{where}作出决定：{RESULTS.get(result, plain(result))}"
        licence = d.pop("licence", None)
        if isinstance(licence, dict):  # 结果证照, sent in the 办结 record
            parts = [str(licence.get(k, "")).strip() for k in ("name", "number")]
            said += "，结果证照：" + "，编号".join(p for p in parts if p)
            if licence.get("valid_until"):
                said += f"，有效期至{licence['valid_until']}"
        return said

    return say


def _opinion(verb: str):
    def say(d, e, c):
        return verb + _why("意见", d.pop("opinion", ""))

    return say


def _forward(d, e, c):
    handoff = d.pop("handoff", None)
    how = f"（{HANDOFFS[handoff]}）" if handoff in HANDOFFS else ""
    return f"初审后转部门审查{how}" + _why("意见", d.pop("opinion", ""))


def _suspend(d, e, c):
    procedure = d.pop("procedure", None)
    days = d.pop("expected_days", None)
    name = SPECIAL_PROCEDURES.get(procedure, plain(procedure))
    text = f"中止办理，进入特别程序（{name}）"
    if days:
        text += f"，预计需{days}个工作日，期间不计入办理时限"
    return text + _why("事由", d.pop("reason", ""))


def _extend(d, e, c):
    days, approver = d.pop("days", None), d.pop("approver", "")
    text = f"延长办理期限{days}个工作日" if days else "延长办理期限"
    if str(approver or "").strip():
        text += f"（经{approver}批准）"
    return text + _why("理由", d.pop("reason", ""))


def _supplement(d, e, c):
    names = "、".join(c.rongque_names)
    return "登记容缺材料已补齐" + (f"：{names}" if names else "")


def _attach(d, e, c):
    material = d.pop("material", None)
    size = _size(d.pop("size", None))
    digest = str(d.pop("sha256", "") or "")
    extra = "，".join(x for x in (size, f"SHA-256 {digest[:12]}…" if digest else "") if x)
    return f"上传了材料“{c.names([material])}”" + (f"（{extra}）" if extra else "")


def _deliver(d, e, c):
    mode = d.pop("mode", None)
    return f"送达结果并办结（{MODES.get(mode, plain(mode))}）"


def _stage(verb: str):
    def say(d, e, c):
        stage = d.pop("stage", None)
        where = f"第{stage}阶段" if stage else "后续阶段"
        return verb.format(stage=where)

    return say


def _prompt(d, e, c):
    return "催办本事项" + _why("内容", d.pop("reason", ""))


def _mark_key(d, e, c):
    name, doc = d.pop("project_name", ""), d.pop("project_doc", "")
    return f"标记为重点项目“{plain(name)}”（认定文件：{plain(doc)}），走绿色通道"


def _review(counted: bool):
    def say(d, e, c):
        kind = REVIEW_KINDS.get(d.pop("kind", None), "技术审查")
        org, days = d.pop("assignee_org", ""), d.pop("limit_days", None)
        clock = "计入办理时限" if counted else "不计入办理时限，办件中止"
        when = f"{days}个工作日内完成，" if days else ""
        return f"委托{plain(org)}进行{kind}（{when}{clock}）"

    return say


def _report(resumes: bool):
    def say(d, e, c):
        review = c.reviews.get(str(d.pop("review", "")))
        digest = str(d.pop("sha256", "") or "")
        text = "登记技术审查报告"
        if review is not None and review.conclusion:
            text += f"，结论：{review.conclusion}"
        if digest:
            text += f"（报告 SHA-256 {digest[:12]}…）"
        return text + ("，恢复计时" if resumes else "")

    return say


def _ender(verb: str):
    def say(d, e, c):
        return verb + _why("理由", d.pop("reason", ""))

    return say


def _rongque_expire(d, e, c):
    deadline = d.pop("deadline", None)
    when = f"在{deadline}前" if deadline else "在期限内"
    return f"容缺材料未{when}补齐，终止办理"


SAY: dict[str, Say] = {
    "submit": _submit,
    "accept": _accept,
    "notify_correction": _correction,
    "resubmit": _resubmit,
    "correct_online": _correct_online,
    "refuse": _refuse,
    "deem_accept": _deem,
    "decide_at_window": _decision("在窗口当场"),
    "transfer": _opinion("审核后转部门审查"),
    "take_over": _opinion("由部门接办审查"),
    "decide": _decision(""),
    "suspend": _suspend,
    "resume": lambda d, e, c: "恢复办理，继续计时",
    "extend": _extend,
    "supplement": _supplement,
    "attach": _attach,
    "deliver": _deliver,
    "confirm_receipt": lambda d, e, c: (
        "登记申请人已签收邮寄的结果"
        + (f"（签收日期{d.pop('received_on')}）" if d.get("received_on") else "")
    ),
    "forward": _forward,
    "papers_collected": lambda d, e, c: "已到窗口取走纸质材料",
    "release": _stage("前序事项已有结果，本事项（{stage}）转部门审查"),
    "stage_terminate": _stage("前序事项未获许可，本事项（{stage}）终止办理"),
    "prompt": _prompt,
    "mark_key": _mark_key,
    "tech_review_suspend": _review(counted=False),
    "tech_review": _review(counted=True),
    "tech_report_resume": _report(resumes=True),
    "tech_report": _report(resumes=False),
    "withdraw": _ender("登记申请人撤回申请"),
    "withdraw_online": _ender("在网上撤回申请"),
    "terminate": _ender("终止办理"),
    "rongque_expire": _rongque_expire,
}

# The notice each kind of event produces (cases.notices); accept's depends on 容缺.
NOTICE_OF = {
    "notify_correction": "correction",
    "refuse": "refuse",
    "suspend": "suspend",
    "extend": "extend",
    "decide": "decision",
    "decide_at_window": "decision",
    "deliver": "receipt",
}


def _notice_kinds(event: CaseEvent, c: _Context) -> tuple[tuple[str, str], ...]:
    kind = NOTICE_OF.get(event.action)
    if event.action in ("accept", "deem_accept"):
        kind = "rongque" if c.case.rongque_deadline else "accept"
    # A notice is rendered from the case as it stands and its latest event of that kind: the
    # link goes on that event only.
    if kind is None or kind not in c.printable or c.last_of.get(event.action) != event.seq:
        return ()
    return ((kind, notices.TITLES[kind]),)


def _who(event: CaseEvent) -> str:
    system = (event.details or {}).get("system")
    via = f"（经接口系统“{system}”）" if system else ""
    user = event.actor
    if user is None:
        if event.action == "submit":
            return "申请人" + via
        return "系统" + via
    staff = getattr(user, "staff", None)
    if staff is None:
        name = user.display_name or user.get_username()
        move = MOVES.get(event.action)
        mine = event.action == "submit" or (move is not None and move.who == Who.APPLICANT)
        return (f"申请人 {name}" if mine else name) + via
    unit = staff.unit.short_name or staff.unit.name
    move = MOVES.get(event.action)
    capacity = CAPACITY.get(move.who, "") if move else "窗口"
    return " ".join(x for x in (unit, capacity, staff.name) if x) + via


def _text(event: CaseEvent, c: _Context) -> str:
    details = dict(event.details) if isinstance(event.details, dict) else {"内容": event.details}
    details.pop("system", None)
    say = SAY.get(event.action)
    if say is None:
        move = MOVES.get(event.action)
        text = f"办理了“{move.label if move else event.action}”"
    else:
        text = say(details, event, c)
    rest = _pairs(details)
    return f"{text}（{rest}）" if rest else text


def context(case: Case, *, materials=None, reviews=None, printable=None) -> _Context:
    """What the sentences of `case` may name; pass what the page already holds to save queries."""
    materials = list(case.materials.all()) if materials is None else list(materials)
    reviews = list(case.tech_reviews.all()) if reviews is None else list(reviews)
    return _Context(
        case=case,
        materials={str(m.pk): m.name for m in materials},
        reviews={str(r.pk): r for r in reviews},
        printable=set(notices.available(case) if printable is None else printable),
        rongque_names=[m.name for m in materials if m.rongque],
    )


def events_of(cases: Iterable[Case], *, by_seq: bool = False):
    """Every event of these cases, their actors' staff and units loaded in the same query; in
    time order across cases, or by sequence (one case's chain)."""
    order = ("case_id", "seq") if by_seq else ("at", "case_id", "seq")
    return (
        CaseEvent.objects.filter(case_id__in=[c.pk for c in cases])
        .select_related("actor__staff__unit")
        .order_by(*order)
    )


def sentences(case: Case, events: Iterable[CaseEvent], ctx: _Context | None = None) -> list[Entry]:
    """The case's events as sentences, in order."""
    events = list(events)
    c = ctx or context(case)
    c.last_of = {e.action: e.seq for e in events}
    return [_entry(e, c) for e in events]


def _entry(e: CaseEvent, c: _Context, item: str = "") -> Entry:
    change = ""
    if e.to_state and e.from_state != e.to_state:
        before = STATES.get(e.from_state, "—") if e.from_state else "—"
        change = f"{before} → {STATES.get(e.to_state, plain(e.to_state))}"
    return Entry(
        seq=e.seq,
        at=e.at,
        who=_who(e),
        text=_text(e, c),
        case_id=e.case_id,
        notices=_notice_kinds(e, c),
        change=change,
        item=item,
    )


def combined_sentences(children: list[Case]) -> list[Entry]:
    """The 一件事's history: every child's events in time order, each naming its item. Three
    queries whatever the number of children (events, materials, reviews)."""
    by_id = {k.pk: k for k in children}
    events = list(events_of(children))
    materials, reviews = {}, {}
    for m in CaseMaterial.objects.filter(case_id__in=by_id):
        materials.setdefault(m.case_id, []).append(m)
    for r in TechReview.objects.filter(case_id__in=by_id):
        reviews.setdefault(r.case_id, []).append(r)
    contexts = {}
    for pk, kid in by_id.items():
        seen = {e.action for e in events if e.case_id == pk}
        contexts[pk] = context(
            kid,
            materials=materials.get(pk, []),
            reviews=reviews.get(pk, []),
            printable=notices.available(kid, seen=seen),
        )
        contexts[pk].last_of = {e.action: e.seq for e in events if e.case_id == pk}
    return [_entry(e, contexts[e.case_id], item=by_id[e.case_id].item.name) for e in events]


def headline(case: Case, standing) -> tuple[str, str]:
    """Where the case stands against its time limit, in words, and a tone for its style (ok,
    warn, bad, muted); `standing` is selectors.time_left's answer (the stored dates, no count
    per day)."""
    if standing is None:
        if case.state in (State.RECEIVED, State.CORRECTING):
            return "尚未受理，不计办理时限", "muted"
        return f"已结束（{case.get_state_display()}），不再计时", "muted"
    if standing.status == standing.FINISHED:
        used = workdays_between(case.accepted_on, case.decided_on) - case.suspended_total
        text = f"已办结，用时{max(used, 0)}个工作日"
        if case.suspended_total:
            text += f"（不含中止的{case.suspended_total}个工作日）"
        if standing.overdue:
            return f"{text}，超期{standing.overdue}个工作日", "bad"
        return f"{text}，按期办结", "ok"
    if standing.status == standing.SUSPENDED:
        at = f"已超期{standing.overdue}" if standing.overdue else f"剩余{standing.left}"
        return f"已暂停（特别程序中），中止时{at}个工作日", "warn"
    if standing.overdue:
        return f"已超期{standing.overdue}个工作日", "bad"
    if standing.left == 0:
        return "今日到期", "warn"
    return f"剩余{standing.left}个工作日", "warn" if standing.left <= 2 else "ok"
