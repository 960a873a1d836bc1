"""Demo authorization: a filed letter for every reform unit with items in the hall (powers as
S5 suggests), seals, and a few first-asked records. Idempotent."""

import datetime

from django.db import transaction

from onewindow.mandates import services
from onewindow.mandates.models import Enquiry, Letter, Seal
from onewindow.org.models import Unit, User, WindowPost

VALID_FROM, VALID_UNTIL = datetime.date(2026, 6, 20), datetime.date(2029, 6, 19)
SIGNED, FILED = datetime.date(2026, 6, 18), datetime.date(2026, 6, 20)
# Kept without a seal, so the hall's seal table has something true to show.
NO_SEAL = {"县统计局": ("印章正在刻制，待公安机关备案。", "2026年12月底前完成刻制并启用。")}


@transaction.atomic
def load() -> dict[str, int]:
    reform = User.objects.get(username="reform")
    hallmgr = User.objects.get(username="hallmgr")
    units = Unit.objects.filter(in_reform=True).select_related(
        "leader_in_charge", "lead_section__head"
    )
    for unit in units:
        if Letter.objects.filter(unit=unit).exists():
            continue
        section = unit.lead_section
        if unit.leader_in_charge is None or section is None or section.head is None:
            continue  # S1 not done yet: no one to authorize
        if not services.hall_items(unit.pk).exists():
            continue
        letter = services.letter_create(
            acting_user=reform,
            unit=unit,
            data={
                "legal_representative": f"{unit.short_name}局长",
                "supervisor": unit.leader_in_charge,
                "team_leader": section.head,
                "clauses": [1, 2, 3, 4, 5, 6],
                "valid_from": VALID_FROM,
                "valid_until": VALID_UNTIL,
            },
        )
        services.letter_set_powers(
            acting_user=reform, letter=letter, powers=services.suggested_powers(letter)
        )
        services.letter_sign(acting_user=reform, letter=letter, signed_on=SIGNED)
        services.letter_file(acting_user=hallmgr, letter=letter, filed_on=FILED)
    for unit in units:
        if Seal.objects.filter(unit=unit).exists():
            continue
        reason = NO_SEAL.get(unit.short_name)
        custodian = unit.lead_section.head if unit.lead_section else None
        if reason or custodian is None:
            services.seal_save(
                acting_user=reform,
                unit=unit,
                data={
                    "enabled": False,
                    "reason_not_enabled": reason[0] if reason else "审批服务股室尚未明确。",
                    "plan": reason[1] if reason else "明确牵头股室后启用。",
                },
            )
        else:
            services.seal_save(
                acting_user=reform,
                unit=unit,
                data={"enabled": True, "enabled_on": FILED, "custodian": custodian},
            )
    clerk = User.objects.get(username="clerk")
    if not Enquiry.objects.exists():
        post = WindowPost.objects.filter(units__short_name="县住建局").first()
        services.enquiry_record(
            acting_user=clerk, question="开餐馆要办哪些证？", outcome=Enquiry.Outcome.HANDLED
        )
        services.enquiry_record(
            acting_user=clerk,
            question="建房规划许可在哪里办？",
            outcome=Enquiry.Outcome.GUIDED,
            guided_to=post,
        )
    return {"letters": Letter.objects.count(), "seals": Seal.objects.count()}
