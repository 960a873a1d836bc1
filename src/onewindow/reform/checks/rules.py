"""The facts of each check, in the words of issue 18 item 1 and 五(一) of the plan. Each builder
takes a unit and the loaded `Data` and returns the unit's facts for one check."""

from django.urls import reverse

from onewindow.catalog.models import HallApproval, Item
from onewindow.mandates.models import default_cut_limit
from onewindow.org.models import Section, Staff
from onewindow.org.roles import RoleCode
from onewindow.reform.checks import Fact
from onewindow.reform.models import Check, Filing
from onewindow.supervision.models import Anomaly, Ticket
from onewindow.workdays import add_workdays


def _unit_url(unit) -> str:
    return reverse("org:unit_detail", args=[unit.pk])


def _item_url(item_id: int) -> str:
    return reverse("catalog:item_detail", args=[item_id])


def _accepted(filings, kind, item_id=None) -> list[Filing]:
    return [
        f
        for f in filings
        if f.kind == kind
        and f.state == Filing.State.ACCEPTED
        and (item_id is None or f.item_id == item_id)
    ]


# --- 机构到位 --------------------------------------------------------------------------------


def organisation(unit, d) -> list[Fact]:
    url = _unit_url(unit)
    leader = unit.leader_in_charge
    facts = [
        Fact(f"已明确分管领导：{leader.name}。", True, url)
        if leader
        else Fact("未明确分管领导。", False, url)
    ]
    section = unit.lead_section
    plans = [f for f in d.filings[unit.pk] if f.kind == Filing.Kind.LEAD_SECTION_PLAN]
    accepted = _accepted(plans, Filing.Kind.LEAD_SECTION_PLAN)
    dedicated = section is not None and section.mode in (Section.Mode.SEPARATE, Section.Mode.SIGN)
    if not dedicated and accepted:
        plan = accepted[-1]
        facts.append(
            Fact(
                f"尚未设置行政审批服务股室，设置方案已于{plan.filed_on}报备县行政审批服务局并经接受。",
                True,
                url,
            )
        )
        return facts
    if section is None:
        facts.append(Fact("未明确牵头股室。", False, url))
    elif not dedicated:
        facts.append(
            Fact(
                f"牵头股室“{section.name}”既未单独设立为行政审批服务股，也未加挂“行政审批服务”牌子。",
                False,
                url,
            )
        )
    else:
        facts.append(Fact(f"牵头股室“{section.name}”：{section.get_mode_display()}。", True, url))
        facts.append(_presence(section, url))
    if not dedicated:
        pending = [f for f in plans if f.state != Filing.State.ACCEPTED]
        if pending:
            last = pending[-1]
            facts.append(
                Fact(
                    f"牵头股室设置方案{last.get_state_display()}（{last.filed_on}报备），尚未经接受。",
                    False,
                    url,
                )
            )
        else:
            facts.append(Fact("未向县行政审批服务局报备牵头股室设置方案。", False, url))
    return facts


def _presence(section: Section, url: str) -> Fact:
    presence = section.get_hall_presence_display()
    if section.hall_presence == Section.HallPresence.WHOLE:
        return Fact(f"牵头股室“{section.name}”已成建制进驻政务大厅。", True, url)
    if section.hall_presence == Section.HallPresence.NOT_IN:
        return Fact(f"牵头股室“{section.name}”未进驻政务大厅。", False, url)
    if section.presence_reason.strip() and section.presence_plan.strip():
        return Fact(
            f"牵头股室“{section.name}”{presence}，已说明未成建制进驻的原因和整改计划。", True, url
        )
    return Fact(
        f"牵头股室“{section.name}”{presence}，未说明未成建制进驻的原因或整改计划。", False, url
    )


# --- 人员到位 --------------------------------------------------------------------------------


def _in_hall(staff: Staff, posts) -> bool:
    """On an active window post of the unit (A or B), or in a section that is in the hall as a
    whole, or the head of a section whose head is in the hall."""
    if any(staff.pk in (p.staff_a_id, p.staff_b_id) for p in posts):
        return True
    section = staff.section
    if section is None:
        return False
    if section.hall_presence == Section.HallPresence.WHOLE:
        return True
    return section.hall_presence == Section.HallPresence.HEAD and section.head_id == staff.pk


