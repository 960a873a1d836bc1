"""The facts of 机构到位, 人员到位 and 事项到位 (issue 18 item 1; 三(一), 三(二) and 五(一) of
the plan): who is named, who sits in the hall, which items are in it."""

from django.urls import reverse

from onewindow.catalog.models import HallApproval, Item
from onewindow.org.models import Section, Staff
from onewindow.org.roles import RoleCode
from onewindow.reform.checks import Fact
from onewindow.reform.checks.common import accepted, item_url, listed, unit_url
from onewindow.reform.models import Filing
from onewindow.supervision.models import Anomaly

# --- 机构到位 --------------------------------------------------------------------------------


def organisation(unit, d) -> list[Fact]:
    url = unit_url(unit)
    leader = unit.leader_in_charge
    facts = [
        Fact(f"已明确分管领导：{leader.name}。", True, url)
        if leader
        else Fact("未明确分管领导。", False, url)
    ]
    section = unit.lead_section
    plans = [f for f in d.filings[unit.pk] if f.kind == Filing.Kind.LEAD_SECTION_PLAN]
    agreed = accepted(plans, Filing.Kind.LEAD_SECTION_PLAN)
    dedicated = section is not None and section.mode in (Section.Mode.SEPARATE, Section.Mode.SIGN)
    if not dedicated and agreed:
        plan = agreed[-1]
        facts.append(
            Fact(
                f"尚未设置行政审批服务股室，设置方案已于{plan.filed_on}报备县行政审批服务局并经接受。",
                True,
                reverse("reform:filings"),
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
                    reverse("reform:filings"),
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
    url = unit_url(unit)
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
            exception = person.establishment_exception.strip()
            if person.establishment != Staff.Establishment.ESTABLISHED and exception:
                facts.append(
                    Fact(
                        f"{where}的{person.name}为{person.get_establishment_display()}人员，"
                        f"例外已记录：{exception}",
                        True,
                        windows,
                    )
                )
            elif person.establishment != Staff.Establishment.ESTABLISHED:
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
        elif accepted(filings, Filing.Kind.UNDETERMINED_ITEM, item.pk):
            facts.append(
                Fact(
                    f"事项“{item.name}”进驻情况待定，已报备审改办并经接受。",
                    True,
                    item_url(item.pk),
                )
            )
        else:
            facts.append(
                Fact(
                    f"事项“{item.name}”未进驻实体大厅，也无经批准的不进驻文件。",
                    False,
                    item_url(item.pk),
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
            facts.append(Fact(f"事项“{item.name}”未经批准撤销。", False, item_url(item.pk)))
        if d.hall_left[item.pk] and HallApproval.Kind.LEAVE_HALL not in kinds:
            when = d.hall_left[item.pk][-1].at.date()
            facts.append(
                Fact(
                    f"事项“{item.name}”于{when}撤出实体大厅，无撤出审批记录。",
                    False,
                    item_url(item.pk),
                )
            )
    outside = [a for a in d.anomalies[unit.pk] if a.rule == Anomaly.Rule.OUTSIDE_HALL_WINDOW]
    facts += listed(
        outside,
        lambda a: Fact(
            f"{a.detected_on}发现进驻大厅的事项未在大厅窗口受理（{a.get_state_display()}）。",
            False,
            reverse("cases:detail", args=[a.case_id]),
        ),
        "另有{}件进驻大厅的事项未在大厅窗口受理。",
        reverse("supervision:anomalies"),
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
                    reverse("reform:filings"),
                )
            )
    return facts
