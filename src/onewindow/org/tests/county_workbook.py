"""A made-up county for the onboarding tests (安化县, 430923): N units (the last of them the
approval bureau running the hall), their sections, about `staff` people with logins and roles,
the county hall and its window posts, filled into the downloadable template."""

import io

from openpyxl import load_workbook
from stdnum.cn import uscc

from onewindow.org import onboarding
from onewindow.org.onboarding import sheets as S

COUNTY = "430923000000"
COUNTY_NAME = "安化县"
HALL = "安化县政务服务中心"
BUREAU = "安化县行政审批服务局"
PER_UNIT = 6  # leader, section head, clerk A, clerk B, reviewer, one more without a login


def credit(n: int) -> str:
    body = f"11430923AH{n:07d}"
    return body + uscc.calc_check_digit(body)


def mobile(n: int) -> str:
    return f"199{n:08d}"  # a prefix the demo never uses


def unit_name(i: int) -> str:
    return f"安化县第{i}局"


def county_rows(units: int = 30, staff: int = 200) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {k: [] for k in ("regions", "units", "sections", "staff")}
    rows["regions"] = [
        {"code": COUNTY, "name": COUNTY_NAME, "level": "县（区）", "parent": "430900000000"},
        {"code": "430923100000", "name": "东坪镇", "level": "乡镇（街道）", "parent": COUNTY},
    ]
    n = 0

    def person(unit: str, title: str, section: str, role: str = "", login: bool = True) -> str:
        nonlocal n
        n += 1
        username = f"ah{n:03d}" if login else ""
        rows["staff"].append(
            {
                "name": f"安化{n}号",
                "mobile": mobile(n),
                "username": username,
                "roles": role,
                "unit": unit,
                "section": section,
                "title": title,
            }
        )
        return username or mobile(n)

    posts = []
    for i in range(1, units):
        name = unit_name(i)
        leader = person(name, "副局长", "", "窗口主管")
        head = person(name, "股长", "行政审批服务股", "窗口组长")
        a = person(name, "科员", "行政审批服务股", "窗口工作人员")
        b = person(name, "科员", "行政审批服务股", "窗口工作人员")
        person(name, "审核员", "业务股", "部门审核人员")
        person(name, "科员", "业务股", login=False)
        rows["units"].append(
            {
                "name": name,
                "short_name": f"县{i}局",
                "credit_code": credit(i),
                "region": COUNTY,
                "kind": "县直部门",
                "lead_section": "行政审批服务股",
                "leader": leader,
            }
        )
        rows["sections"] += [
            {
                "unit": name,
                "name": "行政审批服务股",
                "mode": "单独设立行政审批服务股",
                "head": head,
                "hall_presence": "成建制进驻",
            },
            {"unit": name, "name": "业务股"},
        ]
        posts.append(
            {
                "hall": HALL,
                "number": str(i),
                "name": f"县{i}局窗口",
                "units": name,
                "staff_a": a,
                "staff_b": b,
            }
        )
    rows["units"].append(
        {
            "name": BUREAU,
            "short_name": "县审批局",
            "credit_code": credit(units),
            "region": COUNTY,
            "kind": "县直部门",
            "in_reform": "否",
        }
    )
    rows["sections"].append({"unit": BUREAU, "name": "政务服务中心", "hall_presence": "成建制进驻"})
    person(BUREAU, "中心主任", "政务服务中心", "政务服务中心管理员")
    person(BUREAU, "审改股股长", "政务服务中心", "审改办（行政审批服务局）")
    centre = []
    while n < staff:
        centre.append(person(BUREAU, "综合窗口受理员", "政务服务中心", "窗口工作人员"))
    every = "、".join(unit_name(i) for i in range(1, units))
    for k in range(0, len(centre) - 1, 2):
        posts.append(
            {
                "hall": HALL,
                "number": f"Z{k // 2 + 1}",
                "name": f"综合受理窗口{k // 2 + 1}",
                "kind": "综合受理窗口",
                "units": every,
                "staff_a": centre[k],
                "staff_b": centre[k + 1],
            }
        )
    rows["halls"] = [
        {
            "name": HALL,
            "kind": "县政务服务大厅",
            "region": COUNTY,
            "address": "安化县东坪镇",
            "hours": "工作日 8:30-17:30",
        }
    ]
    rows["posts"] = posts
    return rows


def fill_template(rows: dict[str, list[dict]]) -> bytes:
    """The downloadable template with `rows` typed in under its headers."""
    wb = load_workbook(io.BytesIO(onboarding.workbook(with_data=False)))
    for sheet in S.SHEETS:
        ws = wb[sheet.title]
        headers = [c.value for c in ws[1]]
        keys = {c.header: c.key for c in sheet.columns}
        for row in rows.get(sheet.key, []):
            ws.append([row.get(keys[h], "") for h in headers])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read_back(data: bytes) -> dict[str, list[tuple]]:
    """Every sheet's rows as tuples of text (for comparing two exports)."""
    wb = load_workbook(io.BytesIO(data), read_only=True)
    return {
        ws.title: [
            tuple("" if v is None else str(v) for v in r) for r in ws.iter_rows(values_only=True)
        ]
        for ws in wb
    }
