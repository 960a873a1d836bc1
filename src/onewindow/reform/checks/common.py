"""What the check builders share: links to the records facts are about, accepted filings."""

from django.urls import reverse

from onewindow.reform.models import Filing


def unit_url(unit) -> str:
    return reverse("org:unit_detail", args=[unit.pk])


def item_url(item_id: int) -> str:
    return reverse("catalog:item_detail", args=[item_id])


def accepted(filings, kind, item_id=None) -> list[Filing]:
    return [
        f
        for f in filings
        if f.kind == kind
        and f.state == Filing.State.ACCEPTED
        and (item_id is None or f.item_id == item_id)
    ]
