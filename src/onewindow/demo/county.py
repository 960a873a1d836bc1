"""Taojiang county demo organisation: regions, the 36 units of attachment 1, halls, windows,
staff and one login per role, built as an onboarding workbook and loaded through the product's
import (org.onboarding). Idempotent: the import finds every row by its natural key."""

import hashlib

from django.db import transaction
from stdnum.cn import uscc

from onewindow.org import onboarding, services
from onewindow.org.models import Hall, Section, Staff, Unit, User, WindowPost
from onewindow.org.roles import RoleCode

DEMO_PASSWORD = "Taojiang2026"
# The demo applicant 张三's verified resident ID: the demo history gives him cases to rate.
DEMO_APPLICANT_ID = "430922198806120030"
COUNTY_CODE = "430922000000"

# (name, short name, kind, approval section mode): attachment 1, in its order.
K, S, INST = Unit.Kind.COUNTY_DEPT, Unit.Kind.STATIONED, Unit.Kind.INSTITUTION
SEP, SIGN = Section.Mode.SEPARATE, Section.Mode.SIGN
UNITS = [
    ("桃江县发展和改革局", "县发改局", K, SEP),
    ("桃江县教育局", "县教育局", K, SEP),
    ("桃江县科学技术和工业信息化局", "县科工局", K, SIGN),
    ("桃江县民族宗教事务局", "县民宗局", K, SIGN),
    ("桃江县公安局", "县公安局", K, SEP),
    ("桃江县民政局", "县民政局", K, SEP),
    ("桃江县司法局", "县司法局", K, SIGN),
    ("桃江县财政局", "县财政局", K, SIGN),
    ("桃江县人力资源和社会保障局", "县人社局", K, SEP),
    ("桃江县自然资源局", "县自然资源局", K, SEP),
    ("桃江县住房和城乡建设局（县人民防空办公室）", "县住建局", K, SEP),
    ("桃江县交通运输局", "县交通运输局", K, SEP),
    ("桃江县水利局", "县水利局", K, SIGN),
    ("桃江县农业农村局", "县农业农村局", K, SEP),
    ("桃江县商务局", "县商务局", K, SIGN),
    ("桃江县文化旅游广电体育局", "县文旅广体局", K, SIGN),
    ("桃江县卫生健康局", "县卫健局", K, SEP),
    ("桃江县退役军人事务局", "县退役军人事务局", K, SIGN),
    ("桃江县应急管理局", "县应急管理局", K, SIGN),
    ("桃江县城市管理综合执法局", "县城管执法局", K, SIGN),
    ("桃江县林业局", "县林业局", K, SIGN),
    ("桃江县市场监督管理局", "县市监局", K, SEP),
    ("桃江县统计局", "县统计局", K, SIGN),
    ("桃江县医疗保障局", "县医保局", K, SEP),
    ("益阳市生态环境局桃江分局", "市生态环境局桃江分局", S, SIGN),
    ("桃江县公安局交通警察大队", "县交警大队", K, SEP),
    ("桃江县档案局", "县档案局", K, SIGN),
    ("桃江县国家保密局", "县保密局", K, SIGN),
    ("桃江县新闻出版局", "县新闻出版局", K, SIGN),
    ("桃江县残疾人联合会", "县残联", INST, SIGN),
    ("桃江县住房保障服务中心", "县住房保障服务中心", INST, SIGN),
    ("国家税务总局桃江县税务局", "县税务局", S, SEP),
    ("桃江县烟草专卖局", "县烟草局", S, SIGN),
    ("桃江县气象局", "县气象局", S, SIGN),
    ("中国人民银行桃江县支行", "县人民银行", S, SIGN),
    ("益阳市住房公积金中心桃江管理部", "县公积金中心", S, SIGN),
]
# Units still working on S1, so the reform office's page has something true to show.
S1_INCOMPLETE = {"县保密局": "section", "县档案局": "leader"}
BUREAU = ("桃江县行政审批服务局", "县行政审批服务局")
TOWNSHIPS = [("430922100000", "桃花江镇"), ("430922101000", "修山镇"), ("430922102000", "灰山港镇")]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余"
GIVEN = [
    "建华",
    "丽娟",
    "志强",
    "晓燕",
    "海波",
    "静",
    "伟",
    "芳",
    "军",
    "敏",
    "勇",
    "艳",
    "杰",
    "娜",
    "涛",
    "磊",
    "婷",
    "斌",
    "霞",
    "超",
    "红梅",
    "国庆",
    "春生",
    "秋月",
    "立新",
    "小龙",
    "文斌",
]


