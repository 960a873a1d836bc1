"""The facts of 授权到位, 机制到位 and 监察到位 (issue 18 item 1; 三(三) to 三(五) of the plan):
the letter and its powers, the working rules in use in the period, e-supervision."""

import datetime

from django.urls import reverse

from onewindow.catalog.models import Item
from onewindow.mandates.models import default_cut_limit
from onewindow.reform.checks import Fact
from onewindow.reform.checks.common import item_url, listed
from onewindow.reform.checks.data import AnomalyRow
from onewindow.supervision.models import Anomaly, Ticket
from onewindow.workdays import add_workdays

# --- 授权到位 --------------------------------------------------------------------------------

# 监察到位 asks that no off-system (体外循环) anomaly is left open past its deadline: the rules
# that point at handling outside the system. A hall item accepted outside a hall window counts
# under 事项到位; late online answers, deemed acceptances and fees are supervision's own matters.
OFF_SYSTEM = frozenset(
    {
        Anomaly.Rule.FAST_PROMISED,
        Anomaly.Rule.RESULT_BEFORE_ACCEPTANCE,
        Anomaly.Rule.FOREIGN_SYSTEM,
    }
)


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
        facts.append(Fact(f"进驻事项“{item.name}”未授予窗口审批权限。", False, item_url(item.pk)))
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
        facts.append(Fact(f"进驻事项“{item.name}”未纳入电子监察。", False, item_url(item.pk)))
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
        if a.state != Anomaly.State.OPEN or a.rule not in OFF_SYSTEM:
            continue
        due = add_workdays(a.detected_on, d.rectify_days)
        if due < d.day:
            late.append((a, due))
    facts += listed(
        late,
        _late_fact,
        "另有{}件体外循环异常办件逾期未说明。",
        reverse("supervision:anomalies"),
    )
    if not late:
        facts.append(
            Fact("没有逾期未说明的体外循环异常办件。", True, reverse("supervision:anomalies"))
        )
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


def _late_fact(late: tuple[AnomalyRow, datetime.date]) -> Fact:
    anomaly, due = late
    return Fact(
        f"异常办件“{anomaly.get_rule_display()}”{anomaly.detected_on}发现，至{due}仍未说明。",
        False,
        reverse("cases:detail", args=[anomaly.case_id]),
    )
