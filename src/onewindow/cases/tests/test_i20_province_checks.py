"""Issue 20 part 3, after review: what a provincial refusal keeps and tells (no part of an ID
number), the codes of our own code sets accepted inbound, one refusal row when the same body
comes twice at once, and each file hashed once."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onewindow.cases.models import Case, ProvinceApplication
from onewindow.cases.tests.conftest import APPLICANT, id_number
from onewindow.cases.tests.test_i20_province_intake import PDF, PNG, _refused, application, push
from onewindow.testing.factories import ApiClientFactory, DeskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(scope="module")
def _module_desk(module_db):
    return DeskFactory(item__handling_forms="1,2", item__online_depth=4)


@pytest.fixture
def desk(_desk):
    """A copy of the module's desk (conftest.module_db), built once for the module."""
    return _desk


@pytest.fixture
def platform():
    return ApiClientFactory(name="湖南省一体化平台", province_platform=True)


@pytest.mark.parametrize(
    ("who", "cut"),
    [
        ("applicant", lambda n: n[:6] + "19901340" + n[14:]),  # no such birth date
        ("applicant", lambda n: id_number("999999" + n[6:17])),  # no such address code
        ("agent", lambda n: n[:6] + "19901340" + n[14:]),
    ],
)
def test_a_refusal_keeps_and_tells_no_part_of_the_id_number(client, platform, desk, who, cut):
    """The validators name the birth date or the address code of a wrong number: a provincial
    refusal (kept in plain text, shown on /cases/province/, answered to the platform) says what
    is wrong without any of its digits."""
    bad = cut(APPLICANT["applicant_id"])
    applicant = dict(application(desk.item)["applicant"])
    if who == "agent":
        applicant.update(agent_name="李四", agent_id=bad)
    else:
        applicant["id_number"] = bad
    refused = _refused(client, platform, application(desk.item, "G1", applicant=applicant))
    assert refused["code"] == ("agent_id_invalid" if who == "agent" else "id_invalid")
    reason = ProvinceApplication.objects.get(application_id="G1").reason
    assert "居民身份证号码" in reason and ("代理人" in reason) == (who == "agent")
    for text in (reason, refused["detail"]):
        assert bad[:6] not in text and bad[6:14] not in text
        assert not any(ch.isdigit() for ch in text.replace("18位", "")), text


def test_the_same_refusal_at_once_on_two_connections_is_one_row_of_two_attempts():
    """Two deliveries of one refused body at the same moment: the row does not exist yet, so
    there is nothing to lock; the later insert meets the unique (number, body) and counts one
    more attempt on the row the other made, instead of failing (a 500, a pull job stopped).
    PostgreSQL, real connections."""
    from django.db import connection
    from django.utils import timezone

    from onewindow.cases.services import province
    from onewindow.cases.tests.test_concurrency import _alone, _race

    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (scripts/run-tests runs it there)")

    def refuse(number):
        return province._record(
            number,
            "d" * 64,
            province.Refused("item_unknown", "本县没有该事项"),
            timezone.now(),
            via="push",
            source="省平台",
        )

    try:
        for n in range(6):  # each round a new number: a race is not certain in one round
            number = f"RACE-REFUSED-{n}"
            results = _race([lambda n=number: refuse(n), lambda n=number: refuse(n)])
            assert not [r for r in results if isinstance(r, Exception)], results
            assert sorted(results) == [False, True]  # one new refusal, one repeat
            row = _alone(lambda n=number: ProvinceApplication.objects.get(application_id=n))
            assert row.attempts == 2 and row.code == "item_unknown"
    finally:
        _alone(
            lambda: ProvinceApplication.objects.filter(
                application_id__startswith="RACE-REFUSED-"
            ).delete()
        )