def person_name(seed: int) -> str:
    return SURNAMES[seed % len(SURNAMES)] + GIVEN[(seed * 7) % len(GIVEN)]


def mobile_number(seed: int) -> str:
    digits = int(hashlib.sha256(f"m{seed}".encode()).hexdigest(), 16) % 10**8
    return f"{[135, 136, 137, 138, 139, 150, 151, 158, 187, 188][seed % 10]}{digits:08d}"


def _credit_code(index: int, kind: str) -> str:
    # 1 = 机构编制 registration; 1 = 机关, 2 = 事业单位; then the county's region and an org code.
    head = "11" if kind != Unit.Kind.INSTITUTION else "12"
    body = f"{head}430922{'MB'}{index:07d}"
    return body + uscc.calc_check_digit(body)


DEMO_LOGINS = [  # username, role, where: listed in the README
    ("admin", RoleCode.SYSADMIN, "系统管理员"),
    ("inspector", RoleCode.SUPERVISOR, "县行政审批服务局 电子监察股"),
    ("reform", RoleCode.REFORM_OFFICE, "县行政审批服务局 审改股"),
    ("hallmgr", RoleCode.HALL_MANAGER, "县政务服务中心"),
    ("winsup", RoleCode.WINDOW_SUPERVISOR, "县市监局 分管领导（窗口主管）"),
    ("teamlead", RoleCode.TEAM_LEADER, "县市监局 行政审批服务股股长（窗口组长）"),
    ("clerk", RoleCode.WINDOW_CLERK, "县市监局 窗口工作人员（A岗）"),
    ("reviewer", RoleCode.DEPT_REVIEWER, "县市监局 部门审核人员"),
    ("clerk2", RoleCode.WINDOW_CLERK, "县住建局 窗口工作人员（A岗）"),
    ("reviewer2", RoleCode.DEPT_REVIEWER, "县住建局 部门审核人员"),
    ("reviewer3", RoleCode.DEPT_REVIEWER, "县城管执法局 部门审核人员"),
    ("zhclerk", RoleCode.WINDOW_CLERK, "县政务服务中心 综合受理窗口（A岗）"),
    ("greenclerk", RoleCode.WINDOW_CLERK, "县政务服务中心 重点项目绿色通道（A岗）"),
    ("applicant", RoleCode.APPLICANT, "申请人（群众）"),
]


# Which demo login each person is (unit short name or "bureau", title, index among those with
# that title): the logins of DEMO_LOGINS that are staff.
STAFF_LOGINS = {
    "winsup": ("县市监局", "副局长", 0),
    "teamlead": ("县市监局", "股长", 0),
    "clerk": ("县市监局", "科员", 0),
    "reviewer": ("县市监局", "审核员", 0),
    "clerk2": ("县住建局", "科员", 0),
    "reviewer2": ("县住建局", "审核员", 0),
    "reviewer3": ("县城管执法局", "审核员", 0),
    "zhclerk": ("bureau", "综合窗口受理员", 0),
    "greenclerk": ("bureau", "综合窗口受理员", 2),
    "hallmgr": ("bureau", "中心主任", 0),
    "reform": ("bureau", "审改股股长", 0),
    "inspector": ("bureau", "电子监察员", 0),
}
APPROVAL_DUTIES = "统筹本单位行政审批服务、“放管服”改革和入驻县政务服务大厅工作"
HALL = "桃江县政务服务中心"


