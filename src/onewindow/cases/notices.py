"""Written notices of a case as A4 PDFs: the CJK font embedded, the unit's name and (when
enabled) its approval seal, and a QR code to the case's public progress page."""

import io

import segno
from django.conf import settings
from django.core import signing
from django.urls import reverse

from onewindow.cases.models import Case
from onewindow.catalog.models import SPECIAL_PROCEDURES

SALT = "case-progress"
TITLES = {
    "accept": "受理通知书",
    "correction": "补正材料通知书（一次性告知书）",
    "rongque": "容缺受理通知书",
    "refuse": "不予受理通知书",
    "suspend": "特别程序告知书",
    "extend": "延期告知书",
    "decision": "行政审批决定书",
    "receipt": "送达回证",
}


def progress_token(case: Case) -> str:
    return signing.dumps(case.pk, salt=SALT)


def progress_path(case: Case) -> str:
    return reverse("portal:progress", args=[progress_token(case)])


def _last(case: Case, action: str):
    return case.events.filter(action=action).order_by("-seq").first()


def available(case: Case) -> list[str]:
    """The notices this case has so far, in the order they arise."""
    kinds = []
    if _last(case, "notify_correction"):
        kinds.append("correction")
    if case.accepted_on:
        kinds.append("rongque" if case.rongque_deadline else "accept")
    if case.state == "refused":
        kinds.append("refuse")
    if _last(case, "suspend"):
        kinds.append("suspend")
    if case.extended_days:
        kinds.append("extend")
    if case.result:
        kinds.extend(["decision", "receipt"])
    return kinds