def staff(unit, d) -> list[Fact]:
    url = _unit_url(unit)
    posts = d.posts[unit.pk]
    letter = d.letters.get(unit.pk)
    facts = []
    for role, attr in (
        (RoleCode.WINDOW_SUPERVISOR, "supervisor"),
        (RoleCode.TEAM_LEADER, "team_leader"),
    ):
        label = RoleCode(role).label
        people = [getattr(letter, attr)] if letter else d.role_holders[unit.pk][role]
        if not people:
            facts.append(Fact(f"未确定{label}（授权委托书或账号角色中均无）。", False, url))
            continue
        for person in people:
            where = "已进驻政务大厅" if _in_hall(person, posts) else "未在政务大厅工作"
            facts.append(Fact(f"{label}{person.name}{where}。", where.startswith("已"), url))
    windows = reverse("org:window_list")
    if not posts:
        facts.append(Fact("本单位在政务大厅没有启用的窗口。", False, windows))
    for post in posts:
        where = f"{post.hall.name}{post}"
        if post.staff_b_id is None:
            facts.append(Fact(f"{where}未配备B岗人员。", False, windows))
        else:
            facts.append(
                Fact(f"{where}A岗{post.staff_a.name}、B岗{post.staff_b.name}。", True, windows)
            )
        for person in filter(None, (post.staff_a, post.staff_b)):
            if person.unit_id != unit.pk:
                continue  # a comprehensive window's other units answer for their own staff
            if person.establishment != Staff.Establishment.ESTABLISHED:
                facts.append(
                    Fact(
                        f"{where}的{person.name}为{person.get_establishment_display()}人员，"
                        "系统中未记录例外说明。",
                        False,
                        windows,
                    )
                )
            if not person.active:
                facts.append(Fact(f"{where}的{person.name}已不在岗。", False, windows))
    return facts


# --- 事项到位 --------------------------------------------------------------------------------


def _placed(item: Item) -> bool:
    """In the physical hall, or out of it with the county government's approval."""
    if item.hall_status == Item.HallStatus.EXEMPT:
        return bool(item.exempt_doc_no.strip())
    return item.hall_status == Item.HallStatus.ENTERED


def items(unit, d) -> list[Fact]:
    filings = d.filings[unit.pk]
    published = [i for i in d.items[unit.pk] if i.status == Item.Status.PUBLISHED]
    facts = []
    placed = 0
    for item in published:
        if _placed(item):
            placed += 1
        elif _accepted(filings, Filing.Kind.UNDETERMINED_ITEM, item.pk):
            facts.append(
                Fact(
                    f"事项“{item.name}”进驻情况待定，已报备审改办并经接受。",
                    True,
                    _item_url(item.pk),
                )
            )
        else:
            facts.append(
                Fact(
                    f"事项“{item.name}”未进驻实体大厅，也无经批准的不进驻文件。",
                    False,
                    _item_url(item.pk),
                )
            )
    if not published:
        facts.append(Fact("本单位没有已发布的事项。", False, reverse("catalog:item_list")))
    elif placed:
        facts.append(
            Fact(
                f"已发布事项{len(published)}项，其中{placed}项已进驻实体大厅或经批准不进驻。",
                True,
                reverse("catalog:item_list"),
            )
        )
    for item in d.items[unit.pk]:
        kinds = d.approvals[item.pk]
        if item.status == Item.Status.WITHDRAWN and HallApproval.Kind.WITHDRAW not in kinds:
            facts.append(Fact(f"事项“{item.name}”未经批准撤销。", False, _item_url(item.pk)))
        if d.hall_left[item.pk] and HallApproval.Kind.LEAVE_HALL not in kinds:
            when = d.hall_left[item.pk][-1].at.date()
            facts.append(
                Fact(
                    f"事项“{item.name}”于{when}撤出实体大厅，无撤出审批记录。",
                    False,
                    _item_url(item.pk),
                )
            )
    outside = [a for a in d.anomalies[unit.pk] if a.rule == Anomaly.Rule.OUTSIDE_HALL_WINDOW]
    for a in outside:
        facts.append(
            Fact(
                f"{a.detected_on}发现进驻大厅的事项未在大厅窗口受理（{a.get_state_display()}）。",
                False,
                reverse("cases:detail", args=[a.case_id]),
            )
        )
    if not outside:
        facts.append(
            Fact(
                "本期未发现进驻大厅的事项在大厅窗口之外受理。",
                True,
                reverse("supervision:anomalies"),
            )
        )
    for f in filings:
        if f.kind == Filing.Kind.UNDETERMINED_ITEM and f.state != Filing.State.ACCEPTED:
            name = f"“{f.item.name}”" if f.item_id else ""
            facts.append(
                Fact(
                    f"进驻情况待定事项{name}的报备{f.get_state_display()}，尚未经审改办接受。",
                    False,
                    _item_url(f.item_id) if f.item_id else _unit_url(unit),
                )
            )
    return facts


