"""Hall devices (大厅设备): a window's rating tablet and the hall's wall display, each signed in by
a token of its own that the hall manager issues and revokes, never by a person's session.

A clerk who finishes a case puts it before the applicant on the tablet of the case's window
(`kiosk_offer`); the tablet shows that case's rating form with no level chosen, and the
applicant's rating goes through `ratings.rate` like any other channel."""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from onewindow.cases.models import Case
from onewindow.common import crypto
from onewindow.common.sorting import natural_key
from onewindow.org.models import Hall, User, WindowPost
from onewindow.org.permissions import allows
from onewindow.supervision import ratings
from onewindow.supervision.models import Kiosk, Rating

COOKIE = "onewindow_kiosk"
COOKIE_DAYS = 400  # browsers cap cookies at about this; the manager revokes, not the calendar


def token_digest(token: str) -> str:
    # 256 random bits: a plain SM3 suffices (nothing to guess), and no key is needed to check it.
    return crypto.sm3(token.strip().encode())


def kiosk_list(*, user: User):
    if not allows(user, "supervision.view_kiosks"):
        raise PermissionDenied("只有政务服务中心管理员可以管理大厅设备。")
    return Kiosk.objects.select_related("hall", "window_post", "created_by").order_by(
        "revoked_at", "hall_id", "purpose", "name", "id"
    )


def kiosk_rows(*, user: User) -> list[Kiosk]:
    """The devices as listed: those in use first, then by hall, purpose and name in natural
    order (评价器2 before 评价器10)."""
    return sorted(
        kiosk_list(user=user),
        key=lambda k: (k.revoked_at is not None, k.hall_id, k.purpose, natural_key(k.name), k.pk),
    )


def kiosk_get(kiosk_id: int, *, user: User) -> Kiosk:
    kiosk = kiosk_list(user=user).filter(pk=kiosk_id).first()
    if kiosk is None:
        raise Http404("没有找到该设备。")
    return kiosk


@transaction.atomic
def kiosk_register(
    *,
    acting_user: User,
    name: str,
    purpose: str,
    hall: Hall | None,
    window_post: WindowPost | None = None,
) -> tuple[Kiosk, str]:
    """A new device and its token, shown once; only the token's digest is kept."""
    if not allows(acting_user, "supervision.manage_kiosks"):
        raise PermissionDenied("只有政务服务中心管理员可以登记大厅设备。")
    errors = {}
    name = (name or "").strip()
    if not name or len(name) > 60:
        errors["name"] = "请填写设备名称（60字以内），如“3号窗口评价器”。"
    if purpose not in Kiosk.Purpose.values:
        errors["purpose"] = "请选择用途：窗口评价器或监察大屏。"
    if hall is None:
        errors["hall"] = "请选择设备所在的大厅。"
    if purpose == Kiosk.Purpose.RATING:
        if window_post is None:
            errors["window_post"] = "窗口评价器须绑定一个窗口，请选择窗口。"
        elif hall is not None and window_post.hall_id != hall.pk:
            errors["window_post"] = f"窗口{window_post.number}不在{hall.name}，请重新选择。"
    else:
        window_post = None
    if errors:
        raise ValidationError(errors)
    token = "owk_" + secrets.token_urlsafe(32)
    kiosk = Kiosk.objects.create(
        name=name,
        purpose=purpose,
        hall=hall,
        window_post=window_post,
        token_digest=token_digest(token),
        created_by=acting_user,
    )
    return kiosk, token


@transaction.atomic
def kiosk_revoke(*, acting_user: User, kiosk: Kiosk) -> Kiosk:
    if not allows(acting_user, "supervision.manage_kiosks"):
        raise PermissionDenied("只有政务服务中心管理员可以停用大厅设备。")
    kiosk = Kiosk.objects.select_for_update().get(pk=kiosk.pk)
    if kiosk.revoked_at is None:
        kiosk.revoked_at, kiosk.revoked_by = timezone.now(), acting_user
        kiosk.offered_case = None
        kiosk.save(update_fields=["revoked_at", "revoked_by", "offered_case"])
    return kiosk


def kiosk_for_token(token: str | None) -> Kiosk | None:
    """The active device that holds `token`, or None (unknown, revoked)."""
    if not token or len(token) > 100:
        return None
    kiosk = (
        Kiosk.objects.select_related("hall", "window_post", "offered_case__item")
        .filter(token_digest=token_digest(token), revoked_at__isnull=True)
        .first()
    )
    if kiosk is not None:
        now = timezone.now()
        if kiosk.last_seen_at is None or (now - kiosk.last_seen_at).total_seconds() > 60:
            Kiosk.objects.filter(pk=kiosk.pk).update(last_seen_at=now)
    return kiosk


@transaction.atomic
def kiosk_offer(*, acting_user: User, case: Case) -> Kiosk:
    """The clerk puts an ended case before the applicant on the tablet of the case's window."""
    if not allows(acting_user, "supervision.offer_rating"):
        raise PermissionDenied("只有窗口工作人员可以请申请人在评价器上评价。")
    if case.state not in ratings.RATEABLE:
        raise ValidationError("办件办结、不予受理或终止后才能请申请人评价。")
    if Rating.objects.filter(case=case, channel=Rating.Channel.WINDOW_TABLET).exists():
        raise ValidationError("该办件已在窗口评价器上评价过，每个渠道只能评价一次。")
    kiosk = (
        Kiosk.objects.select_for_update()
        .filter(
            purpose=Kiosk.Purpose.RATING,
            window_post_id=case.window_post_id,
            revoked_at__isnull=True,
        )
        .order_by("-id")
        .first()
    )
    if kiosk is None:
        where = f"窗口{case.window_post.number}" if case.window_post_id else "该办件的受理窗口"
        raise ValidationError(
            f"{where}还没有登记评价器。请政务服务中心管理员在“大厅设备”中为该窗口登记评价器，"
            "或请申请人扫描通知书上的二维码评价。"
        )
    kiosk.offered_case, kiosk.offered_at = case, timezone.now()
    kiosk.save(update_fields=["offered_case", "offered_at"])
    return kiosk


def kiosk_case(kiosk: Kiosk) -> Case | None:
    """The case waiting for the applicant's rating on this tablet, if it still may be rated."""
    case = kiosk.offered_case
    if case is None or case.state not in ratings.RATEABLE:
        return None
    if Rating.objects.filter(case=case, channel=Rating.Channel.WINDOW_TABLET).exists():
        return None
    return case


@transaction.atomic
def kiosk_rate(
    *, kiosk: Kiosk, case_id: int | None, level: int, tags: list[str], text: str, by=None
) -> Rating:
    """The applicant's rating on the tablet, for the case the clerk offered (and no other)."""
    kiosk = Kiosk.objects.select_for_update().get(pk=kiosk.pk)
    if kiosk.purpose != Kiosk.Purpose.RATING or kiosk.revoked_at is not None:
        raise PermissionDenied("该设备不是在用的窗口评价器。")
    case = kiosk_case(kiosk)
    if case is None or case.pk != case_id:
        raise ValidationError("该办件已不在评价器上等待评价，请窗口工作人员重新推送。")
    rating = ratings.rate(
        case=case, channel=Rating.Channel.WINDOW_TABLET, level=level, tags=tags, text=text, by=by
    )
    kiosk.offered_case = None
    kiosk.save(update_fields=["offered_case"])
    return rating