def test_each_file_is_read_once_for_its_hash_and_once_to_store_it(desk, media):
    """The digest, the type check and the stored SHA-256 share one hash of each file; a file
    is read whole twice: that hash, and the write to storage."""
    from onewindow.cases.services import province

    reads: dict[str, int] = {}

    class Counted(SimpleUploadedFile):
        def chunks(self, chunk_size=None):
            reads[self.name] = reads.get(self.name, 0) + 1
            return super().chunks(chunk_size)

    def read(ref):
        return Counted(ref.name, PDF if ref.name.endswith(".pdf") else PNG)

    got = province.province_receive(
        data=application(desk.item), read_file=read, source="省平台", via="push"
    )
    assert got.created
    assert reads == {"申请表.pdf": 2, "营业执照.png": 2}
    form = got.case.materials.get(name="申请表")
    assert form.sha256 == hashlib.sha256(PDF).hexdigest() and form.size == len(PDF)


@pytest.mark.parametrize(
    ("kind", "id_type"),
    [
        ("", "001"),  # the code our own push sends for 统一社会信用代码 (national.py)
        ("organisation", "001"),
        ("2", "001"),  # 申请人类型 by its code (表5)
        ("", "统一社会信用代码"),
    ],
)
def test_an_organisation_is_known_by_the_codes_of_our_own_code_set(
    client, platform, desk, kind, id_type
):
    from stdnum.cn import uscc

    credit = "91430922MA4L000001"
    credit = credit[:17] + uscc.calc_check_digit(credit[:17])
    applicant = dict(
        application(desk.item)["applicant"],
        kind=kind,
        id_type=id_type,
        id_number=credit,
        name="桃江县某某有限公司",
    )
    response = push(client, platform, application(desk.item, "K1", applicant=applicant))
    assert response.status_code == 201, response.content
    case = Case.objects.get(province_application_id="K1")
    assert case.applicant_kind == Case.ApplicantKind.ORGANISATION and case.applicant_id == credit


def test_a_person_by_code_and_a_mismatch_by_code(client, platform, desk):
    person = dict(application(desk.item)["applicant"], kind="1", id_type="111")
    assert push(client, platform, application(desk.item, "K2", applicant=person)).status_code == 201
    mismatch = dict(application(desk.item)["applicant"], kind="person", id_type="001")
    refused = _refused(client, platform, application(desk.item, "K3", applicant=mismatch))
    assert refused["code"] == "id_type" and "统一社会信用代码" in refused["detail"]


def test_refusals_kept_before_are_rewritten_without_the_numbers_parts():
    """Migration 0025: a reason recorded with the validators' own message loses the number's
    parts; other reasons stay as they were."""
    import importlib

    from django.apps import apps
    from django.utils import timezone

    migration = importlib.import_module(
        "onewindow.cases.migrations.0025_province_refusal_reasons_without_numbers"
    )
    now = timezone.now()
    loud = "申请人信息有误：代理人居民身份证号码中的出生日期“19901340”不存在，请核对。"
    rows = {
        number: ProvinceApplication.objects.create(
            application_id=number,
            digest=number * 8,
            via="push",
            source="省平台",
            code=code,
            reason=reason,
            first_at=now,
            last_at=now,
        )
        for number, code, reason in [
            ("M1", "agent_id_invalid", loud),
            (
                "M2",
                "id_invalid",
                "申请人信息有误：居民身份证号码前6位地址码“999999”不是有效的行政区划代码，请核对。",
            ),
            ("M3", "id_invalid", "申请人信息有误：居民身份证号码的校验位不正确，请核对。"),
            ("M4", "item_unknown", "本县没有实施编码为“11430922MB0000000X4000104099000”的事项"),
        ]
    }
    migration.forward(apps, None)
    after = {n: ProvinceApplication.objects.get(pk=r.pk).reason for n, r in rows.items()}
    assert after["M1"] == "申请人信息有误：代理人证件号码不符合要求，请核对。"
    assert after["M2"] == "申请人信息有误：证件号码不符合要求，请核对。"
    assert after["M3"] == rows["M3"].reason and after["M4"] == rows["M4"].reason
