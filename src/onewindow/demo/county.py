"""Taojiang county demo organisation: regions, the 36 units of attachment 1, halls, windows,
staff and one login per role. Idempotent: every row is found by its natural key first."""

import hashlib

from django.db import transaction
from stdnum.cn import uscc

from onewindow.org import services
from onewindow.org.models import Hall, Region, Section, Staff, Unit, User, WindowPost
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


def _region(code: str, name: str, level: str, parent: Region | None) -> Region:
    return Region.objects.filter(code=code).first() or services.region_create(
        code=code, name=name, level=level, parent=parent
    )


def _unit(index: int, name: str, short: str, kind: str, region: Region, in_reform: bool) -> Unit:
    return Unit.objects.filter(name=name).first() or services.unit_create(
        name=name,
        short_name=short,
        credit_code=_credit_code(index, kind),
        region=region,
        kind=kind,
        in_reform=in_reform,
    )


def _section(unit: Unit, name: str, **fields) -> Section:
    return Section.objects.filter(unit=unit, name=name).first() or services.section_create(
        unit=unit, name=name, **fields
    )


def _staff(unit: Unit, seed: int, title: str, section: Section | None) -> Staff:
    name = person_name(seed)
    return Staff.objects.filter(unit=unit, name=name, title=title).first() or services.staff_create(
        unit=unit, name=name, mobile=mobile_number(seed), title=title, section=section
    )


def _post(
    hall: Hall, number: str, name: str, kind: str, units: list[Unit], a: Staff, b: Staff | None
) -> WindowPost:
    return WindowPost.objects.filter(
        hall=hall, number=number
    ).first() or services.window_post_create(
        hall=hall, number=number, name=name, kind=kind, units=units, staff_a=a, staff_b=b
    )


def _login(username: str, display_name: str, role: str, staff: Staff | None = None) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = services.user_create(
            username=username,
            password=DEMO_PASSWORD,
            display_name=display_name,
            roles=[role],
            is_superuser=role == RoleCode.SYSADMIN,
        )
    if staff is not None and staff.user_id is None:
        staff.user = user
        staff.save(update_fields=["user"])
    return user


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


