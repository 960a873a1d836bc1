"""Issue 15 item 24: no phone number in the logs, from the log SMS sender or anywhere else."""

import logging

from onewindow.supervision.sms import LogSender

PHONE = "13807371234"


def test_i15_24_log_sender_masks_the_phone(caplog):
    with caplog.at_level(logging.INFO, logger="onewindow.sms"):
        LogSender().send(PHONE, f"【一窗通办】请回电{PHONE}。")
    assert PHONE not in caplog.text
    assert "138****1234" in caplog.text


def test_i15_24_every_log_line_is_masked_by_the_handler():
    handlers = [h for h in logging.getLogger().handlers if h.filters]
    assert handlers, "the configured console handler carries the masking filter"
    record = logging.LogRecord(
        "onewindow.any", logging.WARNING, __file__, 1, "applicant %s, case %s, id %s", None, None
    )
    record.args = (f"+86 {PHONE}", "43092220261201002200001", "430922198001011234")
    assert all(h.filter(record) for h in handlers)
    line = record.getMessage()
    assert PHONE not in line
    assert "43092220261201002200001" in line and "430922198001011234" in line  # not phones
