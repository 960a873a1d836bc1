"""Issue 21 review (cases side): whom 我的办事, the case page, the notices, correction and
withdrawal reach (an identity proven by SMS alone only the cases its account filed online; an
organisation's cases only through a live membership), the correction text's signature, an online
correction limited to what the notice lists, and the channel shown with where it was made."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from onewindow.accounts.models import Membership, Organisation
from onewindow.accounts.tests.util import id_number, register
from onewindow.cases import selectors, services
from onewindow.cases.models import PORTAL_SOURCE, Case, CaseMaterial, Channel, channel_label
from onewindow.cases.permissions import Actor, applicant_refusal
from onewindow.cases.services import online
from onewindow.cases.tests.conftest import DAY
from onewindow.cases.workflow import MOVES, State
from onewindow.exchange.models import SmsOutbox
from onewindow.org.models import User
from onewindow.testing.factories import (
    ApplicantFactory,
    CaseFactory,
    applicant,
    credit_code,
)

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
WITHDRAW = MOVES["withdraw_online"]


def pdf(name="补正.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def desk(_desk):
    """The root conftest's desk, built once for the module (not the cases package's, per test)."""
    return _desk


def _reach(user, case) -> tuple[bool, bool]:
    """(listed in 我的办事, may make an applicant's move): the two must agree."""
    listed = selectors.applicant_cases(user=User.objects.get(pk=user.pk)).filter(pk=case.pk)
    allowed = applicant_refusal(Actor(User.objects.get(pk=user.pk)), case, WITHDRAW) is None
    return listed.exists(), allowed


def _self_registered(client, seq: int, mobile: str) -> User:
    cache.clear()
    assert register(client, name="假冒者", seq=seq, mobile=mobile).status_code == 302
    return User.objects.get(
        identity_digest__isnull=False,
        person__mobile_digest__isnull=False,
        pk=client.session["_auth_user_id"],
    )


def test_i21_an_sms_registered_identity_reaches_only_what_its_account_filed(client, desk):
    impostor = _self_registered(client, 811, "13907378011")
    real = {
        "applicant_kind": "person",
        "applicant_name": "卫真人",
        "applicant_id": id_number(811),
        "phone": "13807378011",
    }
    at_hall = CaseFactory(desk=desk, applicant=real, day=DAY)
    online_own = CaseFactory(desk=desk, applicant=real, channel=Channel.ONLINE, day=DAY)
    Case.objects.filter(pk=online_own.pk).update(filed_by=impostor, source=PORTAL_SOURCE)
    online_own.refresh_from_db()
    assert _reach(impostor, at_hall) == (False, False)
    assert _reach(impostor, online_own) == (True, True)
    # The page, the notice and the withdrawal of the hall case: not found, refused.
    services.case_notify_correction(
        acting_user=desk.clerk,
        case=at_hall,
        problems={m.pk: "缺" for m in at_hall.materials.all()[:1]},
        day=DAY,
    )
    assert client.get(f"/me/cases/{at_hall.pk}/").status_code == 404
    assert client.get(f"/cases/{at_hall.pk}/notice/correction.pdf").status_code == 404
    client.post(f"/me/cases/{at_hall.pk}/act/withdraw_online/", {"reason": "x", "version": 2})
    assert Case.objects.get(pk=at_hall.pk).state == State.CORRECTING
    assert client.get(f"/me/cases/{online_own.pk}/").status_code == 200
    listing = client.get("/me/").content.decode()
    assert f"/me/cases/{online_own.pk}/" in listing and f"/me/cases/{at_hall.pk}/" not in listing
    assert "这里只列出您本账号在网上提交的申请" in listing


def test_i21_a_verified_identity_reaches_every_case_of_it(client, desk):
    me = applicant(2311)
    user = ApplicantFactory(identity=me["applicant_id"])  # linked by a clerk at a desk
    at_hall = CaseFactory(desk=desk, applicant=me, day=DAY)
    assert _reach(user, at_hall) == (True, True)
    client.force_login(user)
    listing = client.get("/me/").content.decode()
    assert f"/me/cases/{at_hall.pk}/" in listing and "只列出您本账号" not in listing


def _company(seq: int, boss, *, verified=True) -> Organisation:
    org = Organisation.objects.create(
        name=f"桃江县某某建材{seq}有限公司",
        credit_code=credit_code(seq),
        legal_rep_name="孙老板",
        legal_rep_id=applicant(seq + 1)["applicant_id"],
        registered_by=boss,
        created_at=timezone.now(),
        verified_at=timezone.now() if verified else None,
    )
    return org


def _member(org, user, boss, role="operator") -> Membership:
    now = timezone.now()
    return Membership.objects.create(
        organisation=org, user=user, role=role, granted_by=boss, granted_at=now, accepted_at=now
    )


def test_i21_a_revoked_operator_reaches_no_case_of_the_company_he_filed(client, desk):
    me = applicant(7511)
    boss = ApplicantFactory(identity=applicant(7512)["applicant_id"])
    op = ApplicantFactory(identity=me["applicant_id"])
    org = _company(7513, boss)
    membership = _member(org, op, boss)
    company = applicant(7514, applicant_kind="organisation", applicant_id=org.credit_code)
    company.update(
        applicant_name=org.name, agent_name=me["applicant_name"], agent_id=me["applicant_id"]
    )
    case = CaseFactory(desk=desk, applicant=company, day=DAY)
    assert _reach(op, case) == (True, True)
    membership.revoked_at, membership.revoked_by = timezone.now(), boss
    membership.save()
    assert _reach(op, case) == (False, False)
    # As a person's agent he still reaches the case he filed for that person.
    for_person = CaseFactory(
        desk=desk,
        applicant=applicant(7515, agent_name=me["applicant_name"], agent_id=me["applicant_id"]),
        day=DAY,
    )
    assert _reach(op, for_person) == (True, True)
    client.force_login(op)
    assert client.get(f"/me/cases/{case.pk}/").status_code == 404
    assert client.get(f"/cases/{case.pk}/notice/receipt.pdf").status_code == 404


def test_i21_an_unverified_company_reaches_only_what_its_operator_filed(desk):
    boss = ApplicantFactory(identity=applicant(7522)["applicant_id"])
    org = _company(7523, boss, verified=False)
    _member(org, boss, boss, role="admin")
    company = applicant(7524, applicant_kind="organisation", applicant_id=org.credit_code)
    company["applicant_name"] = org.name
    at_hall = CaseFactory(desk=desk, applicant=company, day=DAY)
    mine = CaseFactory(desk=desk, applicant=company, channel=Channel.ONLINE, day=DAY)
    Case.objects.filter(pk=mine.pk).update(filed_by=boss)
    mine.refresh_from_db()
    assert _reach(boss, at_hall) == (False, False)
    assert _reach(boss, mine) == (True, True)
    Organisation.objects.filter(pk=org.pk).update(verified_at=timezone.now())
    assert _reach(boss, at_hall) == (True, True)


def _correcting(desk, me, *, keep_first=False) -> Case:
    case = CaseFactory(desk=desk, applicant=me, channel=Channel.ONLINE, complete=False, day=DAY)
    rows = list(case.materials.all())
    if keep_first:  # the window checked the first one (paper), the notice lists the others
        rows[0].status = CaseMaterial.Status.PAPER
        rows[0].save()
        rows = rows[1:]
    return services.case_notify_correction(
        acting_user=desk.clerk, case=case, problems={m.pk: "缺" for m in rows}, day=DAY
    )


def test_i21_the_correction_text_is_signed_like_every_applicant_text(desk):
    me = applicant(2312)
    user = ApplicantFactory(identity=me["applicant_id"])
    case = _correcting(desk, me)
    [text] = [s.text for s in SmsOutbox.objects.all() if s.mobile == me["phone"]]
    assert text.startswith("【一窗通办】") and f"【{case.unit.name}】" not in text
    assert user.pk


def test_i21_online_correction_replaces_only_what_the_notice_lists(client, desk):
    me = applicant(2313)
    user = ApplicantFactory(identity=me["applicant_id"])
    case = _correcting(desk, me, keep_first=True)
    checked, *listed = case.materials.order_by("pk")
    client.force_login(user)
    page = client.get(f"/me/cases/{case.pk}/").content.decode()
    assert f'name="file_{listed[0].pk}"' in page and f'name="file_{checked.pk}"' not in page
    files = {m.pk: pdf(f"{m.pk}.pdf") for m in [checked, *listed]}
    with pytest.raises(ValidationError) as refused:
        online.case_correct_online(acting_user=user, case=case, uploads=files)
    assert "不在一次性告知书所列的补正材料之内" in str(refused.value)
    assert Case.objects.get(pk=case.pk).state == State.CORRECTING
    assert CaseMaterial.objects.get(pk=checked.pk).status == CaseMaterial.Status.PAPER
    done = online.case_correct_online(
        acting_user=user, case=case, uploads={m.pk: pdf(f"{m.pk}.pdf") for m in listed}
    )
    assert done.state == State.RECEIVED


def test_i21_the_channel_reads_online_with_where_it_was_made(desk):
    assert Channel.ONLINE.label == "网上申请"
    assert channel_label("online", PORTAL_SOURCE) == "网上申请（本系统网上办事）"
    assert channel_label("online", "湖南省一体化平台", "HN-1") == "网上申请（省政务服务平台）"
    assert channel_label("online", "不动产登记系统") == "网上申请（不动产登记系统）"
    assert channel_label("online", "") == "网上申请（部门系统）"
    assert channel_label("window", "") == "大厅窗口"
    case = CaseFactory(desk=desk, applicant=applicant(2314), channel=Channel.ONLINE, day=DAY)
    Case.objects.filter(pk=case.pk).update(source=PORTAL_SOURCE)
    assert Case.objects.get(pk=case.pk).channel_label == "网上申请（本系统网上办事）"
