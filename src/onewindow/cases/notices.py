"""Written notices of a case as A4 PDFs: the CJK font embedded, the unit's name and (when
enabled) its approval seal, and a QR code to the case's public progress page. The wording of
each notice is the template cases/notices/<kind>.txt (see onewindow.documents.wording)."""

from collections.abc import Collection

from django.core import signing
from django.urls import reverse

from onewindow.cases.models import Case
from onewindow.catalog.models import SPECIAL_PROCEDURES
from onewindow.documents import pdf, qr, wording
from onewindow.documents.dates import cn_date

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


def available(case: Case, seen: Collection[str] | None = None) -> list[str]:
    """The notices this case has so far, in the order they arise. `seen`: the actions of the
    case's events, when the caller holds them already (then no query is made)."""

    def had(action: str) -> bool:
        return action in seen if seen is not None else _last(case, action) is not None

    kinds = []
    if had("notify_correction"):
        kinds.append("correction")
    if case.accepted_on:
        kinds.append("rongque" if case.rongque_deadline else "accept")
    if case.state == "refused":
        kinds.append("refuse")
    if had("suspend"):
        kinds.append("suspend")
    if case.extended_days:
        kinds.append("extend")
    if case.result:
        kinds.extend(["decision", "receipt"])
    return kinds


PROVISIONAL = "（暂定，待国务院公布节假日安排后重算）"


def _due(case: Case) -> str:
    """The due date as the applicant reads it, marked when a provisional calendar year made it."""
    return cn_date(case.due_date) + (PROVISIONAL if case.due_provisional else "")


def _context(case: Case, kind: str) -> dict:
    """What the notice's wording template reads: the case, and the few facts worked out here."""
    context = {"case": case, "item": case.item.name, "name": case.applicant_name}
    context["due"] = _due(case)
    if kind == "correction":
        event = _last(case, "notify_correction")
        keys = [int(k) for k in event.details.get("problems", {})]
        context["problems"] = [
            {"name": m.name, "note": m.note} for m in case.materials.filter(pk__in=keys)
        ]
        context["correct_by"] = cn_date(case.correct_by)
    elif kind == "rongque":
        context["missing"] = "、".join(m.name for m in case.materials.filter(rongque=True))
    elif kind == "suspend":
        context["event"] = event = _last(case, "suspend")
        context["procedure"] = SPECIAL_PROCEDURES.get(event.details.get("procedure"), "特别程序")
    elif kind == "extend":
        context["event"] = _last(case, "extend")
    elif kind == "decision":
        context["approved"] = case.result == Case.Result.APPROVED
    return context


def _paragraphs(case: Case, kind: str) -> list[wording.Para]:
    if kind not in TITLES:
        raise ValueError(kind)
    return wording.paragraphs(f"cases/notices/{kind}.txt", _context(case, kind))


def _body(case: Case, kind: str) -> list[str]:
    """The notice's paragraphs as text, from its wording template."""
    return [p.text for p in _paragraphs(case, kind)]


def render(case: Case, kind: str, *, base_url: str) -> bytes:
    s = pdf.styles(13)
    story = [
        pdf.paragraph(case.unit.name, s.title),
        pdf.paragraph(TITLES[kind], s.title),
        pdf.paragraph(f"编号：{case.number or '（未受理）'}", s.right),
        pdf.gap(6),
    ]
    story += [pdf.paragraph(p.text, getattr(s, p.style)) for p in _paragraphs(case, kind)]
    story.append(pdf.gap(12))
    day = case.decided_on if kind == "decision" else None
    signature = [
        pdf.paragraph(f"{case.unit.name}（行政审批专用章）", s.right),
        pdf.paragraph(cn_date(day or case.accepted_on or case.received_on), s.right),
    ]
    story += pdf.signed(signature, case.unit)
    url = base_url.rstrip("/") + progress_path(case)
    story += [pdf.gap(10), qr.flowable(url, 28), pdf.paragraph("扫码查询办理进度", s.small)]
    return pdf.build(story, title=TITLES[kind], margin_mm=25)
