"""Applications from the provincial platform that were not taken, with the reason, for the hall
manager (the platform was told too; the applicant hears it from the platform)."""

import re

from django.conf import settings
from django.shortcuts import render

from onewindow.cases.models import ProvincePull
from onewindow.cases.services import province
from onewindow.cases.services.province_input import code_label
from onewindow.org.access import permission_required

SHOWN = 200


@permission_required("cases.view_province_refused")
def province_refused(request):
    rows = list(province.refused_list(limit=SHOWN + 1))
    for row in rows:
        row.code_label = code_label(row.code)
        row.reason_text, row.reason_tech = _plain(row.reason)
    url = getattr(settings, "ONEWINDOW_PROVINCE_PULL_URL", "")
    pull = ProvincePull.objects.filter(url=url[:300]).first() if url else None
    return render(
        request,
        "cases/province_refused.html",
        {
            "rows": rows[:SHOWN],
            "more": len(rows) > SHOWN,
            "shown": SHOWN,
            "pull_url": url,
            "pull": pull,
            "pull_error": _plain(pull.last_error) if pull and pull.last_error else None,
            "resolved": sum(1 for row in rows[:SHOWN] if row.later_case_id),
        },
    )


# A program's name for an error in a stored text, e.g. （JSONDecodeError） (the pull's failure, a
# refusal recorded before its wording was plain): kept apart, in small print for the
# maintainers, so a person reads the Chinese only.
_TECHNICAL = re.compile(r"[（(]([A-Za-z_.]*(?:Error|Exception|Timeout)[A-Za-z_.]*)[）)]")


def _plain(text: str) -> tuple[str, str]:
    """The text without the technical names in it, and those names."""
    names = _TECHNICAL.findall(text)
    return _TECHNICAL.sub("", text), "、".join(names)