# --- 授权到位 --------------------------------------------------------------------------------


def authorization(unit, d) -> list[Fact]:
    letter = d.letters.get(unit.pk)
    facts = []
    if letter is None:
        facts.append(
            Fact(f"无已备案且在{d.day}有效的授权委托书。", False, reverse("mandates:letter_list"))
        )
    else:
        facts.append(
            Fact(
                f"授权委托书已于{letter.filed_on}备案，有效期至{letter.valid_until}。",
                True,
                reverse("mandates:letter_detail", args=[letter.pk]),
            )
        )
    powers = d.powers[letter.pk] if letter else {}
    hall = [
        i
        for i in d.items[unit.pk]
        if i.status == Item.Status.PUBLISHED and i.hall_status == Item.HallStatus.ENTERED
    ]
    missing = [i for i in hall if i.pk not in powers]
    for item in missing:
        facts.append(Fact(f"进驻事项“{item.name}”未授予窗口审批权限。", False, _item_url(item.pk)))
    if letter and hall and not missing:
        facts.append(
            Fact(
                f"进驻大厅的{len(hall)}项事项均已授权。",
                True,
                reverse("mandates:letter_powers", args=[letter.pk]),
            )
        )
    facts.append(_seal(unit, d))
    by_id = {i.pk: i for i in d.items[unit.pk]}
    for item_id, p in powers.items():
        item = by_id.get(item_id)
        if item is None:
            continue
        target = default_cut_limit(item.promised_limit)
        if p.cut_limit > target and not p.cut_reason.strip():
            facts.append(
                Fact(
                    f"事项“{item.name}”压缩后承诺时限{p.cut_limit}个工作日，未按10%压缩"
                    f"（应不超过{target}个工作日）且未说明理由。",
                    False,
                    reverse("mandates:letter_powers", args=[letter.pk]),
                )
            )
    return facts


def _seal(unit, d) -> Fact:
    seal = d.seals.get(unit.pk)
    url = reverse("mandates:seal", args=[unit.pk])
    if seal is not None and seal.enabled:
        return Fact(f"行政审批专用章已于{seal.enabled_on or '（日期未记录）'}启用。", True, url)
    if seal is not None and seal.reason_not_enabled.strip() and seal.plan.strip():
        return Fact("行政审批专用章未启用，已说明原因和整改计划。", True, url)
    return Fact("行政审批专用章未启用，也未说明原因和整改计划。", False, url)


# --- 机制到位 --------------------------------------------------------------------------------


