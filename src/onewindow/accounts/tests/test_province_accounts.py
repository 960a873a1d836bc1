"""Accounts made through the province's unified identity have no password here: the header does
not offer 修改密码 and the page says why; the header shows the applicant's name whole."""

import pytest

from onewindow.accounts.models import Person
from onewindow.accounts.services import applicant_create
from onewindow.accounts.tests.util import PASSWORD, id_number

pytestmark = pytest.mark.django_db


def _province_user():
    return applicant_create(
        name="李文博",
        id_number=id_number(951),
        mobile="13907379511",
        source=Person.Source.OIDC,
        password=None,
        assurance=Person.Assurance.PROVINCE,
    )


def test_a_province_account_is_not_offered_a_password_change(client):
    client.force_login(_province_user())
    page = client.get("/me/").content.decode()
    assert 'href="/accounts/password/"' not in page
    response = client.get("/accounts/password/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "通过省统一身份认证登录，在本平台没有密码" in text and 'name="new_password1"' not in text
    refused = client.post(
        "/accounts/password/",
        {"old_password": "", "new_password1": "Qm4tr-Hexiu7", "new_password2": "Qm4tr-Hexiu7"},
    )
    assert "在本平台没有密码" in refused.content.decode()
    assert not Person.objects.get().user.has_usable_password()


def test_a_registered_applicant_and_staff_keep_the_password_change(client, login):
    user = applicant_create(
        name="王有密",
        id_number=id_number(952),
        mobile="13907379521",
        source=Person.Source.REGISTERED,
        password=PASSWORD,
    )
    client.force_login(user)
    assert 'href="/accounts/password/"' in client.get("/me/").content.decode()
    clerk = login("clerk")
    assert 'href="/accounts/password/"' in clerk.get("/home/", follow=True).content.decode()


def test_the_header_shows_the_name_whole_and_the_roles_apart(client):
    client.force_login(_province_user())
    page = client.get("/me/").content.decode()
    assert '<span class="name">李文博</span><span class="roles">（申请人）</span>' in page
