"""Factories for tests. Each object is made through the product's own services, so it passes
the same validation as one made on a page, and cases get their events, chain and outbox rows.
Nothing here reads the demo county: names, codes and numbers come from sequences, chosen so
they never collide with the demo's (which the suite still loads for the browser tests).

`DeskFactory` builds the usual working set of one unit: its window post in a hall, the window
supervisor, team leader, two clerks (A and B) and a reviewer, two published items entered in
the hall and a filed authorization letter. `CaseFactory(state=...)` moves a case there through
the services with those people."""

import dataclasses
import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from onewindow.catalog import services as catalog_services
from onewindow.catalog.models import CombinedService, Item
from onewindow.mandates import services as mandate_services
from onewindow.mandates.models import ItemPower, Letter
from onewindow.org import services as org_services
from onewindow.org.models import Hall, Unit, User, WindowPost
from onewindow.org.roles import RoleCode
from onewindow.testing.org import (  # noqa: F401 (one import place for the tests)
    PASSWORD,
    ApplicantFactory,
    HallFactory,
    RegionFactory,
    SectionFactory,
    StaffFactory,
    UnitFactory,
    UserFactory,
    WindowPostFactory,
    applicant,
    credit_code,
    id_number,
    office,
    person_name,
    staff_user,
)

# --- catalogue ----------------------------------------------------------------------------

MATERIALS = (
    {"name": "申请表", "originals": 1, "copies": 0},
    {"name": "营业执照", "originals": 0, "copies": 1, "is_main": False, "rongque": True},
)


class ItemFactory(DjangoModelFactory):
    """An application-based item with two materials (the second a minor one that may come
    later), published and entered in the physical hall unless `status` / `hall_status` say
    otherwise. The `instant` trait makes it an instant item (即办件)."""

    class Meta:
        model = Item

    class Params:
        instant = factory.Trait(case_kind=Item.CaseKind.INSTANT, promised_limit=0)

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"测试许可事项{n}")
    item_type = "01"
    basic_code = factory.Sequence(lambda n: f"4301{n % 10**5:05d}000")
    relation = Item.Relation.INDEPENDENT
    level = "4"
    legal_limit = 20
    promised_limit = 5
    case_kind = Item.CaseKind.PROMISED
    legal_basis = "《测试条例》第一条"
    conditions = "申请材料齐全、符合法定形式"
    materials = MATERIALS
    status = Item.Status.PUBLISHED
    hall_status = Item.HallStatus.ENTERED
    supervised = True
    life_events = ()

    @classmethod
    def _create(
        cls, model_class, unit, materials, status, hall_status, supervised, life_events, **data
    ):
        who = office()
        item = catalog_services.item_create(
            acting_user=who,
            unit=unit,
            data=data,
            materials=[dict(m) for m in materials],
            life_events=life_events,
        )
        if status == Item.Status.PUBLISHED:
            item = catalog_services.item_publish(acting_user=who, item=item)
            item = catalog_services.item_set_hall_status(
                acting_user=who,
                item=item,
                data={"hall_status": hall_status, "supervised": supervised},
            )
        return Item.objects.get(pk=item.pk)


class CombinedServiceFactory(DjangoModelFactory):
    """A published 一件事 of two items of two units (new ones unless `items` is given), led by
    the first item's unit; every member in stage 1 unless `stages` (item id -> stage)."""

    class Meta:
        model = CombinedService

    name = factory.Sequence(lambda n: f"测试一件事{n}")
    items = factory.LazyFunction(lambda: [ItemFactory(), ItemFactory()])
    lead_unit = factory.LazyAttribute(lambda o: o.items[0].unit)
    promised_limit = 10
    description = "测试用一件事"
    stages = None
    published = True
    life_events = ()

    @classmethod
    def _create(cls, model_class, items, stages, published, life_events, **data):
        who = office()
        service = catalog_services.combined_save(
            acting_user=who, data=data, items=list(items), stages=stages, life_events=life_events
        )
        if published:
            service = catalog_services.combined_publish(acting_user=who, service=service)
        return service


# --- authorization letters ----------------------------------------------------------------


def letter_dates() -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    return today - datetime.timedelta(days=150), today + datetime.timedelta(days=3 * 365)


