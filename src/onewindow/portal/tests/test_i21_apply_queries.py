"""我的申请 (issue 21 item 2): as many queries for one draft as for many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.portal import drafts
from onewindow.testing import org as testing_org
from onewindow.testing.factories import ApplicantFactory, ItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(db):
    return ApplicantFactory(identity=testing_org.id_number(11), display_name="张三")


@pytest.fixture
def applicant_client(client, me):
    client.force_login(me)
    return client


def test_my_applications_reads_the_same_number_of_queries_for_one_or_many(applicant_client, me):
    items = [ItemFactory(handling_forms="2", online_depth=2) for _ in range(4)]
    drafts.draft_create(acting_user=me, item=items[0])

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert applicant_client.get("/me/applications/").status_code == 200
        return len(seen)

    queries()  # the first request of a session fills per-process caches
    one = queries()
    for item in items[1:]:
        drafts.draft_create(acting_user=me, item=item)
    assert queries() == one
