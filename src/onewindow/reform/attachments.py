"""The seed's attachments 1, 2, 3 and 5 to the self-inspection report (S17), as the unit files
them: each a `Table` (title, 填报单位（盖章） line, the seed's column headers in its words and
order, one row per unit / item / section, attachment 3's seal block, the footer 审核领导 /
填报人 / 联系电话) written to XLSX here and drawn into the submission's PDF by `reform.report`.

The values come from the data: the organisation (sections, leader in charge, phones), the
catalogue (limits, case kind, supervision), the letter in force and the seal (mandates). Where
the seed asks for a reason or a plan the data does not hold, the unit's own text in
`Submission.fields` is used (`reason_<check>` / `plan_<check>`, see `reform.submissions`)."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from onewindow.catalog.codes import APPLICATION_BASED
from onewindow.catalog.models import Item
from onewindow.documents import xlsx
from onewindow.documents.dates import cn_date
from onewindow.mandates import documents as mandate_documents
from onewindow.mandates.models import Letter, Seal
from onewindow.org.models import Section, Unit
from onewindow.reform.models import Submission

NUMBERS = (1, 2, 3, 5)

ATTACHMENT1_TITLE = "主要涉改单位"
ATTACHMENT1_HEADERS = ["序号", "单位", "单位全称", "单位类型"]

ATTACHMENT2_TITLE = "依申请行政权力事项、公共服务事项进驻县政务大厅情况表"
ATTACHMENT2_HEADERS = [
    "序号",
    "事项名称",
    "事项类型",
    "法定时限（工作日）",
    "承诺时限（工作日）",
    "办件类型",
    "事项纳入电子监察系统情况",
]

ATTACHMENT3_TITLE = "行政审批服务股设置、授权、进驻政务大厅及启用行政审批专用章情况表"
AUTHORIZATION_GROUP = "授权情况（是否出具授权委托书）"
PRESENCE_GROUP = "审批服务股室进驻政务大厅情况（含成建制进驻，股长进驻，业务骨干进驻或其他等情况）"
# (header, group): a column with a group stands under it on the second header row. The seed's
# first header lacks its closing parenthesis; it is closed here.
ATTACHMENT3_COLUMNS = [
    ("股室名称（如未设置审批服务牵头股室，请说明原因）", ""),
    ("分管领导", ""),
    ("股长", ""),
    ("电话", ""),
    ("职能职责", ""),
    ("授权情况（如授权不到位，请说明原因）", AUTHORIZATION_GROUP),
    ("整改计划及措施", AUTHORIZATION_GROUP),
    ("进驻情况（如进驻不到位，请说明原因）", PRESENCE_GROUP),
    ("整改计划及措施", PRESENCE_GROUP),
    ("备注（设立行政审批服务股室的相关依据或文件）", ""),
]
ATTACHMENT3_WIDTHS = (20, 10, 10, 14, 26, 24, 20, 24, 20, 22)
SEAL_ENABLED = "行政审批专用章启用情况"
SEAL_KEPT = "行政审批专用章留存："
SEAL_REASON = "未启用行政审批专用章原因说明"
SEAL_PLAN = "整改计划及措施"

SUBTITLE = "填报单位（盖章）："


@dataclass
class Table:
    """One attachment as the seed lays it out; `block` holds attachment 3's seal rows, each a
    list of (text, columns spanned)."""

    number: int
    title: str
    columns: list[xlsx.Column]
    rows: list[list]
    subtitle: str = ""
    footer: list[str] = field(default_factory=list)
    block: list[list[tuple[str, int]]] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


def submission_of(unit: Unit) -> Submission | None:
    """The unit's self-inspection for the current round (the latest active one), if any."""
    return (
        Submission.objects.filter(unit=unit, round__active=True)
        .select_related("round")
        .order_by("-round__starts_on", "-round_id")
        .first()
    )


def letter_in_force(unit: Unit, day: datetime.date | None = None) -> Letter | None:
    day = day or timezone.localdate()
    return (
        Letter.objects.filter(
            unit=unit, status=Letter.Status.FILED, valid_from__lte=day, valid_until__gte=day
        )
        .select_related("unit", "supervisor", "team_leader")
        .order_by("-valid_from", "-id")
        .first()
    )


def entry(fields: dict, key: str) -> str:
    value = fields.get(key, "")
    return value.strip() if isinstance(value, str) else ""


