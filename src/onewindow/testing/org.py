"""Organisation factories: regions, units with sections, halls, window posts, staff and
accounts by role. Made through `onewindow.org.services`; see `factories` for the rest."""

import factory
from factory.django import DjangoModelFactory
from stdnum.cn import ric, uscc

from onewindow.org import services as org_services
from onewindow.org.models import Hall, Region, Section, Staff, Unit, User, WindowPost
from onewindow.org.roles import RoleCode

PASSWORD = "Factory-Pass-2026"
OFFICE_USERNAME = "factory-office"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def person_name(n: int) -> str:
    return SURNAMES[n % len(SURNAMES)] + GIVEN[(n // len(SURNAMES)) % len(GIVEN)] + "华"


def credit_code(n: int, head: str = "11") -> str:
    """A valid unified social credit code; the "FT" organisation-code prefix is the factories'."""
    body = f"{head}430922FT{n % 10**7:07d}"
    return body + uscc.calc_check_digit(body)


def id_number(n: int = 0) -> str:
    """A valid resident ID number (checksum right) of someone born in Taojiang in 1980."""
    body = f"430922198001{1 + n % 28:02d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum reads the first 17 of 18


def applicant(n: int = 0, **overrides) -> dict:
    data = {
        "applicant_kind": "person",
        "applicant_name": person_name(n),
        "applicant_id": id_number(n),
        "phone": f"1380737{n % 10**4:04d}",
    }
    data.update(overrides)
    return data


def office() -> User:
    """The inactive account the factories act as for catalogue and letter services: the reform
    office and the hall manager. Inactive, so it never signs in nor receives messages."""
    user = User.objects.filter(username=OFFICE_USERNAME).first()
    if user is None:
        user = org_services.user_create(
            username=OFFICE_USERNAME,
            password=PASSWORD,
            display_name="测试数据",
            roles=[RoleCode.REFORM_OFFICE, RoleCode.HALL_MANAGER],
        )
        User.objects.filter(pk=user.pk).update(is_active=False)
    return user


# --- org ----------------------------------------------------------------------------------


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region

    code = factory.Sequence(lambda n: f"4399{n:08d}")
    name = factory.Sequence(lambda n: f"测试区划{n}")
    level = Region.Level.COUNTY
    parent = None

    @classmethod
    def _create(cls, model_class, **kwargs):
        return org_services.region_create(**kwargs)


class UnitFactory(DjangoModelFactory):
    """A reform unit with its approval section (行政审批服务股, the lead section) and an
    ordinary one (业务股)."""

    class Meta:
        model = Unit
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试县第{n}局")
    short_name = factory.Sequence(lambda n: f"测{n}局")
    credit_code = factory.Sequence(credit_code)
    region = factory.SubFactory(RegionFactory)
    kind = Unit.Kind.COUNTY_DEPT
    in_reform = True

    @classmethod
    def _create(cls, model_class, **kwargs):
        return org_services.unit_create(**kwargs)

    @factory.post_generation
    def sections(unit, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        lead = org_services.section_create(
            unit=unit,
            name="行政审批服务股",
            mode=Section.Mode.SEPARATE,
            hall_presence=Section.HallPresence.WHOLE,
        )
        org_services.section_create(unit=unit, name="业务股")
        org_services.unit_set_leadership(unit=unit, leader_in_charge=None, lead_section=lead)


class SectionFactory(DjangoModelFactory):
    class Meta:
        model = Section

    unit = factory.SubFactory(UnitFactory, sections=False)
    name = factory.Sequence(lambda n: f"测试股{n}")
    mode = Section.Mode.ORDINARY

    @classmethod
    def _create(cls, model_class, **kwargs):
        return org_services.section_create(**kwargs)


class UserFactory(DjangoModelFactory):
    """An account with `roles` (RoleCode values); the password is PASSWORD."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(person_name)
    roles = ()
    is_superuser = False

    @classmethod
    def _create(cls, model_class, **kwargs):
        return org_services.user_create(password=PASSWORD, **kwargs)


class ApplicantFactory(UserFactory):
    """An applicant account whose verified identity is `identity` (a resident ID number)."""

    username = factory.Sequence(lambda n: f"applicant{n}")
    roles = (RoleCode.APPLICANT,)

    @classmethod
    def _create(cls, model_class, identity=None, **kwargs):
        user = super()._create(model_class, **kwargs)
        return org_services.applicant_verify(
            user=user, kind="person", number=identity or id_number(user.pk)
        )


class StaffFactory(DjangoModelFactory):
    """A staff member; with `role`, also their login holding that role."""

    class Meta:
        model = Staff

    class Params:
        role = None

    unit = factory.SubFactory(UnitFactory)
    section = factory.LazyAttribute(lambda o: o.unit.lead_section)
    name = factory.Sequence(person_name)
    mobile = factory.Sequence(lambda n: f"139{n % 10**8:08d}")
    title = "科员"
    user = factory.Maybe(
        "role",
        factory.SubFactory(
            UserFactory,
            roles=factory.LazyAttribute(lambda o: [o.factory_parent.role]),
            display_name=factory.SelfAttribute("..name"),
        ),
        None,
    )

    @classmethod
    def _create(cls, model_class, **kwargs):
        return org_services.staff_create(**kwargs)


def staff_user(role: str, **staff_fields) -> User:
    """A login holding `role`, linked to a new staff member (of a new unit unless given)."""
    return StaffFactory(role=role, **staff_fields).user


class HallFactory(DjangoModelFactory):
    class Meta:
        model = Hall

    name = factory.Sequence(lambda n: f"测试政务服务大厅{n}")
    kind = Hall.Kind.COUNTY
    region = factory.SubFactory(RegionFactory)
    address = "测试路1号"
    hours = "工作日 8:30-17:30"

    @classmethod
    def _create(cls, model_class, **kwargs):
        return org_services.hall_create(**kwargs)


class WindowPostFactory(DjangoModelFactory):
    """A window post with an A and a B clerk of one unit, serving that unit (or `units`)."""

    class Meta:
        model = WindowPost

    hall = factory.SubFactory(HallFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    name = factory.Sequence(lambda n: f"测试窗口{n}")
    kind = WindowPost.Kind.DEPARTMENT
    staff_a = factory.SubFactory(StaffFactory, role=RoleCode.WINDOW_CLERK)
    staff_b = factory.SubFactory(
        StaffFactory, role=RoleCode.WINDOW_CLERK, unit=factory.SelfAttribute("..staff_a.unit")
    )
    units = factory.LazyAttribute(lambda o: [o.staff_a.unit])

    @classmethod
    def _create(cls, model_class, **kwargs):
        return org_services.window_post_create(**kwargs)