def workbook_rows() -> dict[str, list[dict]]:
    """The demo county as the rows of an onboarding workbook (org.onboarding)."""
    regions = [
        {"code": "430000000000", "name": "湖南省", "level": "省"},
        {"code": "430900000000", "name": "益阳市", "level": "市", "parent": "430000000000"},
        {"code": COUNTY_CODE, "name": "桃江县", "level": "县（区）", "parent": "430900000000"},
    ] + [
        {"code": c, "name": n, "level": "乡镇（街道）", "parent": COUNTY_CODE} for c, n in TOWNSHIPS
    ]
    units, sections, staff, halls, posts = [], [], [], [], []
    logins = {where: username for username, where in STAFF_LOGINS.items()}
    seen: dict[tuple[str, str], int] = {}

    def person(unit: str, short: str, seed: int, title: str, section: str) -> str:
        """A staff row; returns how other sheets name the person (login name or mobile)."""
        n = seen.get((short, title), 0)
        seen[(short, title)] = n + 1
        username = logins.get((short, title, n), "")
        role = next((r for u, r, _w in DEMO_LOGINS if u == username), "")
        mobile = mobile_number(seed)
        staff.append(
            {
                "name": person_name(seed),
                "mobile": mobile,
                "username": username,
                "roles": str(RoleCode(role).label) if role else "",
                "unit": unit,
                "section": section,
                "title": title,
            }
        )
        return username or mobile

    def unit_row(index, name, short, kind, region, in_reform, lead="", leader=""):
        units.append(
            {
                "name": name,
                "short_name": short,
                "credit_code": _credit_code(index, kind),
                "region": region,
                "kind": Unit.Kind(kind).label,
                "in_reform": "是" if in_reform else "否",
                "lead_section": lead,
                "leader": leader,
            }
        )

    number = 0
    for index, (name, short, kind, mode) in enumerate(UNITS, start=1):
        seed = index * 10
        in_hall = mode == SEP or index % 3
        presence = (
            Section.HallPresence.WHOLE
            if mode == SEP
            else (Section.HallPresence.HEAD if in_hall else Section.HallPresence.KEY_STAFF)
        )
        section_name = "行政审批服务股" if mode == SEP else "办公室"
        leader = person(name, short, seed + 1, "副局长", "")
        head = person(name, short, seed + 2, "股长", section_name)
        clerk_a = person(name, short, seed + 3, "科员", section_name)
        clerk_b = person(name, short, seed + 4, "科员", section_name)
        person(name, short, seed + 5, "审核员", section_name)
        partial = presence != Section.HallPresence.WHOLE
        sections.append(
            {
                "unit": name,
                "name": section_name,
                "mode": Section.Mode(mode).label,
                "head": head,
                "duties": APPROVAL_DUTIES,
                "hall_presence": Section.HallPresence(presence).label,
                "presence_reason": "审批服务办件量较小，股室其他人员承担机关业务"
                if partial
                else "",
                "presence_plan": "6月20日前由股长常驻大厅，业务骨干按AB岗轮驻" if partial else "",
            }
        )
        sections.append({"unit": name, "name": "业务股"})
        missing = S1_INCOMPLETE.get(short)
        unit_row(
            index,
            name,
            short,
            kind,
            COUNTY_CODE,
            True,
            lead="" if missing == "section" else section_name,
            leader="" if missing == "leader" else leader,
        )
        if in_hall:
            number += 1
            posts.append(
                {
                    "hall": HALL,
                    "number": str(number),
                    "name": f"{short}窗口",
                    "units": name,
                    "staff_a": clerk_a,
                    "staff_b": clerk_b,
                }
            )

    bureau = BUREAU[0]
    unit_row(90, bureau, BUREAU[1], K, COUNTY_CODE, False)
    for section in ("政务服务中心", "审改股", "电子监察股"):
        whole = section == "政务服务中心"
        sections.append(
            {"unit": bureau, "name": section, "hall_presence": "成建制进驻" if whole else ""}
        )
    b = [person(bureau, "bureau", 900 + i, "综合窗口受理员", "政务服务中心") for i in range(6)]
    person(bureau, "bureau", 910, "中心主任", "政务服务中心")
    person(bureau, "bureau", 911, "审改股股长", "审改股")
    person(bureau, "bureau", 912, "电子监察员", "电子监察股")
    every = "、".join(name for name, *_rest in UNITS)
    halls.append(
        {
            "name": HALL,
            "kind": Hall.Kind.COUNTY.label,
            "region": COUNTY_CODE,
            "address": "桃江县桃花江镇建设路政务服务中心大楼",
            "hours": "工作日 8:30-12:00，14:00-17:30（夏季14:30-18:00）",
            "phone": "0737-8822345",
        }
    )
    for num, name, kind, a, bb in (
        ("51", "综合受理窗口（一）", WindowPost.Kind.COMPREHENSIVE, b[0], b[1]),
        ("52", "综合受理窗口（二）", WindowPost.Kind.COMPREHENSIVE, b[1], b[0]),
        ("60", "重点项目绿色通道", WindowPost.Kind.GREEN_CHANNEL, b[2], b[3]),
        ("70", "统一出件窗口", WindowPost.Kind.DELIVERY, b[4], b[5]),
    ):
        kind_label = WindowPost.Kind(kind).label
        posts.append(
            {
                "hall": HALL,
                "number": num,
                "name": name,
                "kind": kind_label,
                "units": every,
                "staff_a": a,
                "staff_b": bb,
            }
        )

    for i, (code, town) in enumerate(TOWNSHIPS[:2]):
        name = f"桃江县{town}人民政府"
        unit_row(80 + i, name, f"{town}政府", Unit.Kind.TOWNSHIP_CENTRE, code, False)
        sections.append(
            {
                "unit": name,
                "name": "政务服务中心",
                "mode": Section.Mode.SIGN.label,
                "hall_presence": "成建制进驻",
                "presence_reason": "",
                "presence_plan": "",
            }
        )
        a = person(name, name, 800 + i * 2, "窗口工作人员", "政务服务中心")
        bb = person(name, name, 801 + i * 2, "窗口工作人员", "政务服务中心")
        halls.append(
            {
                "name": f"{town}政务服务中心",
                "kind": Hall.Kind.TOWNSHIP.label,
                "region": code,
                "owner": name,
                "hours": "工作日 8:30-17:30",
            }
        )
        posts.append(
            {
                "hall": f"{town}政务服务中心",
                "number": "1",
                "name": "综合便民服务窗口",
                "kind": WindowPost.Kind.COMPREHENSIVE.label,
                "units": name,
                "staff_a": a,
                "staff_b": bb,
            }
        )
    return {
        "regions": regions,
        "units": units,
        "sections": sections,
        "staff": staff,
        "halls": halls,
        "posts": posts,
    }


def workbook() -> bytes:
    """The demo county's onboarding workbook (what a county would upload)."""
    return onboarding.rows_workbook(workbook_rows())


@transaction.atomic
def load() -> dict[str, int]:
    """The demo organisation, loaded through the onboarding import (org.onboarding) with the
    demo's published password; then the two logins that are no staff (admin, applicant)."""
    onboarding.onboard(
        acting_user=None,
        data=workbook(),
        filename="演示县机构人员.xlsx",
        initial_password=DEMO_PASSWORD,
    )
    for username, role, _where in DEMO_LOGINS:
        if username in STAFF_LOGINS or User.objects.filter(username=username).exists():
            continue
        user = services.user_create(
            username=username,
            password=DEMO_PASSWORD,
            display_name="张三" if role == RoleCode.APPLICANT else "系统管理员",
            roles=[role],
            is_superuser=role == RoleCode.SYSADMIN,
        )
        if role == RoleCode.APPLICANT:
            services.applicant_verify(user=user, kind="person", number=DEMO_APPLICANT_ID)
    return {
        "units": Unit.objects.count(),
        "staff": Staff.objects.count(),
        "window_posts": WindowPost.objects.count(),
        "halls": Hall.objects.count(),
    }