def footer(unit: Unit, fields: dict) -> list[str]:
    """审核领导 / 填报人 / 联系电话: the unit's own entries in its submission, else the leader in
    charge, the lead section's head and the lead section's phone."""
    lead = unit.lead_section
    reviewer = entry(fields, "reviewer") or (
        unit.leader_in_charge.name if unit.leader_in_charge else ""
    )
    preparer = entry(fields, "preparer") or (lead.head.name if lead and lead.head else "")
    phone = entry(fields, "phone") or (lead.phone if lead else "")
    return [f"审核领导：{reviewer}", "", f"填报人：{preparer}", "", f"联系电话：{phone}"]


def _unit(unit: Unit) -> Unit:
    return Unit.objects.select_related(
        "leader_in_charge", "lead_section", "lead_section__head"
    ).get(pk=unit.pk)


# --- attachment 1 ---------------------------------------------------------------------------


def attachment1() -> Table:
    """The units in the reform (主要涉改单位), with their count as the seed ends its list."""
    units = list(Unit.objects.filter(in_reform=True).order_by("id"))
    rows = [
        [n, u.short_name or u.name, u.name, u.get_kind_display()]
        for n, u in enumerate(units, start=1)
    ]
    return Table(
        1,
        ATTACHMENT1_TITLE,
        [xlsx.Column(h, w) for h, w in zip(ATTACHMENT1_HEADERS, (6, 20, 36, 22), strict=True)],
        rows,
        footer=[f"（{len(units)}个）"],
    )


# --- attachment 2 ---------------------------------------------------------------------------


def attachment2_items(unit: Unit):
    """The unit's published application-based power items and public services (S2)."""
    return Item.objects.filter(
        unit=unit, status=Item.Status.PUBLISHED, item_type__in=APPLICATION_BASED
    ).order_by("basic_code", "id")


def attachment2(unit: Unit, fields: dict | None = None) -> Table:
    unit = _unit(unit)
    rows = [
        [
            n,
            item.name,
            item.get_item_type_display(),
            item.legal_limit,
            item.promised_limit,
            item.get_case_kind_display(),
            "已纳入" if item.supervised else "未纳入",
        ]
        for n, item in enumerate(attachment2_items(unit), start=1)
    ]
    widths = (6, 36, 14, 12, 12, 10, 16)
    return Table(
        2,
        ATTACHMENT2_TITLE,
        [xlsx.Column(h, w) for h, w in zip(ATTACHMENT2_HEADERS, widths, strict=True)],
        rows,
        subtitle=SUBTITLE + unit.name,
        footer=footer(unit, fields or {}),
    )


# --- attachment 3 ---------------------------------------------------------------------------


def approval_sections(unit: Unit) -> list[Section]:
    """The unit's approval sections: the lead section and any section set up as, or signed,
    行政审批服务股; lead section first."""
    sections = [
        s
        for s in unit.sections.select_related("head").order_by("id")
        if s.pk == unit.lead_section_id or s.mode != Section.Mode.ORDINARY
    ]
    return sorted(sections, key=lambda s: s.pk != unit.lead_section_id)


def _authorization(letter: Letter | None, fields: dict) -> tuple[str, str]:
    if letter is not None:
        return (
            f"已出具授权委托书（{cn_date(letter.valid_from)}至{cn_date(letter.valid_until)}有效）",
            "",
        )
    reason = entry(fields, "reason_authorization")
    text = "未出具授权委托书" + (f"：{reason}" if reason else "")
    return text, entry(fields, "plan_authorization")


def _presence(section: Section) -> tuple[str, str]:
    text = section.get_hall_presence_display()
    if section.hall_presence == Section.HallPresence.WHOLE:
        return text, ""
    reason = section.presence_reason.strip()
    return text + (f"：{reason}" if reason else ""), section.presence_plan.strip()


def _seal_block(unit: Unit) -> list[list[tuple[str, int]]]:
    seal = Seal.objects.filter(unit=unit).first()
    if seal is not None and seal.enabled:
        enabled = "已启用" + (f"（{cn_date(seal.enabled_on)}启用）" if seal.enabled_on else "")
    else:
        enabled = "未启用"
    kept = "已留存印模" if seal is not None and seal.impression else "未留存印模"
    reason = seal.reason_not_enabled.strip() if seal is not None and not seal.enabled else ""
    plan = seal.plan.strip() if seal is not None and not seal.enabled else ""
    return [
        [(SEAL_ENABLED, 2), (enabled, 3), (SEAL_KEPT, 2), (kept, 3)],
        [(SEAL_REASON, 2), (reason, 8)],
        [(SEAL_PLAN, 2), (plan, 8)],
    ]


