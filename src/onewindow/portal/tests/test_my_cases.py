"""我的办事: an applicant sees the cases filed under their verified identity, and rates an
ended one on the web channel (网上评价), once."""

import pytest
from django.core.exceptions import ValidationError

from onewindow.cases.tests.conftest import APPLICANT, id_number, submit, user
from onewindow.demo.county import DEMO_APPLICANT_ID
from onewindow.org import services as org_services
from onewindow.supervision.models import Rating, Ticket
from onewindow.supervision.tests.test_ratings import closed_case

pytestmark = pytest.mark.django_db
MINE = {**APPLICANT, "applicant_name": "张三", "applicant_id": DEMO_APPLICANT_ID}


def test_my_cases_lists_only_my_identity_and_rates_on_the_web(login):
    mine, theirs = closed_case(MINE), closed_case(APPLICANT)
    open_one = submit("个体工商户设立登记", applicant=MINE)
    client = login("applicant")
    page = client.get("/me/").content.decode()
    assert page.count("个体工商户设立登记") == 2  # the closed one and the open one, not theirs
    assert f"/me/cases/{mine.pk}/" in page and f"/me/cases/{theirs.pk}/" not in page
    assert f"/me/cases/{open_one.pk}/" in page and "办结后可评价" in page
    assert client.get(f"/me/cases/{theirs.pk}/").status_code == 404

    detail = client.get(f"/me/cases/{mine.pk}/").content.decode()
    assert "提交评价" in detail and "办理过程" in detail
    client.post(f"/me/cases/{mine.pk}/", {"level": "5"})  # bad without a reason: refused
    assert not Rating.objects.filter(case=mine).exists()
    client.post(f"/me/cases/{mine.pk}/", {"level": "4", "tags": ["等候时间长"]})
    rating = Rating.objects.get(case=mine, channel="web")
    assert rating.level == 4 and rating.real_name and rating.window_post_id == mine.window_post_id
    assert Ticket.objects.get(rating=rating).state == "open"  # a bad one opens a ticket
    again = client.get(f"/me/cases/{mine.pk}/").content.decode()
    assert "提交评价" not in again and "整改情况" in again
    client.post(f"/me/cases/{mine.pk}/", {"level": "1"})
    assert Rating.objects.filter(case=mine).count() == 1  # once per channel
    assert client.post(f"/me/cases/{open_one.pk}/", {"level": "1"}).status_code == 400
    assert not Rating.objects.filter(case=open_one).exists()  # not ended: refused


def test_staff_cannot_open_the_applicant_pages(login):
    assert login("clerk").get("/me/").status_code == 403


def test_identity_is_checked_and_kept_as_digest_only():
    applicant = user("applicant")
    with pytest.raises(ValidationError):
        org_services.applicant_verify(user=applicant, kind="person", number="430922198806120039")
    with pytest.raises(ValidationError, match="只有申请人账号"):
        org_services.applicant_verify(user=user("clerk"), kind="person", number=id_number())
    org_services.applicant_verify(user=applicant, kind="person", number=id_number())
    applicant.refresh_from_db()
    assert len(applicant.identity_digest) == 64 and id_number() not in applicant.identity_digest


def test_unverified_applicant_is_told_how(login):
    applicant = user("applicant")
    applicant.identity_digest = ""
    applicant.save(update_fields=["identity_digest"])
    assert "尚未完成实名认证" in login("applicant").get("/me/").content.decode()


def test_admin_enters_a_checked_identity_in_one_save(rf):
    from django.contrib.admin.sites import site

    admin_user, applicant = user("admin"), user("applicant")
    request = rf.post("/")
    request.user = admin_user
    model_admin = site._registry[type(applicant)]
    form_class = model_admin.get_form(request, applicant, change=True)
    initial = form_class(instance=applicant).initial

    def post(kind, number, roles=None):
        data = {
            k: v
            for k, v in initial.items()
            if k not in ("last_login", "date_joined", "groups", "user_permissions", "roles")
        }
        data.update(
            date_joined_0=applicant.date_joined.date().isoformat(),
            date_joined_1="08:00:00",
            roles=roles if roles is not None else [r.pk for r in applicant.roles.all()],
            identity_kind=kind,
            identity_number=number,
        )
        return form_class(data, instance=user("applicant"))

    bad = post("person", "430922198806120039")
    assert not bad.is_valid() and "identity_number" in bad.errors
    clerk_roles = [r.pk for r in user("clerk").roles.all()]
    not_applicant = post("person", id_number(), roles=clerk_roles)
    assert not not_applicant.is_valid() and "只有申请人账号" in str(not_applicant.errors)
    good = post("person", id_number())
    assert good.is_valid(), good.errors
    good.save()
    assert user("applicant").identity_digest == org_services.identity_digest(
        kind="person", number=id_number()
    )
