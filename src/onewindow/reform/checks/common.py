"""What the check builders share: links to the records facts are about, accepted filings."""

from collections.abc import Callable

from django.urls import reverse

from onewindow.reform.models import Filing

# A check names at most this many records of one kind as facts of their own, then one fact for
# the rest with the list's link: a county with thousands of late anomalies made the scorecard
# build a sentence and a URL for each (issue 22), and no one reads past the first screen.
LISTED = 10


def listed(records: list, fact: Callable, more: str, url: str) -> list:
    """`fact(record)` for the first LISTED records, and when more remain, one failing fact
    `more` (formatted with their number) pointing at `url`."""
    from onewindow.reform.checks import Fact

    shown = [fact(r) for r in records[:LISTED]]
    if len(records) > LISTED:
        shown.append(Fact(more.format(len(records) - LISTED), False, url))
    return shown


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
