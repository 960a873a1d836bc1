"""Issue 15 item 17: the applicant downloads the notices of their own cases from 我的办事; the
notices of anyone else's case stay out of reach."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from onewindow.cases import notices
from onewindow.cases.tests.conftest import APPLICANT
from onewindow.cases.workflow import State
from onewindow.testing.factories import ApplicantFactory, CaseFactory, id_number

pytestmark = pytest.mark.django_db
MINE = {**APPLICANT, "applicant_name": "张三", "applicant_id": id_number(612)}
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@time_machine.travel(NOW, tick=False)
def test_i15_17_applicant_downloads_own_notices_not_others(client, desk):
    def closed_case(applicant):
        return CaseFactory(
            desk=desk, item=desk.instant_item, state=State.CLOSED, applicant=applicant
        )

    mine, theirs = closed_case(MINE), closed_case(APPLICANT)
    client.force_login(ApplicantFactory(identity=MINE["applicant_id"]))
    kinds = notices.available(mine)
    assert "accept" in kinds and "decision" in kinds
    page = client.get(f"/me/cases/{mine.pk}/").content.decode()
    for kind in kinds:
        url = f"/cases/{mine.pk}/notice/{kind}.pdf"
        assert url in page  # 我的办事 offers each notice
        response = client.get(url)
        assert response.status_code == 200, (kind, response.status_code)
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    other = client.get(f"/cases/{theirs.pk}/notice/accept.pdf")
    assert other.status_code == 404
    assert client.get(f"/cases/{mine.pk}/notice/nonsense.pdf").status_code == 404
