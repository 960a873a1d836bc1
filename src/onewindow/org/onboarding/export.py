"""The onboarding workbook written out: the template (headers, required columns shaded, a sheet
of explanations with an example for every column) and the export of what the database holds,
in exactly the shape the import reads, so that importing an export changes nothing."""

from onewindow.documents import xlsx
from onewindow.org.models import Hall, Region, Section, Staff, Unit, WindowPost
from onewindow.org.onboarding import sheets as S

REQUIRED_FILL = "FFE699"

EXAMPLE = {
    "regions": {
        "code": "430922000000",
        "name": "桃江县",
        "level": "县（区）",
        "parent": "430900000000",
    },
    "units": {
        "name": "桃江县市场监督管理局",
        "short_name": "县市监局",
        "credit_code": "11430922MB0000022X（示例，须为真实代码）",
        "region": "430922000000",
        "kind": "县直部门",
        "in_reform": "是",
        "lead_section": "行政审批服务股",
        "leader": "winsup",
    },
    "sections": {
        "unit": "桃江县市场监督管理局",
        "name": "行政审批服务股",
        "mode": "单独设立行政审批服务股",
        "head": "teamlead",
        "phone": "0737-8822345",
        "duties": "统筹本单位行政审批服务工作",
        "hall_presence": "成建制进驻",
        "presence_reason": "",
        "presence_plan": "",
        "basis": "桃编发〔2026〕1号",
    },
    "staff": {
        "name": "王建华",
        "mobile": "13800000000",
        "username": "clerk",
        "roles": "窗口工作人员",
        "unit": "桃江县市场监督管理局",
        "section": "行政审批服务股",
        "title": "科员",
        "establishment": "在编在岗",
        "exception": "",
        "active": "是",
    },
    "halls": {
        "name": "桃江县政务服务中心",
        "kind": "县政务服务大厅",
        "region": "430922000000",
        "owner": "",
        "address": "桃花江镇建设路",
        "hours": "工作日 8:30-12:00，14:00-17:30",
        "phone": "0737-8822345",
    },
    "posts": {
        "hall": "桃江县政务服务中心",
        "number": "22",
        "name": "县市监局窗口",
        "kind": "部门业务窗口",
        "units": "桃江县市场监督管理局",
        "staff_a": "clerk",
        "staff_b": "13800000001",
        "active": "是",
    },
}


def _columns(sheet: S.Sheet) -> list[xlsx.Column]:
    return [
        xlsx.Column(c.header, width=c.width, fill=REQUIRED_FILL if c.required else "")
        for c in sheet.columns
    ]


def _guide(wb) -> None:
    ws = wb.create_sheet("填写说明")
    lines = [
        ["机构人员导入表：每类数据一个工作表，表头不可修改；黄色表头为必填列。"],
        ["全部检查无误才导入；有任何错误，一行也不导入，并列出每个错误所在的表、行和列。"],
        ["再次导入时按以下标识找到已有数据并更新，不会重复新建；导出的文件可直接再导入。"],
        ["新建的登录账号由系统生成初始密码，导入完成后仅提供一次下载，首次登录须修改密码。"],
        [],
    ]
    columns = [
        xlsx.Column("工作表", 12),
        xlsx.Column("列", 22),
        xlsx.Column("必填", 6),
        xlsx.Column("填写要求", 60),
        xlsx.Column("示例", 30),
    ]
    rows = []
    for sheet in S.SHEETS:
        rows.append([sheet.title, "（识别已有数据）", "", "按“" + sheet.natural_key + "”", ""])
        for c in sheet.columns:
            choices = "可选：" + "、".join(label for _v, label in c.choices) if c.choices else ""
            note = "；".join(p for p in (c.note, choices) if p)
            rows.append(
                [sheet.title, c.header, "是" if c.required else "", note, EXAMPLE[sheet.key][c.key]]
            )
    for line in lines:
        ws.append(xlsx.row(ws, line))
    xlsx.write_table(ws, columns, rows, ruled=True)


