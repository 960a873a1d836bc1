"""省统一身份认证登录 against a local OpenID Connect provider the test starts
(onewindow.testing.oidc_provider): the code flow with PKCE, state and nonce, the ID token's
signature and claims checked; every bad path ends on a Chinese page with no account made."""

import httpx
import pytest
from django.contrib.auth import get_user
from django.core.cache import cache
from django.utils import timezone
from joserfc.jwk import RSAKey

from onewindow.accounts.backends import IdentityBackend
from onewindow.accounts.identities import acting_for
from onewindow.accounts.models import Membership, OidcLink, Organisation, Person
from onewindow.accounts.services import applicant_create
from onewindow.accounts.tests.util import PASSWORD, credit_code, id_number
from onewindow.common import crypto
from onewindow.org.models import User
from onewindow.org.roles import RoleCode
from onewindow.testing.oidc_provider import OidcProvider

pytestmark = pytest.mark.django_db

CLAIMS = {
    "sub": "hn-0001",
    "name": "刘德明",
    "id_card": id_number(51),
    "phone_number": "13907375151",
}


@pytest.fixture
def op(settings):
    cache.clear()  # the discovery document is cached per issuer
    with OidcProvider(client_id="onewindow", client_secret="s3cret", claims=CLAIMS) as provider:
        settings.ONEWINDOW_OIDC_ISSUER = provider.issuer
        settings.ONEWINDOW_OIDC_CLIENT_ID = "onewindow"
        settings.ONEWINDOW_OIDC_CLIENT_SECRET = "s3cret"
        yield provider
    cache.clear()


def _to_provider(client, op) -> str:
    """Start the sign-on and let the provider consent: the callback URL it redirects to."""
    start = client.get("/accounts/oidc/login/")
    assert start.status_code == 302 and start.url.startswith(op.issuer + "/authorize?")
    assert "code_challenge_method=S256" in start.url and "nonce=" in start.url
    back = httpx.get(start.url, follow_redirects=False)
    assert back.status_code == 302, back.text
    location = back.headers["location"]
    assert location.startswith("http://testserver/accounts/oidc/callback/?code=")
    return location


def _no_account_made():
    assert not OidcLink.objects.exists()
    assert not Person.objects.exists()
    assert not User.objects.filter(identity_digest=crypto.digest(id_number(51))).exists()


def test_sign_on_creates_an_applicant_account_and_then_reuses_it(client, op):
    response = client.get(_to_provider(client, op))
    assert response.status_code == 302 and response.url == "/home/"
    user = get_user(client)
    assert user.is_authenticated and user.has_role(RoleCode.APPLICANT)
    assert user.identity_digest == crypto.digest(id_number(51))
    person = user.person
    assert (person.name, person.mobile, person.source) == ("刘德明", "13907375151", "oidc")
    assert not user.has_usable_password()
    link = OidcLink.objects.get()
    assert (link.issuer, link.sub, link.user) == (op.issuer, "hn-0001", user)
    # PKCE: the token request carried the verifier the provider checked against the challenge.
    assert op.token_requests[-1]["code_verifier"]
    assert client.get("/home/").url == "/me/"
    client.logout()
    again = client.get(_to_provider(client, op))
    assert again.status_code == 302
    assert get_user(client) == user
    assert User.objects.filter(person__isnull=False).count() == 1


def test_sign_on_keeps_a_self_registered_account_of_the_same_person_and_verifies_it(client, op):
    existing = applicant_create(
        name="刘德明",
        id_number=id_number(51),
        mobile="13907375151",  # the province's phone_number: plainly the same person
        source=Person.Source.REGISTERED,
        password=PASSWORD,
    )
    assert acting_for(existing)[0].verified is False
    client.get(_to_provider(client, op))
    assert get_user(client) == existing
    assert OidcLink.objects.get().user == existing
    assert Person.objects.get().assurance == Person.Assurance.PROVINCE
    assert acting_for(existing)[0].verified is True