def attachment3(unit: Unit, fields: dict | None = None) -> Table:
    """One row per approval section (or one row saying why there is none), then the seal."""
    fields = fields or {}
    unit = _unit(unit)
    leader = unit.leader_in_charge.name if unit.leader_in_charge else ""
    authorization, auth_plan = _authorization(letter_in_force(unit), fields)
    rows = []
    for section in approval_sections(unit):
        presence, presence_plan = _presence(section)
        rows.append(
            [
                section.name,
                leader,
                section.head.name if section.head else "",
                section.phone,
                section.duties,
                authorization,
                auth_plan,
                presence,
                presence_plan,
                section.basis,
            ]
        )
    if not rows:
        reason = entry(fields, "reason_organisation")
        name = "未设置审批服务牵头股室" + (f"：{reason}" if reason else "")
        rows.append([name, leader, "", "", "", authorization, auth_plan, "", "", ""])
    columns = [
        xlsx.Column(h, w, group=g)
        for (h, g), w in zip(ATTACHMENT3_COLUMNS, ATTACHMENT3_WIDTHS, strict=True)
    ]
    return Table(
        3,
        ATTACHMENT3_TITLE,
        columns,
        rows,
        subtitle=SUBTITLE + unit.name,
        footer=footer(unit, fields),
        block=_seal_block(unit),
    )


# --- attachment 5 ---------------------------------------------------------------------------


def attachment5(unit: Unit, fields: dict | None = None) -> Table:
    """Attachment 5 from the letter in force (mandates builds its rows); empty without one."""
    unit = _unit(unit)
    letter = letter_in_force(unit)
    rows = mandate_documents.attachment5_rows(letter) if letter is not None else []
    columns = [
        xlsx.Column(h, w)
        for h, w in zip(
            mandate_documents.ATTACHMENT5_HEADERS,
            mandate_documents.ATTACHMENT5_WIDTHS,
            strict=True,
        )
    ]
    return Table(
        5,
        mandate_documents.ATTACHMENT5_TITLE,
        columns,
        rows,
        subtitle=SUBTITLE + unit.name,
        footer=footer(unit, fields or {}),
    )


def unit_fields(unit: Unit) -> dict:
    """The unit's free text in its current submission ({} without one)."""
    submission = submission_of(unit)
    return dict(submission.fields) if submission is not None else {}


def attachment(number: int, unit: Unit, fields: dict | None = None) -> Table:
    """Attachment `number` of `unit`; `fields` (the unit's texts) default to its submission's."""
    if fields is None:
        fields = unit_fields(unit)
    if number == 1:
        return attachment1()
    builders = {2: attachment2, 3: attachment3, 5: attachment5}
    return builders[number](unit, fields)


def tables(unit: Unit, fields: dict | None = None) -> list[Table]:
    if fields is None:
        fields = unit_fields(unit)
    return [attachment(n, unit, fields) for n in NUMBERS]


# --- XLSX -----------------------------------------------------------------------------------


def _write_block(ws, block: list[list[tuple[str, int]]]) -> None:
    """Attachment 3's seal rows under the table: ruled cells, each merged over its span."""
    for pieces in block:
        cells, merges, col = [], [], 1
        for text, span in pieces:
            c = xlsx.cell(ws, text)
            c.border, c.alignment = xlsx.BORDER, xlsx.WRAP
            cells.append(c)
            for _ in range(span - 1):
                filler = xlsx.cell(ws, None)
                filler.border = xlsx.BORDER
                cells.append(filler)
            merges.append((col, col + span - 1))
            col += span
        ws.append(cells)
        r = ws.max_row
        for first, last in merges:
            if last > first:
                ws.merge_cells(start_row=r, start_column=first, end_row=r, end_column=last)


def xlsx_bytes(table: Table) -> bytes:
    """The attachment as a workbook of one sheet named 附件N."""
    wb, ws = xlsx.book(f"附件{table.number}")
    xlsx.write_table(ws, table.columns, table.rows, title=table.title, subtitle=table.subtitle)
    _write_block(ws, table.block)
    if table.footer:
        ws.append([])
        ws.append(xlsx.row(ws, table.footer))
    return xlsx.save(wb)
