"""The event chain moves to its own key (derived from the master key) and is anchored: each case
row gets a seal over its chain head, length and decisive fields; daily checkpoints anchor the set
of cases. Existing chains are verified under the old key (the master key itself) and re-chained
under the chain key; a chain already broken is left as it is, so `verify_events` still reports
it. Identifier digests keep the master key: nothing of theirs changes."""

import hmac
import itertools

from django.conf import settings
from django.db import migrations, models

BATCH = 2000
# The decisive fields as they stood when this migration was written: a later change to
# events.SEALED must not reach back here (the historical model may lack a new field), it needs a
# migration of its own that reseals the rows.
SEALED = (
    "number",
    "item_id",
    "unit_id",
    "state",
    "applicant_kind",
    "applicant_name",
    "applicant_id_digest",
    "accepted_on",
    "due_date",
    "suspended_total",
    "extended_days",
    "result",
    "result_text",
    "decided_on",
    "closed_on",
    "fee",
    "end_reason",
)


def rechain_and_seal(apps, schema_editor):
    # The runtime digest functions are used on purpose: the seal and the digests written here
    # must be exactly the ones `verify` recomputes; the sealed fields are frozen above.
    from onewindow.cases import events

    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    connection = schema_editor.connection
    qn = connection.ops.quote_name
    event_sql = f"UPDATE {qn(CaseEvent._meta.db_table)} SET digest = %s WHERE id = %s"
    case_sql = f"UPDATE {qn(Case._meta.db_table)} SET last_digest = %s, seal = %s WHERE id = %s"
    event_rows, case_rows = [], []

    def flush(force=False):
        with connection.cursor() as cursor:
            if event_rows and (force or len(event_rows) >= BATCH):
                cursor.executemany(event_sql, event_rows)
                event_rows.clear()
            if case_rows and (force or len(case_rows) >= BATCH):
                cursor.executemany(case_sql, case_rows)
                case_rows.clear()

    fields = ["id", "events_seq", "last_digest", *SEALED]
    chains = itertools.groupby(
        CaseEvent.objects.order_by("case_id", "seq").iterator(chunk_size=BATCH),
        lambda e: e.case_id,
    )
    pending = next(chains, None)
    for case in Case.objects.order_by("id").only(*fields).iterator(chunk_size=BATCH):
        while pending is not None and pending[0] < case.pk:
            pending = next(chains, None)  # events of a missing case: left for verify to report
        head = case.last_digest
        if pending is not None and pending[0] == case.pk:
            chain = list(pending[1])
            pending = next(chains, None)
            if chain[-1].digest == case.last_digest:  # the row's head is this chain's end
                head = _rechain(chain, events, event_rows) or head
        case.last_digest = head
        case_rows.append((head, events.case_seal(case, SEALED), case.pk))
        flush()
    flush(force=True)


def _rechain(chain, events, event_rows):
    """New digests for a chain intact under the old key (queued), and its new head; None when
    it is broken (left as it is)."""
    prev = events.GENESIS
    for expected, event in enumerate(chain, start=1):
        body = events.event_body(prev, event)
        if event.seq != expected or hmac.new(settings.DIGEST_KEY, body, "sm3").hexdigest() != (
            event.digest
        ):
            return None
        prev = event.digest
    prev, updates = events.GENESIS, []
    for event in chain:
        event.digest = prev = events.event_digest(prev, event)
        updates.append((event.digest, event.pk))
    event_rows.extend(updates)
    return prev


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_fee_bounds_postage_material_received"),
    ]

    operations = [
        migrations.CreateModel(
            name="Checkpoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField(unique=True, verbose_name="日期")),
                ("cases", models.PositiveIntegerField(verbose_name="办件数")),
                ("events", models.PositiveBigIntegerField(verbose_name="事件数")),
                ("heads_digest", models.CharField(max_length=64, verbose_name="链头摘要")),
                ("prev", models.CharField(max_length=64, verbose_name="上一检查点签名")),
                ("signature", models.CharField(max_length=64, verbose_name="签名")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="生成时间")),
            ],
            options={
                "verbose_name": "事件链检查点",
                "verbose_name_plural": "事件链检查点",
                "ordering": ["day"],
            },
        ),
        migrations.AddField(
            model_name="case",
            name="seal",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(rechain_and_seal, migrations.RunPython.noop, elidable=False),
    ]