@transaction.atomic
def load() -> dict[str, int]:
    province = _region("430000000000", "湖南省", Region.Level.PROVINCE, None)
    city = _region("430900000000", "益阳市", Region.Level.CITY, province)
    county = _region(COUNTY_CODE, "桃江县", Region.Level.COUNTY, city)
    towns = [_region(c, n, Region.Level.TOWNSHIP, county) for c, n in TOWNSHIPS]

    hall = Hall.objects.filter(name="桃江县政务服务中心").first() or services.hall_create(
        name="桃江县政务服务中心",
        kind=Hall.Kind.COUNTY,
        region=county,
        address="桃江县桃花江镇建设路政务服务中心大楼",
        hours="工作日 8:30-12:00，14:00-17:30（夏季14:30-18:00）",
        phone="0737-8822345",
    )

    units: dict[str, Unit] = {}
    number = 0
    for index, (name, short, kind, mode) in enumerate(UNITS, start=1):
        unit = _unit(index, name, short, kind, county, True)
        units[short] = unit
        seed = index * 10
        in_hall = mode == SEP or index % 3
        section_fields = {
            "mode": mode,
            "hall_presence": Section.HallPresence.WHOLE
            if mode == SEP
            else (Section.HallPresence.HEAD if in_hall else Section.HallPresence.KEY_STAFF),
            "duties": "统筹本单位行政审批服务、“放管服”改革和入驻县政务服务大厅工作",
        }
        if section_fields["hall_presence"] != Section.HallPresence.WHOLE:
            section_fields["presence_reason"] = "审批服务办件量较小，股室其他人员承担机关业务"
            section_fields["presence_plan"] = "6月20日前由股长常驻大厅，业务骨干按AB岗轮驻"
        section_name = "行政审批服务股" if mode == SEP else "办公室"
        section = _section(unit, section_name, **section_fields)
        _section(unit, "业务股", mode=Section.Mode.ORDINARY)
        leader = _staff(unit, seed + 1, "副局长", None)
        head = _staff(unit, seed + 2, "股长", section)
        clerk_a = _staff(unit, seed + 3, "科员", section)
        clerk_b = _staff(unit, seed + 4, "科员", section)
        _staff(unit, seed + 5, "审核员", section)
        if section.head_id is None:
            section.head = head
            section.save(update_fields=["head"])
        missing = S1_INCOMPLETE.get(short)
        services.unit_set_leadership(
            unit=unit,
            leader_in_charge=None if missing == "leader" else leader,
            lead_section=None if missing == "section" else section,
        )
        if in_hall:
            number += 1
            _post(
                hall,
                str(number),
                f"{short}窗口",
                WindowPost.Kind.DEPARTMENT,
                [unit],
                clerk_a,
                clerk_b,
            )

    bureau = _unit(90, BUREAU[0], BUREAU[1], K, county, False)
    centre = _section(
        bureau, "政务服务中心", mode=Section.Mode.ORDINARY, hall_presence=Section.HallPresence.WHOLE
    )
    reform_section = _section(bureau, "审改股", mode=Section.Mode.ORDINARY)
    inspect_section = _section(bureau, "电子监察股", mode=Section.Mode.ORDINARY)
    b = [_staff(bureau, 900 + i, "综合窗口受理员", centre) for i in range(6)]
    hall_manager = _staff(bureau, 910, "中心主任", centre)
    reformer = _staff(bureau, 911, "审改股股长", reform_section)
    inspector = _staff(bureau, 912, "电子监察员", inspect_section)
    all_units = list(units.values())
    _post(hall, "51", "综合受理窗口（一）", WindowPost.Kind.COMPREHENSIVE, all_units, b[0], b[1])
    _post(hall, "52", "综合受理窗口（二）", WindowPost.Kind.COMPREHENSIVE, all_units, b[1], b[0])
    _post(hall, "60", "重点项目绿色通道", WindowPost.Kind.GREEN_CHANNEL, all_units, b[2], b[3])
    _post(hall, "70", "统一出件窗口", WindowPost.Kind.DELIVERY, all_units, b[4], b[5])

    for i, region in enumerate(towns[:2]):
        name = f"桃江县{region.name}人民政府"
        unit = _unit(80 + i, name, f"{region.name}政府", Unit.Kind.TOWNSHIP_CENTRE, region, False)
        sec = _section(
            unit, "政务服务中心", mode=Section.Mode.SIGN, hall_presence=Section.HallPresence.WHOLE
        )
        a = _staff(unit, 800 + i * 2, "窗口工作人员", sec)
        bb = _staff(unit, 801 + i * 2, "窗口工作人员", sec)
        town_hall = Hall.objects.filter(
            name=f"{region.name}政务服务中心"
        ).first() or services.hall_create(
            name=f"{region.name}政务服务中心",
            kind=Hall.Kind.TOWNSHIP,
            region=region,
            owner_unit=unit,
            hours="工作日 8:30-17:30",
        )
        _post(town_hall, "1", "综合便民服务窗口", WindowPost.Kind.COMPREHENSIVE, [unit], a, bb)

    smj, zjj = units["县市监局"], units["县住建局"]

    def staff_of(unit: Unit, title: str) -> Staff:
        return Staff.objects.filter(unit=unit, title=title).order_by("id").first()

    logins = {
        "admin": None,
        "inspector": inspector,
        "reform": reformer,
        "hallmgr": hall_manager,
        "winsup": staff_of(smj, "副局长"),
        "teamlead": staff_of(smj, "股长"),
        "clerk": staff_of(smj, "科员"),
        "reviewer": staff_of(smj, "审核员"),
        "clerk2": staff_of(zjj, "科员"),
        "reviewer2": staff_of(zjj, "审核员"),
        "reviewer3": staff_of(units["县城管执法局"], "审核员"),
        "zhclerk": b[0],
        "greenclerk": b[2],
        "applicant": None,
    }
    for username, role, _where in DEMO_LOGINS:
        staff = logins[username]
        user = _login(
            username,
            staff.name if staff else ("张三" if username == "applicant" else "系统管理员"),
            role,
            staff,
        )
        if role == RoleCode.APPLICANT and not user.identity_digest:
            services.applicant_verify(user=user, kind="person", number=DEMO_APPLICANT_ID)
    return {
        "units": Unit.objects.count(),
        "staff": Staff.objects.count(),
        "window_posts": WindowPost.objects.count(),
        "halls": Hall.objects.count(),
    }