def mechanism(unit, d) -> list[Fact]:
    first, last = d.period
    span = f"{first}至{last}"
    received, rongque = d.case_counts.get(unit.pk, (0, 0))
    cases = reverse("cases:review")
    facts = []
    uses = (
        ("一次性告知", d.notices.get(unit.pk, 0), "份一次性告知书", cases),
        ("容缺受理", rongque, "件容缺受理", cases),
    )
    for name, n, what, url in uses:
        if n:
            facts.append(Fact(f"{span}出具{n}{what}，{name}制度已运行。", True, url))
        elif not received:
            facts.append(
                Fact(f"{span}本单位无办件，{name}制度的运行无从查看（不适用）。", True, url, False)
            )
        else:
            facts.append(Fact(f"{span}收件{received}件，未见{name}记录。", False, url))
    asked = d.enquiries.get(unit.pk, 0)
    enquiries = reverse("mandates:enquiries")
    if asked:
        facts.append(Fact(f"{span}首问负责记录{asked}条。", True, enquiries))
    else:
        facts.append(Fact(f"{span}没有首问负责记录。", False, enquiries))
    services = d.combined[unit.pk]
    if not services:
        facts.append(Fact("本单位不涉及已发布的一件事（并联审批不适用）。", True, "", False))
    for service, members in services.items():
        url = reverse("catalog:combined_detail", args=[service.pk])
        stages: dict[int, int] = {}
        for m in members:
            stages[m.stage] = stages.get(m.stage, 0) + 1
        if any(n > 1 for n in stages.values()):
            facts.append(Fact(f"一件事“{service.name}”已设置并联审批。", True, url))
        else:
            facts.append(
                Fact(f"一件事“{service.name}”各事项逐个串联办理，未设置并联审批。", False, url)
            )
    return facts


# --- 监察到位 --------------------------------------------------------------------------------


def supervision(unit, d) -> list[Fact]:
    facts = []
    hall = [
        i
        for i in d.items[unit.pk]
        if i.status == Item.Status.PUBLISHED and i.hall_status == Item.HallStatus.ENTERED
    ]
    loose = [i for i in hall if not i.supervised]
    for item in loose:
        facts.append(Fact(f"进驻事项“{item.name}”未纳入电子监察。", False, _item_url(item.pk)))
    if hall and not loose:
        facts.append(
            Fact(
                f"进驻大厅的{len(hall)}项事项均已纳入电子监察。", True, reverse("catalog:item_list")
            )
        )
    outbox = reverse("exchange:outbox")
    unsent = d.unsent.get(unit.pk, 0)
    if unsent:
        facts.append(Fact(f"{d.day}之前产生的{unsent}条办件信息尚未推送到省平台。", False, outbox))
    else:
        facts.append(Fact(f"{d.day}之前的办件信息已全部推送到省平台。", True, outbox))
    late = []
    for a in d.anomalies[unit.pk]:
        if a.state != Anomaly.State.OPEN:
            continue
        due = add_workdays(a.detected_on, d.rectify_days)
        if due < d.day:
            late.append(a)
            facts.append(
                Fact(
                    f"异常办件“{a.get_rule_display()}”{a.detected_on}发现，至{due}仍未说明。",
                    False,
                    reverse("cases:detail", args=[a.case_id]),
                )
            )
    if not late:
        facts.append(Fact("没有逾期未说明的异常办件。", True, reverse("supervision:anomalies")))
    bad = 0
    for t in d.tickets[unit.pk]:
        url = reverse("supervision:ticket_detail", args=[t.pk])
        if t.state == Ticket.State.EXCLUDED:
            continue
        if t.done_on and t.done_on > t.due_on:
            bad += 1
            facts.append(
                Fact(f"差评整改{t.pk}应于{t.due_on}前办结，{t.done_on}才办结。", False, url)
            )
        elif not t.done_on and t.due_on < d.day:
            bad += 1
            facts.append(Fact(f"差评整改{t.pk}应于{t.due_on}前办结，已逾期未办结。", False, url))
    if not bad:
        facts.append(Fact("差评均在期限内整改或仍在期限内。", True, reverse("supervision:tickets")))
    return facts


BUILDERS = {
    Check.ORGANISATION: organisation,
    Check.STAFF: staff,
    Check.ITEMS: items,
    Check.AUTHORIZATION: authorization,
    Check.MECHANISM: mechanism,
    Check.SUPERVISION: supervision,
}
