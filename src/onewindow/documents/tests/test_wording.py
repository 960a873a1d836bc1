"""Wording templates: paragraphs marked with {% para %}, values kept as plain text, and a
notice's words really taken from its template (a county's edit changes the PDF)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from onewindow.documents import wording
from onewindow.documents.tests import pdftext

NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def template_dir(settings, tmp_path):
    """A directory searched before the apps' templates, as a county's edited copy would be."""
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    return tmp_path


def test_paragraphs_styles_gaps_and_plain_values(template_dir):
    (template_dir / "t.txt").write_text(
        "{% load wording %}给编辑的说明，不输出。\n"
        '{% para "title" gap=6 %}标题{% endpara %}\n'
        "{% para %}\n  第一句，\n  第二句：{{ who }}。\n{% endpara %}\n"
        '{% para "right" %}{{ day|cn_date }}{% endpara %}\n',
        encoding="utf-8",
    )
    found = wording.paragraphs(
        "t.txt", {"who": "<b>甲</b>&乙\n丙", "day": datetime.date(2026, 1, 5)}
    )
    assert found == [
        wording.Para("标题", "title", 6),
        wording.Para("第一句，第二句：<b>甲</b>&乙\n丙。", "body", 0),
        wording.Para("2026年1月5日", "right", 0),
    ]


def test_an_unknown_style_is_refused_when_the_template_is_read(template_dir):
    from django.template import TemplateSyntaxError

    (template_dir / "bad.txt").write_text(
        '{% load wording %}{% para "bold" %}x{% endpara %}', encoding="utf-8"
    )
    with pytest.raises(TemplateSyntaxError, match="unknown style"):
        wording.paragraphs("bad.txt", {})


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_changed_notice_template_changes_the_notice(template_dir, settings):
    from onewindow.cases import notices, services
    from onewindow.cases.tests.conftest import DAY, submit, user

    case = submit("食品生产许可")
    case = services.case_refuse(
        acting_user=user("clerk"), case=case, reason=pdftext.HOSTILE, day=DAY
    )
    before = pdftext.text(notices.render(case, "refuse", base_url="http://testserver/"))
    assert "决定不予受理。理由：" in before and "行政复议" in before

    edited = template_dir / "cases" / "notices"
    edited.mkdir(parents=True)
    (edited / "refuse.txt").write_text(
        '{% load wording %}{% para "plain" %}{{ name }}：{% endpara %}\n'
        "{% para %}经县政务服务中心审查，你（单位）提出的{{ item }}申请不予受理，"
        "原因是：{{ case.end_reason }}{% endpara %}\n",
        encoding="utf-8",
    )
    settings.TEMPLATES = list(settings.TEMPLATES)  # as a restart would: no cached template
    after = pdftext.text(notices.render(case, "refuse", base_url="http://testserver/"))
    assert "经县政务服务中心审查" in after and "原因是：" in after
    assert "行政复议" not in after and "决定不予受理。理由：" not in after
    pdftext.assert_verbatim(
        notices.render(case, "refuse", base_url="http://testserver/"), expected_images=1
    )