class LetterFactory(DjangoModelFactory):
    """An authorization letter of `unit` naming a window supervisor and team leader (new staff
    of the unit unless given), valid from five months ago for three years. `powers` is a list
    of {item, power, ...} rows; by default the powers S5 suggests for the unit's hall items
    (decision for instant items, first review for the rest). Filed unless `status` says
    otherwise."""

    class Meta:
        model = Letter

    unit = factory.SubFactory(UnitFactory)
    legal_representative = "测试局长"
    supervisor = factory.SubFactory(
        StaffFactory,
        unit=factory.SelfAttribute("..unit"),
        role=RoleCode.WINDOW_SUPERVISOR,
        title="副局长",
    )
    team_leader = factory.SubFactory(
        StaffFactory,
        unit=factory.SelfAttribute("..unit"),
        role=RoleCode.TEAM_LEADER,
        title="股长",
    )
    clauses = (1, 2, 3, 4, 5, 6)
    valid_from = factory.LazyFunction(lambda: letter_dates()[0])
    valid_until = factory.LazyFunction(lambda: letter_dates()[1])
    powers = None
    status = Letter.Status.FILED

    @classmethod
    def _create(cls, model_class, unit, powers, status, **data):
        who = office()
        data["clauses"] = list(data["clauses"])
        letter = mandate_services.letter_create(acting_user=who, unit=unit, data=data)
        if status == Letter.Status.DRAFT:
            return letter
        rows = mandate_services.suggested_powers(letter) if powers is None else powers
        mandate_services.letter_set_powers(acting_user=who, letter=letter, powers=rows)
        letter = mandate_services.letter_sign(
            acting_user=who, letter=letter, signed_on=letter.valid_from
        )
        if status in (Letter.Status.FILED, Letter.Status.REVOKED):
            letter = mandate_services.letter_file(
                acting_user=who, letter=letter, filed_on=letter.valid_from
            )
        if status == Letter.Status.REVOKED:
            letter = mandate_services.letter_revoke(acting_user=who, letter=letter, reason="测试")
        return letter


def power_rows(items, power: str = ItemPower.Power.FIRST_REVIEW) -> list[dict]:
    return [{"item": item, "power": power, "cut_limit": None} for item in items]


# --- one unit's working set ---------------------------------------------------------------


@dataclasses.dataclass
class Desk:
    """One unit at its window: who works there, what it handles, the letter in force."""

    unit: Unit
    hall: Hall
    post: WindowPost
    winsup: User  # window supervisor (the unit's leader in charge)
    teamlead: User
    clerk: User  # A post
    clerk_b: User  # B post
    reviewer: User  # department reviewer
    item: Item  # a promised item (承诺件)
    instant_item: Item  # an instant item (即办件)
    letter: Letter | None


class DeskFactory(factory.Factory):
    class Meta:
        model = Desk

    class Params:
        with_letter = True

    unit = factory.SubFactory(UnitFactory)
    hall = factory.SubFactory(HallFactory)
    winsup = factory.LazyAttribute(
        lambda o: staff_user(RoleCode.WINDOW_SUPERVISOR, unit=o.unit, title="副局长")
    )
    teamlead = factory.LazyAttribute(
        lambda o: staff_user(RoleCode.TEAM_LEADER, unit=o.unit, title="股长")
    )
    clerk = factory.LazyAttribute(lambda o: staff_user(RoleCode.WINDOW_CLERK, unit=o.unit))
    clerk_b = factory.LazyAttribute(lambda o: staff_user(RoleCode.WINDOW_CLERK, unit=o.unit))
    reviewer = factory.LazyAttribute(
        lambda o: staff_user(RoleCode.DEPT_REVIEWER, unit=o.unit, title="审核员")
    )
    post = factory.LazyAttribute(
        lambda o: WindowPostFactory(
            hall=o.hall, staff_a=o.clerk.staff, staff_b=o.clerk_b.staff, units=[o.unit]
        )
    )
    item = factory.SubFactory(ItemFactory, unit=factory.SelfAttribute("..unit"))
    instant_item = factory.SubFactory(
        ItemFactory, unit=factory.SelfAttribute("..unit"), instant=True
    )
    letter = factory.Maybe(
        "with_letter",
        factory.LazyAttribute(
            lambda o: LetterFactory(
                unit=o.unit, supervisor=o.winsup.staff, team_leader=o.teamlead.staff
            )
        ),
        None,
    )

    @classmethod
    def _create(cls, model_class, **kwargs):
        desk = model_class(**kwargs)
        org_services.unit_set_leadership(
            unit=desk.unit,
            leader_in_charge=desk.winsup.staff,
            lead_section=desk.unit.lead_section,
        )
        return desk


def __getattr__(name: str):
    # The case factories live in testing.cases (which imports this module); read through here.
    if name in ("CaseFactory", "ApiClientFactory"):
        from onewindow.testing import cases

        return getattr(cases, name)
    raise AttributeError(name)
