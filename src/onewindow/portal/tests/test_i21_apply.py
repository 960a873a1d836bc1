"""网上申请 (issue 21 item 2): an applicant applies online from the guide with uploads, saves
and resumes a draft, and submits it once into the window's online queue; bad input is refused
with a specific message and a failed submission leaves the draft as it was."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from onewindow.accounts import services as accounts
from onewindow.accounts.tests.util import credit_code
from onewindow.accounts.tests.util import id_number as acct_id
from onewindow.cases.actions import queues
from onewindow.cases.models import Case, CaseMaterial, Channel, CombinedCase
from onewindow.cases.tests.conftest import id_number
from onewindow.catalog.models import Item, Material
from onewindow.exchange.models import Outbox
from onewindow.portal import drafts
from onewindow.portal.models import Commitment, Draft, DraftFile
from onewindow.testing import org as testing_org
from onewindow.testing.factories import (
    ApplicantFactory,
    CombinedServiceFactory,
    ItemFactory,
)

pytestmark = pytest.mark.django_db
MY_ID = testing_org.id_number(11)
OTHER_ID = id_number("43092219900202123")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
JPG = b"\xff\xd8\xff\xe0" + b"\0" * 64


def pdf(name="申请表.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def item(desk):
    return ItemFactory(unit=desk.unit, handling_forms="1,2", online_depth=4)


@pytest.fixture
def me(db):
    return ApplicantFactory(identity=MY_ID, display_name="张三")


def _materials(item):
    main, minor = item.materials.all()  # 申请表 (required), 营业执照 (required, 容缺)
    return main, minor


def _form(item, **extra):
    main, minor = _materials(item)
    data = {
        "version": "1",
        "applicant_as": "self",
        "own_id": MY_ID,
        "phone": "13807371234",
        "delivery": "collect",
        f"m{minor.pk}": "paper",
        f"m{main.pk}": pdf(),
        "action": "save",
    }
    data.update(extra)
    return data


def _start(client, item, **extra) -> Draft:
    response = client.post(f"/guide/items/{item.code}/apply/", _form(item, **extra))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Draft.objects.get(owner__username=client.session_user)


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client


@pytest.fixture
def applicant_client(client, me):
    client.force_login(me)
    client.session_user = me.username
    return client


# --- the guide's button ------------------------------------------------------------------------


def test_guide_offers_online_application_only_where_the_item_allows_it(client, item, desk):
    page = client.get(f"/guide/items/{item.code}/").content.decode()
    assert f"/guide/items/{item.code}/apply/" in page and "在线申请" in page
    offline = desk.instant_item  # the factory's default: 窗口办理 only, depth 1
    page = client.get(f"/guide/items/{offline.code}/").content.decode()
    assert "/apply/" not in page and "暂未开通网上申请" in page
    # Not logged in: the login page, then back to the form.
    response = client.get(f"/guide/items/{item.code}/apply/")
    assert response.status_code == 302
    assert f"next=/guide/items/{item.code}/apply/" in response["Location"]


def test_the_form_is_prefilled_from_the_account_and_labelled(applicant_client, item):
    page = applicant_client.get(f"/guide/items/{item.code}/apply/").content.decode()
    assert "张三" in page and "申请表" in page and "营业执照" in page
    assert 'for="f' in page and "到窗口时提交纸质材料" in page and "保存草稿" in page


# --- the whole path ------------------------------------------------------------------------------


def test_apply_online_waits_in_the_window_online_queue_like_an_api_application(
    applicant_client, item, desk
):
    draft = _start(applicant_client, item)
    assert draft.files.count() == 1 and draft.version == 2
    page = applicant_client.get(f"/me/applications/{draft.pk}/").content.decode()
    assert "已上传：申请表.pdf" in page
    response = applicant_client.post(
        f"/me/applications/{draft.pk}/", {**_form(item, version="2", action="submit")}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    case = draft.submitted_case
    assert case.channel == Channel.ONLINE and case.source == "portal"
    assert case.client_key == f"draft-{draft.pk}" and case.applicant_name == "张三"
    assert case.applicant_id == MY_ID and case.state == "received"
    main, minor = _materials(item)
    rows = {r.material_id: r for r in case.materials.all()}
    assert rows[main.pk].status == CaseMaterial.Status.UPLOADED
    assert rows[main.pk].file.read() == PDF and rows[main.pk].sha256
    assert rows[minor.pk].status == CaseMaterial.Status.MISSING
    assert rows[minor.pk].note == drafts.PAPER_NOTE
    # The clerk's online queue lists it, and the push outbox has its submit event.
    listed = queues.cases(queues.by_key("cases:workbench", "online"), desk.clerk)
    assert case.pk in set(listed.values_list("pk", flat=True))
    event = Outbox.objects.get(key=f"case-{case.pk}")
    assert event.payload["action"] == "submit" and event.payload["channel"] == "online"
    # 我的申请 lists it as submitted.
    listing = applicant_client.get("/me/applications/").content.decode()
    assert "已提交的申请" in listing and item.name in listing


def test_submitting_twice_makes_one_case(applicant_client, item, me):
    draft = _start(applicant_client, item)
    first = drafts.draft_submit(acting_user=me, draft=draft, version=2)
    again = drafts.draft_submit(acting_user=me, draft=draft, version=2)
    assert first.pk == again.pk
    response = applicant_client.post(
        f"/me/applications/{draft.pk}/", _form(item, version="2", action="submit")
    )
    assert response.status_code == 200  # the submitted page: nothing posted again
    assert Case.objects.filter(source="portal").count() == 1


def test_combined_application_is_one_form_with_the_merged_materials(applicant_client, me):
    a = ItemFactory(handling_forms="1,2", online_depth=4)
    b = ItemFactory(handling_forms="2", online_depth=2)
    service = CombinedServiceFactory(items=[a, b])
    page = applicant_client.get(f"/guide/combined/{service.pk}/").content.decode()
    assert f"/guide/combined/{service.pk}/apply/" in page
    form = applicant_client.get(f"/guide/combined/{service.pk}/apply/").content.decode()
    assert form.count("申请表") >= 1
    lines = drafts.checklist(Draft(owner=me, service=service))
    assert len(lines) == 2  # 申请表 and 营业执照, each once for both items
    data = {
        "version": "1",
        "applicant_as": "self",
        "own_id": MY_ID,
        "phone": "13807371234",
        "delivery": "collect",
        f"m{lines[0].key}": pdf(),
        f"m{lines[1].key}": "paper",
        "action": "submit",
    }
    response = applicant_client.post(f"/guide/combined/{service.pk}/apply/", data)
    assert response.status_code == 302
    draft = Draft.objects.get(owner=me)
    parent = draft.submitted_combined
    assert isinstance(parent, CombinedCase) and parent.channel == Channel.ONLINE
    children = list(parent.children.all())
    assert len(children) == 2
    for child in children:
        uploaded = child.materials.get(status=CaseMaterial.Status.UPLOADED)
        assert uploaded.file.read() == PDF


# --- save and resume ---------------------------------------------------------------------------


def test_a_draft_resumes_on_another_device_and_a_stale_save_is_refused(
    applicant_client, item, me, client_factory
):
    draft = _start(applicant_client, item)
    other = client_factory()
    other.force_login(me)  # the same account on a phone
    page = other.get("/me/applications/").content.decode()
    assert "继续填写" in page and f"/me/applications/{draft.pk}/" in page
    assert "13807371234" in other.get(f"/me/applications/{draft.pk}/").content.decode()
    other.post(f"/me/applications/{draft.pk}/", _form(item, version="2", phone="13900001111"))
    # The first device still holds version 2: refused, not overwritten silently.
    stale = applicant_client.post(
        f"/me/applications/{draft.pk}/", _form(item, version="2", phone="13711112222")
    )
    assert stale.status_code == 409
    assert drafts.STALE in stale.content.decode()
    draft.refresh_from_db()
    assert draft.phone == "13900001111" and draft.version == 3
    # A second new form for the same item (opened before the first was saved) is not a
    # second draft: the applicant is sent to the one there is, told why.
    again = applicant_client.post(f"/guide/items/{item.code}/apply/", _form(item), follow=True)
    assert Draft.objects.count() == 1 and drafts.STALE in again.content.decode()
    draft.refresh_from_db()
    assert draft.phone == "13900001111"


def test_delete_a_draft_and_replace_or_remove_an_upload(applicant_client, item):
    draft = _start(applicant_client, item)
    main, _ = _materials(item)
    old_name = draft.files.get().file.name
    response = applicant_client.post(
        f"/me/applications/{draft.pk}/files/{main.pk}/", {"file": pdf("新申请表.png", PNG)}
    )
    assert response.status_code == 200 and response.json()["name"] == "新申请表.png"
    row = draft.files.get()
    assert row.original_name == "新申请表.png" and row.file.name != old_name
    applicant_client.post(
        f"/me/applications/{draft.pk}/", _form(item, version="2", action=f"remove-{main.pk}")
    )
    assert not draft.files.exists()
    applicant_client.post(f"/me/applications/{draft.pk}/delete/")
    assert not Draft.objects.filter(pk=draft.pk).exists()


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("申请表.pdf", PNG, "文件名为“.pdf”，但内容是PNG文件"),
        ("申请表.jpg", "这是一段文字".encode(), "只接受PDF、JPG或PNG文件"),
    ],
)
def test_an_upload_that_is_not_what_it_claims_is_refused(
    applicant_client, item, name, content, message
):
    draft = _start(applicant_client, item)
    main, _ = _materials(item)
    response = applicant_client.post(
        f"/me/applications/{draft.pk}/",
        _form(item, version="2", **{f"m{main.pk}": pdf(name, content)}),
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert draft.files.get().original_name == "申请表.pdf"  # the earlier file stands
    xhr = applicant_client.post(
        f"/me/applications/{draft.pk}/files/{main.pk}/", {"file": pdf(name, content)}
    )
    assert xhr.status_code == 400 and message in xhr.json()["error"]


def test_an_oversize_file_is_refused(applicant_client, item, settings):
    settings.CASE_UPLOAD_MAX_BYTES = 1024 * 1024
    big = pdf(content=PDF + b"0" * (1024 * 1024))
    response = applicant_client.post(
        f"/guide/items/{item.code}/apply/", _form(item, **{f"m{_materials(item)[0].pk}": big})
    )
    assert response.status_code == 400
    assert "超过上限1MB" in response.content.decode()
    assert not DraftFile.objects.exists()


def test_a_required_material_missing_is_named_at_submission(applicant_client, item, me):
    main, _ = _materials(item)
    draft = _start(applicant_client, item, **{f"m{main.pk}": ""})
    response = applicant_client.post(
        f"/me/applications/{draft.pk}/",
        _form(item, version="2", action="submit", **{f"m{main.pk}": ""}),
    )
    assert response.status_code == 400
    assert "请上传“申请表”，或选择到窗口时提交纸质材料。" in response.content.decode()
    assert not Case.objects.exists()


def test_self_is_the_account_holder_never_someone_else(applicant_client, item, me):
    draft = _start(applicant_client, item, own_id=OTHER_ID)
    response = applicant_client.post(
        f"/me/applications/{draft.pk}/", _form(item, version="2", own_id=OTHER_ID, action="submit")
    )
    assert response.status_code == 400
    assert "与账号实名认证的证件不一致" in response.content.decode()
    assert not Case.objects.exists()


def test_agent_for_another_person_with_an_invalid_id_is_refused(applicant_client, item, me):
    bad = OTHER_ID[:-1] + ("0" if OTHER_ID[-1] != "0" else "1")
    extra = {"applicant_as": "agent", "other_name": "李四", "other_id": bad}
    draft = _start(applicant_client, item, **extra)
    response = applicant_client.post(
        f"/me/applications/{draft.pk}/", _form(item, version="2", action="submit", **extra)
    )
    assert response.status_code == 400 and "校验" in response.content.decode()
    assert not Case.objects.exists()
    ok = {**extra, "other_id": OTHER_ID}
    applicant_client.post(
        f"/me/applications/{draft.pk}/", _form(item, version="3", action="submit", **ok)
    )
    case = Case.objects.get()
    assert case.applicant_name == "李四" and case.applicant_id == OTHER_ID
    assert case.agent_name == "张三" and case.agent_id == MY_ID


def test_submission_after_the_item_was_withdrawn_leaves_the_draft_intact(
    applicant_client, item, me
):
    draft = _start(applicant_client, item)
    main, _ = _materials(item)
    kept = ("applicant_as", "own_id", "phone", "choices", "delivery", "submitted_at")
    before = Draft.objects.filter(pk=draft.pk).values(*kept).get()
    files_before = list(DraftFile.objects.filter(draft=draft).values())
    Item.objects.filter(pk=item.pk).update(status=Item.Status.WITHDRAWN)
    data = _form(item, version="2", action="submit")
    del data[f"m{main.pk}"]  # no new file: submit what the draft holds
    response = applicant_client.post(f"/me/applications/{draft.pk}/", data)
    assert response.status_code == 400
    assert drafts.WITHDRAWN in response.content.decode()
    assert not Case.objects.exists() and not Outbox.objects.exists()
    assert list(DraftFile.objects.filter(draft=draft).values()) == files_before
    assert DraftFile.objects.get(draft=draft).file.read() == PDF
    assert Draft.objects.filter(pk=draft.pk).values(*kept).get() == before
    with pytest.raises(ValidationError, match="该事项已被撤销或停止网上办理"):
        drafts.draft_submit(acting_user=me, draft=draft, version=3)


def test_a_failure_inside_the_transaction_rolls_back_the_case_and_keeps_the_draft(
    applicant_client, item, me, monkeypatch
):
    """Validated, then the case's files fail to store: no case, the draft as it was."""
    draft = _start(applicant_client, item)

    def broken(**kw):
        raise OSError("disk full")

    monkeypatch.setattr(drafts, "checklist_files_store", broken)
    with pytest.raises(OSError):
        drafts.draft_submit(acting_user=me, draft=draft, version=2)
    assert not Case.objects.exists() and not Outbox.objects.exists()
    draft.refresh_from_db()
    assert draft.submitted_at is None and draft.version == 2 and draft.files.count() == 1