def test_sign_on_takes_the_id_number_over_from_an_impostors_account(client, op, caplog):
    """Review #4: someone self-registered the real person's number (another name, another
    mobile, his password). The real person's province login gets a new verified account; the
    impostor's loses the number, its password, its sessions and its memberships, and is told
    why on its next sign-in attempt. The log keeps the record without the number."""
    from django.test import Client

    impostor = applicant_create(
        name="假冒者",
        id_number=id_number(51),
        mobile="13907378101",
        source=Person.Source.REGISTERED,
        password=PASSWORD,
    )
    other = Client()
    assert (
        other.post(
            "/accounts/login/", {"username": id_number(51), "password": PASSWORD}
        ).status_code
        == 302
    )
    now = timezone.now()
    org = Organisation.objects.create(
        name="假冒者登记的公司",
        credit_code=credit_code(52),
        legal_rep_name="假冒者",
        legal_rep_id=id_number(53),
        registered_by=impostor,
        created_at=now,
    )
    Membership.objects.create(
        organisation=org,
        user=impostor,
        role="admin",
        granted_by=impostor,
        granted_at=now,
        accepted_at=now,
    )
    with caplog.at_level("WARNING", logger="onewindow.accounts"):
        client.get(_to_provider(client, op))
    real = get_user(client)
    assert real.is_authenticated and real != impostor
    assert real.person.assurance == Person.Assurance.PROVINCE and acting_for(real)[0].verified
    assert real.identity_digest == crypto.digest(id_number(51))
    impostor.refresh_from_db()
    assert impostor.identity_digest == "" and not impostor.has_usable_password()
    old = Person.objects.get(user=impostor)
    assert old.released_at is not None and old.id_number == ""
    assert acting_for(impostor) == []
    assert not Membership.objects.filter(user=impostor, revoked_at__isnull=True).exists()
    # The impostor's session ended; his password opens nothing, and the page says why.
    assert not get_user(other).is_authenticated
    assert IdentityBackend().authenticate(None, username=id_number(51), password=PASSWORD) is None
    for username in (id_number(51), "13907378101"):
        page = Client().post("/accounts/login/", {"username": username, "password": PASSWORD})
        assert "已由本人通过省统一身份认证核验" in page.content.decode()
    record = [r.getMessage() for r in caplog.records if "identity released" in r.getMessage()]
    assert record and f"account {impostor.pk}" in record[0] and id_number(51) not in record[0]


def test_a_province_legal_person_claim_verifies_the_organisation(client, op):
    """Review #1 (a): the province's legal-person claim (configurable, here credit_code) for a
    code the user registered verifies it, at sign-on or when registering afterwards."""
    op.claims["credit_code"] = [credit_code(54), credit_code(55)]
    user = applicant_create(
        name="刘德明",
        id_number=id_number(51),
        mobile="13907375151",
        source=Person.Source.OIDC,
        password=None,
        assurance=Person.Assurance.PROVINCE,
    )
    now = timezone.now()
    pending = Organisation.objects.create(
        name="刘德明的公司",
        credit_code=credit_code(54),
        legal_rep_name="刘德明",
        legal_rep_id=id_number(51),
        registered_by=user,
        created_at=now,
    )
    Membership.objects.create(
        organisation=pending,
        user=user,
        role="admin",
        granted_by=user,
        granted_at=now,
        accepted_at=now,
    )
    client.get(_to_provider(client, op))
    pending.refresh_from_db()
    assert pending.verified_how == "province" and pending.verified_by == user
    response = client.post(
        "/accounts/organisations/new/",
        {
            "name": "刘德明的第二家公司",
            "credit_code": credit_code(55),
            "legal_rep_name": "刘德明",
            "legal_rep_id": id_number(51),
        },
        follow=True,
    )
    assert "已由省统一身份认证（法人）核验" in response.content.decode()
    assert all(i.verified for i in acting_for(user))
    assert Organisation.objects.filter(verified_at__isnull=True).count() == 0


def test_a_desk_verified_account_gets_its_person_record(client, op):
    zhang = User.objects.get(username="applicant")
    zhang.identity_digest = crypto.digest(id_number(51))
    zhang.save(update_fields=["identity_digest"])
    client.get(_to_provider(client, op))
    assert get_user(client) == zhang
    assert Person.objects.get().user == zhang and zhang.person.id_number == id_number(51)


