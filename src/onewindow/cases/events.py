"""The event chain: digest_n = HMAC-SM3(key, digest_(n-1) | the event's fields)."""

import hmac
import json

from django.conf import settings

from onewindow.cases.models import CaseEvent

GENESIS = "0" * 64


def event_digest(prev: str, event: CaseEvent) -> str:
    body = "|".join(
        [
            prev,
            str(event.case_id),
            str(event.seq),
            event.at.isoformat(),
            str(event.actor_id or ""),
            event.channel,
            event.action,
            event.from_state,
            event.to_state,
            json.dumps(event.details, ensure_ascii=False, sort_keys=True, default=str),
        ]
    )
    return hmac.new(settings.DIGEST_KEY, body.encode(), "sm3").hexdigest()


def verify(case_ids=None) -> list[tuple[int, int, str]]:
    """Broken links as (case id, seq, reason); empty when every chain holds."""
    qs = CaseEvent.objects.order_by("case_id", "seq")
    if case_ids is not None:
        qs = qs.filter(case_id__in=list(case_ids))
    broken, case_id, prev, expected_seq = [], None, GENESIS, 1
    for event in qs.iterator(chunk_size=2000):
        if event.case_id != case_id:
            case_id, prev, expected_seq = event.case_id, GENESIS, 1
        if event.seq != expected_seq:
            broken.append((event.case_id, event.seq, f"序号应为{expected_seq}，缺失或被删除"))
        if event_digest(prev, event) != event.digest:
            broken.append((event.case_id, event.seq, "摘要不符，事件内容被改动"))
        prev, expected_seq = event.digest, event.seq + 1
    return broken
