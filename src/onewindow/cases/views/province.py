"""Applications from the provincial platform that were not taken, with the reason, for the hall
manager (the platform was told too; the applicant hears it from the platform)."""

from django.conf import settings
from django.shortcuts import render

from onewindow.cases.models import ProvincePull
from onewindow.cases.services import province
from onewindow.org.access import permission_required

SHOWN = 200


@permission_required("cases.view_province_refused")
def province_refused(request):
    rows = list(province.refused_list(limit=SHOWN + 1))
    url = getattr(settings, "ONEWINDOW_PROVINCE_PULL_URL", "")
    return render(
        request,
        "cases/province_refused.html",
        {
            "rows": rows[:SHOWN],
            "more": len(rows) > SHOWN,
            "shown": SHOWN,
            "pull_url": url,
            "pull": ProvincePull.objects.filter(url=url[:300]).first() if url else None,
        },
    )
