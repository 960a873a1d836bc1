"""One Chinese date form in every document and message: 2026年1月8日, never 2026年01月08日."""

import datetime

from onewindow.documents.dates import BLANK, cn_date


def test_cn_date_writes_the_month_and_day_without_a_leading_zero():
    assert cn_date(datetime.date(2026, 11, 18)) == "2026年11月18日"
    # The edge on which the appraisal report disagreed (it wrote 2026年01月01日).
    assert cn_date(datetime.date(2026, 1, 1)) == "2026年1月1日"
    assert cn_date(datetime.date(2027, 9, 30)) == "2027年9月30日"


def test_cn_date_of_no_date_is_the_blank_asked_for():
    assert cn_date(None) == ""
    assert cn_date(None, BLANK) == "年    月   日"


def test_a_datetime_is_written_as_its_date():
    assert cn_date(datetime.datetime(2026, 12, 1, 23, 59)) == "2026年12月1日"
