"""我的单位: organisations registered by an applicant (its administrator), operators (经办人)
added by resident ID number and revoked, and acting_for / may_act_for reflecting it."""

import pytest
from django.core.cache import cache

from onewindow.accounts.identities import ORGANISATION, PERSON, acting_for, may_act_for
from onewindow.accounts.models import Membership, Organisation, Person
from onewindow.accounts.services import applicant_create, organisation_verify
from onewindow.accounts.tests.util import credit_code, id_number
from onewindow.common import crypto
from onewindow.org.models import User

pytestmark = pytest.mark.django_db


def _person(seq: int, name: str) -> User:
    return applicant_create(
        name=name,
        id_number=id_number(seq),
        mobile=f"1390737{seq:04d}",
        source=Person.Source.REGISTERED,
        password=None,
    )


def _accept(user, membership):
    from django.test import Client

    own = Client()
    own.force_login(user)
    page = own.get("/accounts/organisations/").content.decode()
    assert "待您接受的经办人邀请" in page and membership.organisation.name in page
    response = own.post(f"/accounts/invitations/{membership.pk}/", {"answer": "accept"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.accepted_at is not None


@pytest.fixture
def admin(client):
    user = _person(31, "赵建华")
    client.force_login(user)
    return user


def _register_org(client, seq=1, **extra):
    data = {
        "name": "桃江县竹韵餐饮有限公司",
        "credit_code": credit_code(seq),
        "legal_rep_name": "赵建华",
        "legal_rep_id": id_number(31),
        **extra,
    }
    return client.post("/accounts/organisations/new/", data)


def test_register_an_organisation_makes_its_administrator(client, admin):
    response = _register_org(client)
    org = Organisation.objects.get()
    assert response.status_code == 302 and response.url == f"/accounts/organisations/{org.pk}/"
    assert org.credit_code_digest == crypto.digest(credit_code(1))
    assert org.legal_rep_id == id_number(31)
    member = Membership.objects.get()
    assert (member.user, member.role, member.granted_by) == (admin, "admin", admin)
    page = client.get(response.url).content.decode()
    assert "桃江县竹韵餐饮有限公司" in page and credit_code(1) in page
    assert id_number(31) not in page and "4309**********" in page  # the legal rep's ID masked
    listing = client.get("/accounts/organisations/").content.decode()
    assert "桃江县竹韵餐饮有限公司" in listing and "管理员" in listing


def test_a_bad_credit_code_is_refused_with_the_validators_message(client, admin):
    bad = credit_code(2)[:-1] + ("0" if credit_code(2)[-1] != "0" else "1")
    response = _register_org(client, credit_code=bad)
    assert response.status_code == 400
    assert "统一社会信用代码" in response.content.decode() and "校验位不正确" in (
        response.content.decode()
    )
    short = _register_org(client, credit_code="91430922")
    assert "统一社会信用代码应为18位，当前为8位" in short.content.decode()
    assert not Organisation.objects.exists() and not Membership.objects.exists()


def test_a_pending_code_does_not_block_another_claim_a_verified_one_does(client, admin):
    """Review #1: a registration is 待核验 and claims nothing yet, so another person may register
    the same code (several pending claims); once one is verified the others end (their members
    told on 我的单位) and new registrations are refused, pointing to the hall."""
    assert _register_org(client, seq=3).status_code == 302
    mine = Organisation.objects.get()
    assert not mine.verified and "待核验" in client.get("/accounts/organisations/").content.decode()
    again = _register_org(client, seq=3)
    assert (
        again.status_code == 400 and "您已登记过该统一社会信用代码的单位" in again.content.decode()
    )
    other = _person(32, "钱多多")
    client.force_login(other)
    assert _register_org(client, seq=3, name="另一个名字").status_code == 302
    theirs = Organisation.objects.exclude(pk=mine.pk).get()
    assert [i.verified for i in acting_for(other)] == [False, False]

    organisation_verify(organisation=mine, how="hall", by=admin)
    theirs.refresh_from_db()
    assert theirs.superseded_at is not None
    assert [i.kind for i in acting_for(other)] == [PERSON]
    listing = client.get("/accounts/organisations/").content.decode()
    assert "您登记的“另一个名字”" in listing and "已失效" in listing
    third = _person(36, "李后来")
    client.force_login(third)
    refused = _register_org(client, seq=3, name="第三个名字")
    assert refused.status_code == 400
    assert "该统一社会信用代码的单位已核验" in refused.content.decode()
    assert "政务服务中心" in refused.content.decode()
    assert Organisation.objects.count() == 2
    assert [i.verified for i in acting_for(admin)] == [False, True]


def test_an_unverified_account_cannot_register_an_organisation(client):
    bare = User.objects.create_user(username="bare", password="x")
    from onewindow.org.models import Role

    bare.roles.add(Role.objects.get(code="applicant"))
    client.force_login(bare)
    response = _register_org(client, seq=4)
    assert response.status_code == 400 and "尚未完成实名认证" in response.content.decode()
    assert not Organisation.objects.exists()


def test_organisation_name_is_escaped(client, admin):
    assert _register_org(client, seq=5, name="<script>alert(1)</script>公司").status_code == 302
    page = client.get("/accounts/organisations/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;公司" in page


def test_operator_added_then_revoked_and_acting_for_follows(client, admin):
    _register_org(client, seq=6)
    org = Organisation.objects.get()
    operator = _person(33, "孙丽")
    assert [i.kind for i in acting_for(operator)] == [PERSON]
    response = client.post(f"/accounts/organisations/{org.pk}/", {"id_number": id_number(33)})
    assert response.status_code == 302
    member = Membership.objects.get(user=operator)
    assert (member.role, member.granted_by) == ("operator", admin)
    # Invited: nothing yet until the operator accepts on their own 我的单位.
    assert [i.kind for i in acting_for(operator)] == [PERSON]
    _accept(operator, member)

    found = acting_for(operator)
    assert [(i.kind, i.name) for i in found] == [(PERSON, "孙丽"), (ORGANISATION, org.name)]
    assert found[0].digest == operator.identity_digest == crypto.digest(id_number(33))
    assert found[0].number == id_number(33) and found[0].organisation_id is None
    assert found[1].digest == crypto.digest(credit_code(6)) and found[1].organisation_id == org.pk
    assert found[1].label == f"单位：{org.name}（经办人）" and found[1].number == credit_code(6)
    assert id_number(33) not in repr(found[0])  # never whole in a log line
    assert may_act_for(operator, found[1].digest)
    assert [i.kind for i in acting_for(admin)] == [PERSON, ORGANISATION]

    page = client.get(f"/accounts/organisations/{org.pk}/").content.decode()
    assert "孙丽" in page and id_number(33) not in page and "4309**********" in page
    revoke = client.post(f"/accounts/organisations/{org.pk}/members/{member.pk}/revoke/")
    assert revoke.status_code == 302
    member.refresh_from_db()
    assert member.revoked_at is not None and member.revoked_by == admin
    assert [i.kind for i in acting_for(operator)] == [PERSON]
    assert not may_act_for(operator, crypto.digest(credit_code(6)))
    assert "已撤销" in client.get(f"/accounts/organisations/{org.pk}/").content.decode()
    # Added again later: a new row, the revoked one stays as the record.
    client.post(f"/accounts/organisations/{org.pk}/", {"id_number": id_number(33)})
    assert Membership.objects.filter(user=operator).count() == 2
    assert not may_act_for(operator, crypto.digest(credit_code(6)))
    _accept(operator, Membership.objects.get(user=operator, revoked_at__isnull=True))
    assert may_act_for(operator, crypto.digest(credit_code(6)))


def test_only_a_registered_person_can_be_added(client, admin):
    _register_org(client, seq=7)
    org = Organisation.objects.get()
    url = f"/accounts/organisations/{org.pk}/"
    unknown = client.post(url, {"id_number": id_number(99)})
    assert unknown.status_code == 400
    assert "该身份证号码尚未注册一窗通办个人账号" in unknown.content.decode()
    invalid = client.post(url, {"id_number": "430922198501010018"})
    assert "居民身份证号码的校验位不正确" in invalid.content.decode()
    again = client.post(url, {"id_number": id_number(31)})  # the administrator himself
    assert "此人已是本单位的经办人或已受邀请" in again.content.decode()
    assert Membership.objects.count() == 1


def test_an_operator_sees_the_organisation_but_cannot_manage_it(client, admin):
    _register_org(client, seq=8)
    org = Organisation.objects.get()
    operator = _person(34, "周敏")
    client.post(f"/accounts/organisations/{org.pk}/", {"id_number": id_number(34)})
    third = _person(35, "吴刚")
    invited = client.__class__()
    invited.force_login(operator)
    assert invited.get(f"/accounts/organisations/{org.pk}/").status_code == 404  # not yet
    _accept(operator, Membership.objects.get(user=operator))
    client.force_login(operator)
    page = client.get(f"/accounts/organisations/{org.pk}/")
    assert page.status_code == 200 and "经办人由本单位的管理员添加或撤销" in page.content.decode()
    refused = client.post(f"/accounts/organisations/{org.pk}/", {"id_number": id_number(35)})
    assert refused.status_code == 400 and "只有本单位的管理员" in refused.content.decode()
    own = Membership.objects.get(user=operator)
    client.post(f"/accounts/organisations/{org.pk}/members/{own.pk}/revoke/")
    own.refresh_from_db()
    assert own.revoked_at is None
    assert not Membership.objects.filter(user=third).exists()
    # A stranger does not even see it.
    client.force_login(third)
    assert client.get(f"/accounts/organisations/{org.pk}/").status_code == 404
    assert not may_act_for(third, org.credit_code_digest)


def test_the_administrator_cannot_be_revoked_on_the_page(client, admin):
    _register_org(client, seq=9)
    org = Organisation.objects.get()
    own = Membership.objects.get(user=admin)
    response = client.post(f"/accounts/organisations/{org.pk}/members/{own.pk}/revoke/")
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.revoked_at is None
    assert "管理员不能在此撤销" in client.get(response.url).content.decode()


def test_staff_cannot_open_the_applicant_pages(login):
    client = login("clerk")
    assert client.get("/accounts/organisations/").status_code == 403


def test_acting_for_an_anonymous_user_or_a_digest_only_account():
    from django.contrib.auth.models import AnonymousUser

    assert acting_for(AnonymousUser()) == []
    assert not may_act_for(AnonymousUser(), "x")
    zhang = User.objects.get(username="applicant")
    cache.clear()
    found = acting_for(zhang)
    if zhang.identity_digest:
        assert found[0].digest == zhang.identity_digest and found[0].number == ""
        assert may_act_for(zhang, zhang.identity_digest)
    assert not may_act_for(zhang, "")


def test_the_admin_shows_accounts_masked_and_changes_nothing(client, admin, login):
    _register_org(client, seq=12)
    org = Organisation.objects.get()
    staff = login("admin")
    people = staff.get("/admin/accounts/person/")
    assert people.status_code == 200
    body = people.content.decode()
    assert "赵建华" in body and id_number(31) not in body and "139****0031" in body
    page = staff.get(f"/admin/accounts/organisation/{org.pk}/change/").content.decode()
    assert org.name in page and id_number(31) not in page
    assert staff.get("/admin/accounts/organisation/add/").status_code == 403


def test_an_invited_operators_name_stays_masked_until_they_accept(client, admin):
    """Review #6: adding an operator is no ID-number → name oracle: the administrator sees 冯*
    and a masked number until the person accepts on their own page (or declines: the row ends)."""
    cache.clear()
    _register_org(client, seq=10)
    org = Organisation.objects.get()
    victim = _person(37, "冯隐私")
    response = client.post(
        f"/accounts/organisations/{org.pk}/", {"id_number": id_number(37)}, follow=True
    )
    page = response.content.decode()
    assert "冯隐私" not in page and "冯*" in page and "待对方接受" in page
    assert id_number(37)[1:-1] not in page
    member = Membership.objects.get(user=victim)
    _accept(victim, member)
    page = client.get(f"/accounts/organisations/{org.pk}/").content.decode()
    assert "冯隐私" in page


def test_a_declined_invitation_ends_and_invitations_are_limited_per_day(client, admin):
    cache.clear()
    _register_org(client, seq=11)
    org = Organisation.objects.get()
    invited = _person(38, "蒋不去")
    client.post(f"/accounts/organisations/{org.pk}/", {"id_number": id_number(38)})
    from django.test import Client

    own = Client()
    own.force_login(invited)
    member = Membership.objects.get(user=invited)
    own.post(f"/accounts/invitations/{member.pk}/", {"answer": "decline"})
    member.refresh_from_db()
    assert member.revoked_by == invited and member.accepted_at is None
    assert [i.kind for i in acting_for(invited)] == [PERSON]
    # Someone else's invitation cannot be answered.
    assert (
        client.post(f"/accounts/invitations/{member.pk}/", {"answer": "accept"}).status_code == 404
    )
    for n in range(9):  # ten tries a day in all (found or not)
        client.post(f"/accounts/organisations/{org.pk}/", {"id_number": id_number(200 + n)})
    refused = client.post(f"/accounts/organisations/{org.pk}/", {"id_number": id_number(38)})
    assert refused.status_code == 400 and "本单位今天添加经办人已达10次" in refused.content.decode()
    assert Membership.objects.filter(user=invited).count() == 1


def test_a_hall_clerk_verifies_an_organisation_on_the_staff_page(client, admin, login):
    """Review #1 (b): 核验单位 for hall staff (not only the Django admin): the clerk types the
    code from the business licence, sees every registration of it and verifies the right one;
    the other pending claim ends. Applicants cannot open the page."""
    _register_org(client, seq=12)
    mine = Organisation.objects.get()
    other = _person(39, "郑抢先")
    client.force_login(other)
    _register_org(client, seq=12, name="<b>抢先登记</b>公司")
    assert client.get("/accounts/organisations/verify/").status_code == 403
    theirs = Organisation.objects.exclude(pk=mine.pk).get()

    clerk = login("clerk")
    bad = clerk.get("/accounts/organisations/verify/", {"credit_code": "91430922"})
    assert bad.status_code == 400 and "统一社会信用代码应为18位" in bad.content.decode()
    page = clerk.get("/accounts/organisations/verify/", {"credit_code": credit_code(12)})
    text = page.content.decode()
    assert page.status_code == 200 and text.count("待核验") >= 2
    assert "&lt;b&gt;抢先登记&lt;/b&gt;公司" in text and "<b>抢先登记" not in text
    done = clerk.post(
        f"/accounts/organisations/verify/?credit_code={credit_code(12)}",
        {"organisation": mine.pk},
        follow=True,
    )
    assert "已核验“桃江县竹韵餐饮有限公司”" in done.content.decode()
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.verified_how, mine.verified_by.username) == ("hall", "clerk")
    assert theirs.superseded_at is not None
    late = clerk.post("/accounts/organisations/verify/", {"organisation": theirs.pk}, follow=True)
    assert "该登记已失效" in late.content.decode()
    assert login("hallmgr").get("/accounts/organisations/verify/").status_code == 200
    assert login("reviewer").get("/accounts/organisations/verify/").status_code == 403
