"""The national records of outbox rows (datasets/table.py): the builders the apps register per
topic, and `build`, which adds the exchange's fields, cuts free text from immutable events to its
item's length, and `check`, the schema check the push makes before sending. Record ids come from
the row's event id (an update's from the record it updates), so a resend has the same ids."""

import datetime
import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from onewindow.exchange import datasets
from onewindow.exchange.models import Outbox

# The outbox's topics as people read them (the push page, refusals).
TOPICS = {"case_event": "办件事件", "rating": "评价", "order": "督办", "checkpoint": "事件链检查点"}


@dataclass
class Record:
    """One record of a national data set (datasets.DATASETS), without the exchange's fields:
    the push adds the record id (from the outbox row, so a resend has the same id), the batch
    number, the sync time and the data source."""

    data_set: str
    data: dict[str, Any]
    operation: str = "I"
    # An update (U) names the record it updates: that record's id, not one of its own row's.
    record_id: str = ""


# A builder turns a batch of outbox rows of its topic into their records: {row pk: records, or
# the Chinese reason the row's source data cannot make them}, in a constant number of queries.
Builder = Callable[[list[Outbox]], dict[int, "list[Record] | str"]]
BUILDERS: dict[str, Builder] = {}


def register(topic: str, builder: Builder) -> None:
    """The app that enqueues `topic` says how its rows become records (exchange reads no app
    above it; each app registers in its AppConfig.ready)."""
    BUILDERS[topic] = builder


@functools.cache
def _schema() -> dict[str, Any]:
    return datasets.schema()


@functools.cache
def _cuts() -> dict[str, tuple[tuple[str, int], ...]]:
    """Per data set, its free-text items taken from immutable events and their lengths."""
    return {
        d.key: tuple((i.key, i.max_length) for i in d.items if i.cut)
        for d in datasets.DATASETS.values()
    }


def _cut(data_set: str, data: dict[str, Any]) -> dict[str, Any]:
    """Free text longer than its item cut to the length, ending "…": the event it comes from can
    never be changed, so a record refused for its length would hold its case for ever."""
    for key, limit in _cuts().get(data_set, ()):
        value = data.get(key)
        if isinstance(value, str) and len(value) > limit:
            data[key] = value[: limit - 1] + "…"
    return data


def topic_label(topic: str) -> str:
    return TOPICS.get(topic, "未知类型")


def build(rows: list[Outbox], batch_no: str, now: datetime.datetime) -> dict[int, list | str]:
    """Each row's records with the exchange's fields, or why it has none (refused). A builder
    that fails outright (a defect, not data) raises: the batch fails and backs off."""
    by_topic: dict[str, list[Outbox]] = defaultdict(list)
    for o in rows:
        by_topic[o.topic].append(o)
    built: dict[int, list | str] = {}
    for topic, group in by_topic.items():
        builder = BUILDERS.get(topic)
        if builder is None:
            reason = (
                f"没有“{TOPICS[topic]}”记录的组装规则，请联系系统管理员"
                if topic in TOPICS
                else "未知的推送类型，没有组装规则，请联系系统管理员"
            )
            built.update({o.pk: reason for o in group})
            continue
        built.update(builder(group))
    sync_time = datasets.date_time(now)
    source = getattr(settings, "ONEWINDOW_EXCHANGE_SOURCE", "ONEWINDOW")
    for o in rows:
        made = built.get(o.pk, "源数据不存在，无法组装记录")
        if isinstance(made, str):
            built[o.pk] = made
            continue
        records, counts = [], defaultdict(int)
        for r in made:
            counts[r.data_set] += 1
            records.append(
                {
                    "data_set": r.data_set,
                    "record_id": r.record_id or f"{o.event_id}/{r.data_set}/{counts[r.data_set]}",
                    "batch_no": batch_no,
                    "operation": r.operation,
                    "sync_time": sync_time,
                    "data_source": source,
                    **_cut(r.data_set, r.data),
                }
            )
        built[o.pk] = records
    return built


def check(records: list[dict]) -> str:
    """The first record's refusal by the same schema the platform's stand-in checks."""
    for record in records:
        problem = datasets.problems(record, _schema())
        if problem:
            return problem
    return ""
