"""The onboarding workbook (机构人员导入表): one sheet per kind of row, Chinese headers, the same
shape for the template, the import and the export. Each column names the model field it fills;
choice columns take the label the pages show (or the stored code)."""

from dataclasses import dataclass, field

from onewindow.org.models import Hall, Region, Section, Staff, Unit, WindowPost
from onewindow.org.roles import RoleCode


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    required: bool = False
    note: str = ""  # the template's explanation row
    choices: tuple[tuple[str, str], ...] = ()  # (code, label)
    width: float = 16


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str
    columns: tuple[Col, ...]
    natural_key: str  # said in the template: how a second import finds the row
    example: tuple[dict, ...] = field(default=())

    def col(self, key: str) -> Col:
        return next(c for c in self.columns if c.key == key)


YES_NO = (("1", "是"), ("0", "否"))
PERSON_NOTE = "填写本表“工作人员”中该人的登录名或手机号码"
# Roles an onboarding file may give: every staff role but the system administrator's, which
# only an administrator gives (on the user page), so that the reform office, who may import,
# cannot make itself or anyone an administrator; applicants register on the portal. A file
# neither gives nor takes away the roles it may not give.
NOT_BY_FILE = frozenset({RoleCode.APPLICANT, RoleCode.SYSADMIN})
STAFF_ROLES = tuple((c.value, str(c.label)) for c in RoleCode if c not in NOT_BY_FILE)
LIST_SEPARATORS = "、，,；;\n"

REGIONS = Sheet(
    "regions",
    "行政区划",
    (
        Col("code", "行政区划代码", True, "12位数字，如430922000000", width=16),
        Col("name", "名称", True, "如“桃江县”"),
        Col("level", "层级", True, "省/市/县（区）/乡镇（街道）/村（社区）", Region.Level.choices),
        Col("parent", "上级区划代码", False, "上级区划须在本表或系统中已有；最高一级可空"),
    ),
    "行政区划代码",
)
UNITS = Sheet(
    "units",
    "单位",
    (
        Col("name", "单位名称", True, "全称，如“桃江县市场监督管理局”", width=30),
        Col("short_name", "简称", False, "如“县市监局”"),
        Col("credit_code", "统一社会信用代码", True, "18位，校验位须正确", width=22),
        Col("region", "行政区划代码", True, "单位所在区划的12位代码"),
        Col(
            "kind",
            "单位类型",
            True,
            "县直部门/中央、省、市驻县单位/事业单位/乡镇（街道）政务服务中心",
            Unit.Kind.choices,
        ),
        Col("in_reform", "列入涉改单位", False, "是/否，空为“是”", YES_NO),
        Col("lead_section", "牵头股室", False, "须是“股室”表中本单位的股室名称"),
        Col("leader", "分管领导", False, PERSON_NOTE + "；须是本单位人员"),
    ),
    "统一社会信用代码",
)
SECTIONS = Sheet(
    "sections",
    "股室",
    (
        Col("unit", "所属单位", True, "单位全称（本文件“单位”表或系统中已有的单位）", width=30),
        Col("name", "股室名称", True, "如“行政审批服务股”"),
        Col("mode", "设置方式", False, "空为“其他业务股室”", Section.Mode.choices, width=24),
        Col("head", "股长", False, PERSON_NOTE + "；须是本单位人员"),
        Col("phone", "电话", False, "如0737-8822345"),
        Col("duties", "职能职责", False, "", width=30),
        Col(
            "hall_presence", "进驻政务大厅情况", False, "空为“未进驻”", Section.HallPresence.choices
        ),
        Col("presence_reason", "未完全进驻原因", False, "审批服务股室未成建制进驻时必填", width=24),
        Col(
            "presence_plan", "进驻整改计划及措施", False, "审批服务股室未成建制进驻时必填", width=24
        ),
        Col("basis", "设立依据或文件", False, "", width=24),
    ),
    "所属单位+股室名称",
)
STAFF = Sheet(
    "staff",
    "工作人员",
    (
        Col("name", "姓名", True, ""),
        Col("mobile", "手机号码", True, "11位，不能与他人重复", width=14),
        Col("username", "登录名", False, "字母、数字或@.+-_；有角色的人员必填，不能重复"),
        Col(
            "roles",
            "角色",
            False,
            "多个用顿号分隔：" + "、".join(label for _c, label in STAFF_ROLES),
            width=24,
        ),
        Col("unit", "派出单位", True, "单位全称", width=30),
        Col("section", "所在股室", False, "须是派出单位的股室"),
        Col("title", "职务", False, "如“科员”"),
        Col("establishment", "编制情况", False, "空为“在编在岗”", Staff.Establishment.choices),
        Col(
            "exception",
            "非在编人员上岗例外说明",
            False,
            "非在编人员在窗口上岗时必填：谁批准、为什么",
            width=24,
        ),
        Col("active", "在岗", False, "是/否，空为“是”", YES_NO),
    ),
    "登录名（无登录名时为手机号码）",
)
HALLS = Sheet(
    "halls",
    "大厅",
    (
        Col("name", "大厅名称", True, "如“桃江县政务服务中心”", width=24),
        Col("kind", "类型", True, "", Hall.Kind.choices, width=22),
        Col("region", "行政区划代码", True, "12位"),
        Col("owner", "所属单位", False, "乡镇中心、部门大厅填所属单位全称", width=24),
        Col("address", "地址", False, "", width=30),
        Col("hours", "办公时间", False, "", width=30),
        Col("phone", "咨询电话", False, ""),
    ),
    "大厅名称",
)
POSTS = Sheet(
    "posts",
    "窗口",
    (
        Col("hall", "所在大厅", True, "大厅名称", width=22),
        Col("number", "窗口号", True, "数字、字母或连字符，最多10位"),
        Col("name", "窗口名称", True, "如“县市监局窗口”", width=22),
        Col("kind", "窗口类型", False, "空为“部门业务窗口”", WindowPost.Kind.choices),
        Col("units", "服务单位", True, "单位全称，多个用顿号分隔", width=40),
        Col("staff_a", "A岗人员", True, PERSON_NOTE + "；一人只能在一个窗口任A岗"),
        Col("staff_b", "B岗人员", False, PERSON_NOTE + "；不能与A岗同一人"),
        Col("active", "启用", False, "是/否，空为“是”", YES_NO),
    ),
    "所在大厅+窗口号",
)
SHEETS = (REGIONS, UNITS, SECTIONS, STAFF, HALLS, POSTS)


def label_of(col: Col, code: str) -> str:
    return dict(col.choices).get(code, code)


def code_of(col: Col, text: str) -> str | None:
    """The stored code for a cell's text: the label (or the code itself); None when neither."""
    for code, label in col.choices:
        if text in (code, label):
            return code
    # Common short forms of the labels ("县" for 县（区）, "其他" for the long 编制 label).
    for code, label in col.choices:
        if label.split("（")[0] == text:
            return code
    return None


def split_list(text: str) -> list[str]:
    parts = [text]
    for sep in LIST_SEPARATORS:
        parts = [p for chunk in parts for p in chunk.split(sep)]
    return [p.strip() for p in parts if p.strip()]