def test_another_users_draft_is_not_found(applicant_client, item, client_factory):
    draft = _start(applicant_client, item)
    stranger = client_factory()
    someone = ApplicantFactory()
    stranger.force_login(someone)
    assert stranger.get(f"/me/applications/{draft.pk}/").status_code == 404
    assert (
        stranger.post(f"/me/applications/{draft.pk}/", _form(item, version="2")).status_code == 404
    )
    assert stranger.post(f"/me/applications/{draft.pk}/delete/").status_code == 404
    main, _ = _materials(item)
    upload = stranger.post(f"/me/applications/{draft.pk}/files/{main.pk}/", {"file": pdf()})
    assert upload.status_code == 404
    # The services refuse too, whoever calls them.
    with pytest.raises(PermissionDenied):
        drafts.draft_submit(acting_user=someone, draft=draft, version=2)
    with pytest.raises(PermissionDenied):
        drafts.draft_save(acting_user=someone, draft=draft, data={}, version=2)
    assert Draft.objects.filter(pk=draft.pk).exists() and not Case.objects.exists()


def test_commitment_and_mail_address_are_required_and_user_text_is_escaped(applicant_client, item):
    Commitment.objects.create(item=item, text="本人承诺所填信息真实<b>有效</b>")
    draft = _start(applicant_client, item, other_name="<script>x</script>")
    page = applicant_client.get(f"/me/applications/{draft.pk}/").content.decode()
    assert "&lt;b&gt;有效&lt;/b&gt;" in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert "<script>x" not in page
    response = applicant_client.post(
        f"/me/applications/{draft.pk}/", _form(item, version="2", action="submit", delivery="mail")
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert (
        "请阅读告知承诺书，勾选同意后再提交。" in text
        and "邮寄送达请填写收件人、收件人电话、收件地址。" in text
    )
    ok = {
        "commitment": "1",
        "delivery": "mail",
        "mail_recipient": "张三",
        "mail_phone": "13807371234",
        "mail_address": "县城人民路1号",
    }
    response = applicant_client.post(
        f"/me/applications/{draft.pk}/", _form(item, version="3", action="submit", **ok)
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.submitted_case_id and draft.mail["address"] == "县城人民路1号"


def test_a_shared_material_needs_nothing_from_the_applicant(applicant_client, desk):
    item = ItemFactory(
        unit=desk.unit,
        handling_forms="2",
        online_depth=3,
        materials=(
            {"name": "申请表", "originals": 1},
            {
                "name": "户口簿",
                "source": "sharing",
                "sharing_unit": "县公安局",
                "form": "electronic",
            },
        ),
    )
    page = applicant_client.get(f"/guide/items/{item.code}/apply/").content.decode()
    assert "由政府部门共享获取" in page and "县公安局" in page
    shared = Material.objects.get(item=item, name="户口簿")
    main = Material.objects.get(item=item, name="申请表")
    data = _form(item, action="submit")
    data.pop(f"m{_materials(item)[1].pk}", None)
    data[f"m{main.pk}"] = pdf()
    response = applicant_client.post(f"/guide/items/{item.code}/apply/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    assert case.materials.get(material=shared).status == CaseMaterial.Status.SHARED


# --- registered accounts (accounts app): own number known, organisations to act for ----------


def _registered(name: str, seq: int):
    return accounts.applicant_create(
        name=name,
        id_number=acct_id(seq),
        mobile=f"1390737{seq:04d}",
        source="registered",
        password=None,
    )


def test_a_registered_person_sees_their_masked_id_and_mobile_prefilled(client, item):
    person = _registered("王芳", 41)
    client.force_login(person)
    page = client.get(f"/guide/items/{item.code}/apply/").content.decode()
    assert "王芳" in page and "4309**********" in page and "13907370041" in page
    assert 'id="own_id"' not in page  # nothing to type: the account holds the number


def test_a_companys_operator_applies_for_the_company(client, item):
    admin, operator = _registered("赵敏", 42), _registered("钱进", 43)
    org = accounts.organisation_register(
        acting_user=admin,
        name="某某<有限>公司",
        credit_code=credit_code(7),
        legal_rep_name="赵敏",
        legal_rep_id=acct_id(42),
    )
    invited = accounts.operator_grant(acting_user=admin, organisation=org, id_number=acct_id(43))
    accounts.invitation_accept(acting_user=operator, membership=invited)  # on 我的单位
    client.force_login(operator)
    page = client.get(f"/guide/items/{item.code}/apply/").content.decode()
    assert "单位：某某&lt;有限&gt;公司（经办人）" in page
    main, minor = _materials(item)
    data = {
        "version": "1",
        "applicant_as": "org",
        "organisation": org.credit_code_digest,
        "phone": "13907370043",
        "delivery": "collect",
        f"m{main.pk}": pdf(),
        f"m{minor.pk}": "paper",
        "action": "submit",
    }
    response = client.post(f"/guide/items/{item.code}/apply/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get()
    assert case.applicant_kind == "organisation" and case.applicant_name == "某某<有限>公司"
    assert case.applicant_id == credit_code(7)
    assert case.agent_name == "钱进" and case.agent_id == acct_id(43)
    # An organisation the account may not act for is refused.
    client.force_login(_registered("孙立", 44))
    other = client.post(f"/guide/items/{item.code}/apply/", {**data, f"m{main.pk}": pdf()})
    assert other.status_code == 400 and "请选择您有权代表的单位。" in other.content.decode()
    assert Case.objects.count() == 1