def _date(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


PROVISIONAL = "（暂定，待国务院公布节假日安排后重算）"


def _due(case: Case) -> str:
    """The due date as the applicant reads it, marked when a provisional calendar year made it."""
    return _date(case.due_date) + (PROVISIONAL if case.due_provisional else "")


def _body(case: Case, kind: str) -> list[str]:
    item, name = case.item.name, case.applicant_name
    if kind == "accept":
        return [
            f"{name}：",
            f"你（单位）于{_date(case.received_on)}提出的{item}申请，申请材料齐全、符合法定形式，"
            f"根据《中华人民共和国行政许可法》第三十二条的规定，本机关决定予以受理。",
            f"受理编号：{case.number}。承诺办结日期：{_due(case)}"
            f"（{case.item.promised_limit}个工作日，不含法定节假日）。",
        ]
    if kind == "correction":
        event = _last(case, "notify_correction")
        rows = case.materials.filter(pk__in=[int(k) for k in event.details.get("problems", {})])
        lines = [f"{n}. {m.name}：{m.note}" for n, m in enumerate(rows, 1)]
        return [
            f"{name}：",
            f"你（单位）提出的{item}申请，申请材料不齐全或者不符合法定形式。根据《中华人民共和国"
            "行政许可法》第三十二条的规定，现一次性告知你需要补正的全部内容如下：",
            *lines,
            "请补正后再次提交。补正的材料齐全、符合法定形式的，本机关将予以受理。",
        ]
    if kind == "rongque":
        missing = "、".join(m.name for m in case.materials.filter(rongque=True))
        return [
            f"{name}：",
            f"你（单位）提出的{item}申请，主要材料齐全，次要材料（{missing}）暂缺。根据你签署的承诺，"
            f"本机关予以容缺受理，受理编号：{case.number}，承诺办结日期：{_due(case)}。",
            f"请于{_date(case.rongque_deadline)}前补齐上述材料；逾期未补齐的，容缺受理终止，"
            "本机关将终止办理并书面告知。",
        ]
    if kind == "refuse":
        return [
            f"{name}：",
            f"你（单位）提出的{item}申请，经审查，决定不予受理。理由：{case.end_reason}",
            "如不服本决定，可以依法申请行政复议或者提起行政诉讼。",
        ]
    if kind == "suspend":
        event = _last(case, "suspend")
        label = SPECIAL_PROCEDURES.get(event.details.get("procedure"), "特别程序")
        return [
            f"{name}：",
            f"你（单位）申请的{item}（编号{case.number}）需要进行{label}。根据《中华人民共和国"
            f"行政许可法》第四十五条，所需时间不计算在办理期限内，预计需要"
            f"{event.details.get('expected_days')}个工作日。",
            f"事由：{event.details.get('reason', '')}",
        ]
    if kind == "extend":
        event = _last(case, "extend")
        return [
            f"{name}：",
            f"你（单位）申请的{item}（编号{case.number}），因{event.details.get('reason', '')}，"
            f"经{event.details.get('approver', '')}批准，办理期限延长{case.extended_days}个工作日，"
            f"延长后的办结日期为{_due(case)}。",
        ]
    if kind == "decision":
        verdict = "准予" if case.result == Case.Result.APPROVED else "不予"
        text = [
            f"{name}：",
            f"你（单位）申请的{item}（编号{case.number}），经审查，本机关决定{verdict}行政许可（审批）。",
        ]
        if case.result_text:
            text.append(("理由：" if verdict == "不予" else "说明：") + case.result_text)
        if verdict == "不予":
            text.append("如不服本决定，可以依法申请行政复议或者提起行政诉讼。")
        return text
    if kind == "receipt":
        how = case.get_delivery_mode_display() or "＿＿＿＿"
        return [
            f"送达文书：{item}决定书（编号{case.number}）",
            f"受送达人：{name}",
            f"送达方式：{how}",
            "受送达人签名：＿＿＿＿＿＿＿＿    送达日期：＿＿＿＿年＿＿月＿＿日",
            "送达人签名：＿＿＿＿＿＿＿＿",
        ]
    raise ValueError(kind)


def render(case: Case, kind: str, *, base_url: str) -> bytes:
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, SimpleDocTemplate, Spacer, Table

    from onewindow.documents import cjk_font, files
    from onewindow.documents.pdf import paragraph

    font = cjk_font()
    title = ParagraphStyle("t", fontName=font, fontSize=20, leading=30, alignment=TA_CENTER)
    body = ParagraphStyle("b", fontName=font, fontSize=13, leading=24, firstLineIndent=26)
    plain = ParagraphStyle("p", fontName=font, fontSize=13, leading=24)
    right = ParagraphStyle("r", parent=plain, alignment=TA_RIGHT)
    small = ParagraphStyle("s", fontName=font, fontSize=9, leading=12)
    story = [
        paragraph(case.unit.name, title),
        paragraph(TITLES[kind], title),
        paragraph(f"编号：{case.number or '（未受理）'}", right),
        Spacer(1, 6 * mm),
    ]
    lines = _body(case, kind)
    story += [paragraph(lines[0], plain)] + [paragraph(t, body) for t in lines[1:]]
    story.append(Spacer(1, 12 * mm))
    seal = getattr(case.unit, "seal", None)
    day = case.decided_on if kind == "decision" else None
    signature = [
        paragraph(f"{case.unit.name}（行政审批专用章）", right),
        paragraph(_date(day or case.accepted_on or case.received_on), right),
    ]
    if (
        seal is not None
        and seal.enabled
        and seal.impression
        # A seal stored before uploads were limited is left out rather than decoded whole.
        and files.image_fits(seal.impression, getattr(settings, "SEAL_IMAGE_MAX_SIDE", 2000))
    ):
        story.append(Table([[signature, Image(seal.impression.path, 36 * mm, 36 * mm)]]))
    else:
        story += signature
    url = base_url.rstrip("/") + progress_path(case)
    qr = io.BytesIO()
    segno.make(url, error="m").save(qr, kind="png", scale=3, border=1)
    qr.seek(0)
    story += [Spacer(1, 10 * mm), Image(qr, 28 * mm, 28 * mm), paragraph("扫码查询办理进度", small)]
    out = io.BytesIO()
    SimpleDocTemplate(
        out, pagesize=A4, title=TITLES[kind], leftMargin=25 * mm, rightMargin=25 * mm
    ).build(story)
    return out.getvalue()