def test_a_wrong_state_is_refused(client, op):
    location = _to_provider(client, op)
    state = location.split("state=")[1]
    response = client.get(location.replace(f"state={state}", "state=forged"))
    assert response.status_code == 400
    assert "登录请求校验失败（状态参数不符）" in response.content.decode()
    assert not get_user(client).is_authenticated
    _no_account_made()
    # The flow is spent: the genuine answer afterwards is refused too.
    late = client.get(location)
    assert late.status_code == 400 and "登录已超时或已完成" in late.content.decode()
    _no_account_made()


def test_a_token_signed_with_another_key_is_refused(client, op):
    op.sign_with = RSAKey.generate_key(2048, parameters={"kid": "op-1"})
    response = client.get(_to_provider(client, op))
    assert response.status_code == 400
    assert "登录凭证签名无效" in response.content.decode()
    assert not get_user(client).is_authenticated
    _no_account_made()


def test_a_nonce_mismatch_is_refused(client, op):
    op.nonce_override = "another-nonce"
    response = client.get(_to_provider(client, op))
    assert response.status_code == 400 and "可能被重放" in response.content.decode()
    _no_account_made()


def test_an_expired_token_is_refused(client, op):
    op.lifetime = -120  # expired two minutes ago, beyond the one-minute leeway
    response = client.get(_to_provider(client, op))
    assert response.status_code == 400 and "已过期或来源不符" in response.content.decode()
    _no_account_made()


def test_a_missing_id_claim_is_refused(client, op):
    del op.claims["id_card"]
    response = client.get(_to_provider(client, op))
    assert response.status_code == 400
    assert "省统一身份认证未提供您的身份证号码" in response.content.decode()
    _no_account_made()


def test_the_id_claim_name_is_configurable(client, op, settings):
    settings.ONEWINDOW_OIDC_ID_CLAIM = "certNo"
    op.claims["certNo"] = op.claims.pop("id_card")
    assert client.get(_to_provider(client, op)).status_code == 302
    assert get_user(client).identity_digest == crypto.digest(id_number(51))


def test_an_invalid_id_claim_is_refused(client, op):
    op.claims["id_card"] = "430922198501010018"
    response = client.get(_to_provider(client, op))
    assert response.status_code == 400 and "未通过校验" in response.content.decode()
    _no_account_made()


def test_a_name_claim_is_escaped_on_the_pages(client, op):
    op.claims["name"] = "<script>x</script>"
    response = client.get(_to_provider(client, op))
    # Not a name: no account is made from it, and the page says why.
    assert response.status_code == 400 and "未提供有效的姓名" in response.content.decode()
    assert "<script>x</script>" not in response.content.decode()
    _no_account_made()


def test_the_provider_refusing_is_a_chinese_page(client, op):
    client.get("/accounts/oidc/login/")
    response = client.get("/accounts/oidc/callback/?error=access_denied&state=x")
    assert response.status_code == 400 and "您已取消省统一身份认证登录" in response.content.decode()
    _no_account_made()


def test_an_unreachable_provider_is_a_chinese_page(client, settings):
    cache.clear()
    settings.ONEWINDOW_OIDC_ISSUER = "http://127.0.0.1:9"  # nothing listens on the discard port
    settings.ONEWINDOW_OIDC_CLIENT_ID = "onewindow"
    response = client.get("/accounts/oidc/login/")
    assert response.status_code == 400
    assert "暂时无法连接省统一身份认证平台" in response.content.decode()


def test_off_when_not_configured(client, settings):
    settings.ONEWINDOW_OIDC_ISSUER = ""
    assert "省统一身份认证登录" not in client.get("/accounts/login/").content.decode()
    assert client.get("/accounts/oidc/login/").status_code == 404
    assert client.get("/accounts/oidc/callback/?code=x&state=y").status_code == 404


def test_the_login_page_shows_the_button_when_configured(client, op):
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/oidc/login/"' in page and "省统一身份认证登录" in page
