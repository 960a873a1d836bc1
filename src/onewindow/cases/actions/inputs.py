"""What each case action takes: one schema per action, read by the page form and the API alike
(case_actions.py registers the actions)."""

import datetime

from ninja import Field, Schema

from onewindow.cases.models import Handoff
from onewindow.common import limits


class AcceptIn(Schema):
    window_post: int | None = Field(None, title="受理窗口")
    rongque: bool = Field(False, title="容缺受理")
    commitment: str = Field("", title="申请人承诺", max_length=limits.REASON)
    deadline: datetime.date | None = Field(None, title="容缺补齐期限")


class ProblemsIn(Schema):
    problems: dict[int, str] = Field(title="需补正的材料")


class ReceivedIn(Schema):
    received: list[int] = Field(default_factory=list, title="已补交的材料")


class ReasonIn(Schema):
    reason: str = Field("", title="理由", max_length=limits.REASON)


class DecisionIn(Schema):
    result: str = Field("", title="决定", description="approved 准予 / denied 不予")
    text: str = Field("", title="决定内容或理由", max_length=limits.REASON)
    # 结果证照: sent in the 办结 record to the provincial platform (GB/T 39046 table 8).
    licence_name: str = Field("", title="结果证照名称", max_length=100)
    licence_number: str = Field("", title="结果证照编号", max_length=100)
    licence_valid_until: datetime.date | None = Field(None, title="证照有效期至")


class OpinionIn(Schema):
    opinion: str = Field("", title="意见", max_length=limits.REASON)


class ForwardIn(OpinionIn):
    handoff: str = Field(Handoff.ONLINE, title="转办方式", description="online / paper")


class KeyProjectIn(Schema):
    project_name: str = Field("", title="项目名称", max_length=limits.NAME)
    project_doc: str = Field("", title="认定文件文号", max_length=limits.NAME)


class TechReviewIn(Schema):
    kind: str = Field("", title="技术审查类型")
    assignee_org: str = Field("", title="承担机构", max_length=limits.NAME)
    assignee_name: str = Field("", title="负责人")
    limit_days: int = Field(0, title="时限（工作日）")


class TechReportIn(Schema):
    conclusion: str = Field("", title="审查结论")
    file: object | None = Field(None, title="审查报告")


class SuspendIn(ReasonIn):
    procedure: str = Field("", title="特别程序")
    expected_days: int = Field(0, title="预计工作日")


class ExtendIn(ReasonIn):
    days: int = Field(0, title="延期工作日")
    approver: str = Field("", title="批准人", max_length=limits.NAME)


class AttachIn(Schema):
    material: int = Field(0, title="材料")
    file: object | None = Field(None, title="文件")


class DeliverIn(Schema):
    mode: str = Field("", title="送达方式", description="collect 窗口领取 / mail 邮寄送达")
    recipient: str = Field("", title="领取人", max_length=limits.NAME)
    recipient_id: str = Field("", title="领取人身份证号", max_length=18)
    receipt_signed: str = Field("", title="已在送达回证签字", max_length=10)
    address: str = Field("", title="邮寄地址", max_length=limits.NOTE)
    carrier: str = Field("", title="快递公司", max_length=limits.NAME)
    tracking: str = Field("", title="运单号", max_length=limits.NAME)
    fee: str = Field("", title="收费金额（元）", max_length=20)
    postage: str = Field("", title="邮寄费用（元）", max_length=20)


class ReceiptIn(Schema):
    received_on: datetime.date | None = Field(None, title="签收日期")
