"""Delivery details (the mailing address and recipient) are stored encrypted (issue 15 item 24):
the column becomes text and every existing row is encrypted in place; run backwards, it is
decrypted back to JSON."""

import json

from django.db import migrations

import onewindow.common.fields
from onewindow.common import crypto

TABLES = ("cases_case", "cases_combinedcase")
BATCH = 2000


def _rewrite(connection, convert) -> None:
    """Each row's delivery_detail through `convert(raw) -> new or None` (None: leave it)."""
    qn = connection.ops.quote_name
    for table in TABLES:
        last = 0
        while True:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT id, delivery_detail FROM {qn(table)} WHERE id > %s "
                    f"ORDER BY id LIMIT {BATCH}",
                    [last],
                )
                rows = cursor.fetchall()
                if not rows:
                    break
                last = rows[-1][0]
                changes = [(new, pk) for pk, raw in rows if (new := convert(raw)) is not None]
                if changes:
                    cursor.executemany(
                        f"UPDATE {qn(table)} SET delivery_detail = %s WHERE id = %s", changes
                    )


def _encrypt(raw):
    """Any JSON value stored in the column, encrypted; None for ciphertext (base64 is not JSON)
    and for empty cells, which are left as they are. A value that is not an object is kept under
    "legacy", so nothing is lost and every row reads back."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except ValueError:
            return None  # already ciphertext
    else:
        value = raw  # a driver that still hands back JSON
    if value in (None, {}, [], ""):
        return ""
    if not isinstance(value, dict):
        value = {"legacy": value}
    return onewindow.common.fields.EncryptedJSONField().get_prep_value(value)


def _decrypt(raw):
    if not raw:
        return "{}"
    if str(raw).lstrip().startswith("{"):
        return None
    return crypto.decrypt(raw)


def encrypt_existing(apps, schema_editor):
    _rewrite(schema_editor.connection, _encrypt)


def decrypt_existing(apps, schema_editor):
    _rewrite(schema_editor.connection, _decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0016_text_bounds"),
    ]

    operations = [
        migrations.AlterField(
            model_name="case",
            name="delivery_detail",
            field=onewindow.common.fields.EncryptedJSONField(
                blank=True, default=dict, verbose_name="送达信息"
            ),
        ),
        migrations.AlterField(
            model_name="combinedcase",
            name="delivery_detail",
            field=onewindow.common.fields.EncryptedJSONField(
                blank=True, default=dict, verbose_name="送达信息"
            ),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing, elidable=False),
    ]
