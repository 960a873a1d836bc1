"""The code sets of GB/T 39046-2020 appendix A and of the exchange, for the data-set table."""

from dataclasses import dataclass

# --- code sets (GB/T 39046-2020 appendix A, and the exchange's own) ----------------------------


@dataclass(frozen=True)
class CodeSet:
    key: str
    name: str
    codes: dict[str, str]
    ref: str  # where it comes from
    verified: bool = True


CODE_SETS = {
    c.key: c
    for c in [
        CodeSet(
            "item_type",
            "事项类型",
            {
                "01": "行政许可",
                "02": "行政处罚",
                "03": "行政强制",
                "04": "行政征收",
                "05": "行政给付",
                "06": "行政检查",
                "07": "行政确认",
                "08": "行政奖励",
                "09": "行政裁决",
                "10": "其他行政权力",
                "20": "公共服务",
            },
            "A.1",
        ),
        CodeSet(
            "exercise_level",
            "行使层级",
            {
                "1": "国家级",
                "2": "省级",
                "3": "市级",
                "4": "县级",
                "5": "乡镇（街道）级",
                "6": "村（社区）级",
                "7": "分级管理",
            },
            "A.2",
        ),
        CodeSet(
            "service_object",
            "服务对象",
            {
                "1": "自然人",
                "2": "企业法人",
                "3": "事业法人",
                "4": "社会组织法人",
                "5": "非法人企业",
                "6": "行政机关",
                "9": "其他组织",
            },
            "A.4",
            verified=False,
        ),
        CodeSet(
            "handling_form",
            "办理形式（申报来源）",
            {"1": "窗口办理", "2": "网上办理", "3": "掌上办理", "4": "快递申请"},
            "A.5",
        ),
        CodeSet("case_kind", "办件类型", {"1": "即办件", "2": "承诺件", "9": "其他"}, "A.6"),
        CodeSet(
            "special_procedure",
            "特别程序种类",
            {
                "1": "延长审批",
                "2": "除名",
                "3": "听证",
                "4": "招标",
                "5": "拍卖",
                "6": "检验",
                "7": "检测",
                "8": "检疫",
                "9": "鉴定",
                "10": "专家评审",
                "99": "其他",
            },
            "A.7",
            verified=False,
        ),
        CodeSet(
            "satisfaction",
            "满意度",
            {"1": "非常满意", "2": "满意", "3": "基本满意", "4": "不满意", "5": "非常不满意"},
            "A.8",
        ),
        CodeSet(
            "applicant_type", "申请人类型", {"1": "自然人", "2": "法人或其他组织"}, "表5", False
        ),
        CodeSet(
            "id_type",
            "证件类型",
            {"111": "居民身份证", "001": "统一社会信用代码"},
            "GA/T 2000.156（001为平台约定）",
            False,
        ),
        CodeSet("yes_no", "是否", {"0": "否", "1": "是"}, "通用", False),
        CodeSet(
            "receive_way",
            "材料收取方式",
            {"1": "纸质", "2": "电子", "3": "部门共享获取", "9": "未收取"},
            "表5",
            False,
        ),
        CodeSet("accept_result", "受理结果", {"1": "受理", "2": "不予受理"}, "表6", False),
        CodeSet("step_action", "办理动作", {"1": "通过", "2": "退回", "9": "其他"}, "表7", False),
        CodeSet("step_state", "环节状态", {"1": "待办", "2": "已办"}, "表7"),
        CodeSet(
            "completion_result",
            "办结结果",
            {"1": "准予", "2": "不予", "3": "申请人撤回", "4": "终止办理"},
            "表8",
            False,
        ),
        CodeSet(
            "rating_channel",
            "评价渠道",
            {
                "1": "PC端",
                "2": "移动端",
                "3": "二维码",
                "4": "政务大厅评价器",
                "5": "电话",
                "6": "短信",
            },
            "表9",
            False,
        ),
        CodeSet(
            "order_state",
            "督办状态",
            {"1": "已督办待反馈", "2": "已反馈待审核", "3": "逾期未反馈已升级", "4": "已办结"},
            "6.8",
            False,
        ),
        CodeSet(
            "operation", "操作类型", {"I": "新增", "U": "更新", "D": "删除"}, "交换约定", False
        ),
    ]
}