def _rows(sheet_key: str):
    if sheet_key == "regions":
        for r in Region.objects.select_related("parent").order_by("code"):
            yield [r.code, r.name, r.get_level_display(), r.parent.code if r.parent else ""]
    elif sheet_key == "units":
        for u in Unit.objects.select_related(
            "region", "lead_section", "leader_in_charge__user"
        ).order_by("id"):
            yield [
                u.name,
                u.short_name,
                u.credit_code,
                u.region.code,
                u.get_kind_display(),
                "是" if u.in_reform else "否",
                u.lead_section.name if u.lead_section else "",
                _person(u.leader_in_charge),
            ]
    elif sheet_key == "sections":
        for s in Section.objects.select_related("unit", "head__user").order_by("unit_id", "id"):
            yield [
                s.unit.name,
                s.name,
                s.get_mode_display(),
                _person(s.head),
                s.phone,
                s.duties,
                s.get_hall_presence_display(),
                s.presence_reason,
                s.presence_plan,
                s.basis,
            ]
    elif sheet_key == "staff":
        for p in (
            Staff.objects.select_related("unit", "section", "user")
            .prefetch_related("user__roles")
            .order_by("unit_id", "id")
        ):
            roles = sorted(
                (r for r in p.user.roles.all() if r.code not in S.NOT_BY_FILE) if p.user else [],
                key=lambda r: r.pk,
            )
            yield [
                p.name,
                p.mobile,
                p.user.username if p.user else "",
                "、".join(r.get_code_display() for r in roles),
                p.unit.name,
                p.section.name if p.section else "",
                p.title,
                p.get_establishment_display(),
                p.establishment_exception,
                "是" if p.active else "否",
            ]
    elif sheet_key == "halls":
        for h in Hall.objects.select_related("region", "owner_unit").order_by("id"):
            yield [
                h.name,
                h.get_kind_display(),
                h.region.code,
                h.owner_unit.name if h.owner_unit else "",
                h.address,
                h.hours,
                h.phone,
            ]
    elif sheet_key == "posts":
        for p in (
            WindowPost.objects.select_related("hall", "staff_a__user", "staff_b__user")
            .prefetch_related("units")
            .order_by("hall_id", "number_key")
        ):
            yield [
                p.hall.name,
                p.number,
                p.name,
                p.get_kind_display(),
                "、".join(u.name for u in sorted(p.units.all(), key=lambda u: u.pk)),
                _person(p.staff_a),
                _person(p.staff_b),
                "是" if p.active else "否",
            ]


def _person(staff: Staff | None) -> str:
    """How the workbook names a person: the login name, else the mobile."""
    if staff is None:
        return ""
    return staff.user.username if staff.user_id else staff.mobile


def workbook(*, with_data: bool) -> bytes:
    """The template (with_data=False) or the export of everything the database holds."""
    wb, first = xlsx.book(S.SHEETS[0].title)
    for n, sheet in enumerate(S.SHEETS):
        ws = first if n == 0 else wb.create_sheet(sheet.title)
        rows = _rows(sheet.key) if with_data else []
        xlsx.write_table(ws, _columns(sheet), rows, ruled=False, freeze=True)
    _guide(wb)
    return xlsx.save(wb)


def rows_workbook(rows: dict[str, list[dict]]) -> bytes:
    """A workbook of the given rows (sheet key -> [{column key: text}]): how the demo county
    and the tests build their files, through the same layout as the template."""
    wb, first = xlsx.book(S.SHEETS[0].title)
    for n, sheet in enumerate(S.SHEETS):
        ws = first if n == 0 else wb.create_sheet(sheet.title)
        data = [[r.get(c.key, "") for c in sheet.columns] for r in rows.get(sheet.key, [])]
        xlsx.write_table(ws, _columns(sheet), data, ruled=False, freeze=True)
    return xlsx.save(wb)


def passwords_workbook(passwords: list[tuple[str, str, str, str]]) -> bytes:
    """The first passwords of the accounts an import made, for handing out once."""
    wb, ws = xlsx.book("初始密码")
    xlsx.write_table(
        ws,
        [
            xlsx.Column("姓名", 12),
            xlsx.Column("单位", 30),
            xlsx.Column("登录名", 16),
            xlsx.Column("初始密码", 16),
        ],
        passwords,
        title="登录账号初始密码（仅提供一次，请当面或密封交给本人；首次登录须修改密码）",
        ruled=True,
    )
    return xlsx.save(wb)
