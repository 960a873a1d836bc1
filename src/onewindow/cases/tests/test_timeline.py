"""The case's history in plain Chinese (cases.timeline): a sentence for every move of the
workflow, material names instead of ids, reasons, links to the notices, and a safe fallback
for what it does not know."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from onewindow.cases import services, timeline
from onewindow.cases.models import CaseEvent
from onewindow.cases.selectors import time_left
from onewindow.cases.workflow import MOVES, State
from onewindow.testing.cases import CaseFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 1)  # a Tuesday
NOW = datetime.datetime(2026, 12, 1, 9, 30, tzinfo=datetime.UTC)

# What each move's service writes into its event (cases.services), with the ids a page resolves.
DETAILS = {
    "submit": {"item": "11430922MB0000000X4000000000001"},
    "accept": {"window_post": "3", "rongque": {"deadline": "2026-12-08", "commitment": "按期补齐"}},
    "notify_correction": {"problems": {"{m1}": "未盖公章"}},
    "resubmit": {"received": ["{m1}"]},
    "correct_online": {"files": {"{m1}": "ab" * 32}},
    "refuse": {"reason": "不属于本机关职权范围"},
    "deem_accept": {"received_on": "2026-11-20", "deemed": True},
    "decide_at_window": {"result": "approved"},
    "transfer": {"opinion": "材料齐全，同意转审"},
    "take_over": {"opinion": "授权已过期，部门接办"},
    "decide": {"result": "denied"},
    "suspend": {"procedure": "expert_review", "expected_days": 10, "reason": "需专家评审"},
    "resume": {},
    "extend": {"days": 5, "approver": "张局长", "reason": "情况复杂"},
    "supplement": {},
    "attach": {"material": "{m1}", "sha256": "ab" * 32, "size": 2_500_000},
    "deliver": {"mode": "mail"},
    "confirm_receipt": {"received_on": "2026-12-03"},
    "forward": {"handoff": "paper", "opinion": "初审通过"},
    "papers_collected": {},
    "release": {"stage": 2},
    "stage_terminate": {"stage": 2},
    "prompt": {"reason": "请于本周内办结"},
    "mark_key": {"project_name": "桃江新材料产业园", "project_doc": "桃发改〔2026〕12号"},
    "tech_review_suspend": {"kind": "expert_panel", "assignee_org": "省专家库", "limit_days": 15},
    "tech_review": {"kind": "site_inspection", "assignee_org": "勘查组", "limit_days": 3},
    "tech_report_resume": {"review": 0, "sha256": ""},
    "tech_report": {"review": 0, "sha256": "cd" * 32},
    "withdraw": {"reason": "申请人不再需要"},
    "withdraw_online": {"reason": "已在别处办理"},
    "terminate": {"reason": "申请人已注销"},
    "rongque_expire": {"deadline": "2026-12-08"},
}
REPR = re.compile(r"[{}\[\]'\"]|None|True|False")


@pytest.fixture
def desk(_desk):
    """The root conftest's desk, built once for the module (not the cases package's, per test)."""
    return _desk


@pytest.fixture
def case(desk):
    with time_machine.travel(NOW, tick=False):
        return CaseFactory(desk=desk, day=DAY, state=State.RECEIVED)


def _event(case, action, details, seq=1, actor=None):
    move = MOVES.get(action)
    return CaseEvent(
        case=case,
        seq=seq,
        at=NOW,
        actor=actor,
        channel="window",
        action=action,
        from_state=State.ACCEPTED,
        to_state=move.target if move and move.target else State.ACCEPTED,
        details=details,
    )


def _fill(value, ids):
    if isinstance(value, str):
        return value.format(**ids) if "{m" in value else value
    if isinstance(value, dict):
        return {_fill(k, ids): _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


def test_every_move_of_the_workflow_has_a_sentence_without_python_values(case, desk):
    assert set(MOVES) | {"submit"} <= set(DETAILS), "add the new move's details above"
    material = case.materials.first()
    ids = {"m1": str(material.pk)}
    for action, details in DETAILS.items():
        [entry] = timeline.sentences(
            case, [_event(case, action, _fill(details, ids), actor=desk.clerk)]
        )
        assert entry.text and not REPR.search(entry.text), (action, entry.text)
        assert not REPR.search(entry.who), (action, entry.who)
        assert "（" not in entry.text or "：—" not in entry.text, (action, entry.text)
        if "material" in str(details) or "{m1}" in str(details):
            assert material.name in entry.text, (action, entry.text)
        for key in ("reason", "opinion", "approver", "project_name"):
            if key in details:
                assert details[key] in entry.text, (action, entry.text)


def test_the_sentence_names_who_by_unit_capacity_and_name(case, desk):
    [entry] = timeline.sentences(
        case, [_event(case, "transfer", {"opinion": ""}, actor=desk.teamlead)]
    )
    staff = desk.teamlead.staff
    unit = staff.unit.short_name or staff.unit.name
    assert entry.who == f"{unit} 窗口组长 {staff.name}"
    assert entry.sentence.startswith(timezone.localtime(NOW).strftime("%Y-%m-%d %H:%M"))
    [system] = timeline.sentences(case, [_event(case, "deem_accept", {}, actor=None)])
    assert system.who == "系统"
    via = _event(case, "decide", {"result": "approved", "system": "市监审批系统"}, actor=None)
    assert "市监审批系统" in timeline.sentences(case, [via])[0].who


def test_unknown_keys_and_unknown_events_fall_back_to_pairs_escaped(client, case, desk):
    odd = {"reason": "<b>x</b>", "extra_key": {"nested": [1, None, True]}}
    [entry] = timeline.sentences(case, [_event(case, "refuse", odd)])
    assert "extra_key：nested：1、—、是" in entry.text and "<b>x</b>" in entry.text
    [unknown] = timeline.sentences(case, [_event(case, "mystery_move", {"k": None})])
    assert unknown.text == "办理了“mystery_move”（k：—）"
    # On the page user text is escaped.
    with time_machine.travel(NOW, tick=False):
        services.case_refuse(
            acting_user=desk.clerk, case=case, reason="<script>alert(1)</script>不符合", day=DAY
        )
    client.force_login(desk.clerk)
    body = client.get(f"/cases/{case.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;不符合" in body


def test_the_page_tells_materials_reasons_and_links_the_notices(client, desk):
    with time_machine.travel(NOW, tick=False):
        case = CaseFactory(desk=desk, day=DAY, state=State.RECEIVED, complete=False)
        missing = list(case.materials.filter(status="missing"))
        case = services.case_notify_correction(
            acting_user=desk.clerk,
            case=case,
            problems={m.pk: "缺少原件" for m in missing},
            day=DAY,
        )
    client.force_login(desk.clerk)
    body = client.get(f"/cases/{case.pk}/").content.decode()
    history = body[body.index("办理过程") :]
    assert "出具一次性告知书，需补正：" in history
    for m in missing:
        assert f"{m.name}（缺少原件）" in history
    assert f"/cases/{case.pk}/notice/correction.pdf" in history
    assert "打印《补正材料通知书（一次性告知书）》" in body
    assert "{" not in history and "None" not in history


def test_the_header_says_the_time_left_in_words(desk):
    with time_machine.travel(NOW, tick=False):
        case = CaseFactory(desk=desk, day=DAY, state=State.ACCEPTED)
    text, tone = timeline.headline(case, time_left(case, DAY))
    assert re.fullmatch(r"剩余\d+个工作日", text) and tone in ("ok", "warn")
    late = case.due_date + datetime.timedelta(days=14)
    text, tone = timeline.headline(case, time_left(case, late))
    assert text.startswith("已超期") and tone == "bad"
    fresh = CaseFactory(desk=desk, day=DAY, state=State.RECEIVED)
    assert timeline.headline(fresh, time_left(fresh, DAY))[0] == "尚未受理，不计办理时限"
    with time_machine.travel(NOW, tick=False):
        done = CaseFactory(desk=desk, day=DAY, state=State.DECIDED)
    text, _ = timeline.headline(done, time_left(done, DAY))
    assert text.startswith("已办结，用时0个工作日")
    with time_machine.travel(NOW, tick=False):
        held = CaseFactory(desk=desk, day=DAY, state=State.SUSPENDED)
    assert timeline.headline(held, time_left(held, DAY))[0].startswith("已暂停（特别程序中）")


def test_a_refused_move_shows_the_error_by_the_field_and_keeps_the_input(client, desk):
    with time_machine.travel(NOW, tick=False):
        case = CaseFactory(desk=desk, day=DAY, state=State.TRANSFERRED)
    with time_machine.travel(NOW, tick=False):
        client.force_login(desk.reviewer)
        response = client.post(
            f"/cases/{case.pk}/act/extend/",
            {"days": "99", "approver": "张局长", "reason": "情况复杂", "version": case.version},
            follow=True,
        )
        # At the same time: on a later clock (the PostgreSQL run's 31 December) the session has
        # expired, and the login page's redirect would pass every "not in" below.
        reload = client.get(f"/cases/{case.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="msg error"' in body and "未能延期" in body  # the message, in the error style
    form = body[body.index('id="act-extend"') :]
    form = form[: form.index("</form>")]
    assert 'role="alert"' in form and "延期应为1至" in form and 'aria-invalid="true"' in form
    assert 'value="张局长"' in form and 'value="情况复杂"' in form and 'value="99"' in form
    assert reload.status_code == 200
    again = reload.content.decode()  # shown once: a reload is clean
    assert "未能延期" not in again and 'value="张局长"' not in again


def test_a_clerk_is_offered_neither_forward_nor_mark_key_on_a_department_windows_case(client, desk):
    with time_machine.travel(NOW, tick=False):
        case = CaseFactory(desk=desk, day=DAY, state=State.ACCEPTED)
    client.force_login(desk.clerk)
    body = client.get(f"/cases/{case.pk}/").content.decode()
    assert "综合窗口初审转部门" not in body and f"/cases/{case.pk}/act/forward/" not in body
    assert f"/cases/{case.pk}/act/mark_key/" not in body


def test_a_decision_with_its_result_licence_reads_as_words(case, desk):
    licence = {"name": "食品经营许可证", "number": "JY14309220001234", "valid_until": "2031-11-30"}
    [entry] = timeline.sentences(
        case,
        [_event(case, "decide", {"result": "approved", "licence": licence}, actor=desk.reviewer)],
    )
    assert "结果证照：食品经营许可证，编号JY14309220001234，有效期至2031-11-30" in entry.text
    assert not re.search(r"licence|name|number|valid_until", entry.text), entry.text
