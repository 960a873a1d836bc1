"""Rows read and written with SQL built once per process, for the few hot paths where the ORM's
per-call query compilation costs more than the database (decision 22: a case move).

Values pass through the fields' own converters both ways (encryption, JSON, dates, booleans), so
what is read and written is exactly what the ORM would read and write; instances come from
`Model.from_db`, so columns not selected are deferred and load on first use, as with `only()`.
"""

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Model


def _field(model: type[Model], attname: str):
    return model._meta.get_field(attname)


@dataclass(frozen=True)
class Part:
    """One model's columns in a joined read, and the attribute of the previous part it fills."""

    model: type[Model]
    alias: str
    attnames: Sequence[str]
    join: str = ""  # e.g. "JOIN catalog_item i ON i.id = c.item_id"
    attach_to: tuple[int, str] | None = None  # (index of the part, relation name)


class JoinedRead:
    """SELECT of several models' columns in one row by primary key of the first, optionally
    locking the first model's row (FOR UPDATE [OF alias] where the database has it)."""

    def __init__(self, parts: Sequence[Part], lock: bool = False):
        self.parts = parts
        self.lock = lock
        self._sql: str | None = None
        self._plan: list[list[tuple[str, list, Any]]] = []

    def _build(self) -> None:
        qn = connection.ops.quote_name
        columns, plan = [], []
        for part in self.parts:
            fields = []
            wanted = {_field(part.model, n).attname for n in part.attnames}
            # In the model's field order: `from_db` fills the fields not selected as deferred.
            for f in part.model._meta.concrete_fields:
                if f.attname not in wanted:
                    continue
                col = f.get_col(part.alias)
                converters = connection.ops.get_db_converters(col) + f.get_db_converters(connection)
                columns.append(f"{part.alias}.{qn(f.column)}")
                fields.append((f.attname, converters, col))
            plan.append(fields)
        first = self.parts[0]
        table = f"{qn(first.model._meta.db_table)} {first.alias}"
        joins = " ".join(p.join for p in self.parts[1:])
        pk = qn(first.model._meta.pk.column)
        sql = f"SELECT {', '.join(columns)} FROM {table} {joins} WHERE {first.alias}.{pk} = %s"
        features = connection.features
        if self.lock and features.has_select_for_update:
            sql += " FOR UPDATE" + (
                f" OF {first.alias}" if features.has_select_for_update_of else ""
            )
        self._sql, self._plan = sql, plan

    def get(self, pk: int) -> Model | None:
        if self._sql is None:
            self._build()
        with connection.cursor() as cursor:
            cursor.execute(self._sql, [pk])
            row = cursor.fetchone()
        if row is None:
            return None
        objs, at = [], 0
        for part, fields in zip(self.parts, self._plan, strict=True):
            values = []
            for _name, converters, col in fields:
                value = row[at]
                for convert in converters:
                    value = convert(value, col, connection)
                values.append(value)
                at += 1
            obj = part.model.from_db(connection.alias, [f[0] for f in fields], values)
            if part.attach_to is not None:
                index, relation = part.attach_to
                setattr(objs[index], relation, obj)
            objs.append(obj)
        return objs[0]


def _db_value(obj: Model, f, add: bool) -> Any:
    return f.get_db_prep_save(f.pre_save(obj, add), connection)


@functools.cache
def _update_sql(model: type[Model], attnames: tuple[str, ...]) -> tuple[list, str]:
    meta = model._meta
    qn = connection.ops.quote_name
    fields = [_field(model, n) for n in attnames]
    fields += [f for f in meta.concrete_fields if getattr(f, "auto_now", False) and f not in fields]
    sets = ", ".join(f"{qn(f.column)} = %s" for f in fields)
    return fields, f"UPDATE {qn(meta.db_table)} SET {sets} WHERE {qn(meta.pk.column)} = %s"


def update_columns(obj: Model, attnames: Sequence[str]) -> None:
    """UPDATE the given columns of one row (auto_now fields are stamped as save() would)."""
    fields, sql = _update_sql(type(obj), tuple(attnames))
    params = [_db_value(obj, f, add=False) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, obj.pk])


def insert(obj: Model) -> None:
    """INSERT one row; see `insert_many`."""
    insert_many([obj])


@functools.cache
def _insert_sql(model: type[Model], count: int) -> tuple[list, str]:
    """The fields and the INSERT … RETURNING statement for `count` rows of `model`, built once
    (both supported databases return the new ids: PostgreSQL, and SQLite from 3.35)."""
    meta = model._meta
    qn = connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if not (f.primary_key and f.db_returning)]
    row = f"({', '.join(['%s'] * len(fields))})"
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
        f"VALUES {', '.join([row] * count)}"
    )
    return fields, f"{sql} RETURNING {qn(meta.pk.column)}"


def insert_many(objs: Sequence[Model]) -> None:
    """INSERT rows of one model in one statement with every concrete column but an auto primary
    key (auto_now fields are stamped as save() would); sets each object's pk."""
    if not objs:
        return
    fields, sql = _insert_sql(type(objs[0]), len(objs))
    params = [_db_value(obj, f, add=True) for obj in objs for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        pks = [r[0] for r in cursor.fetchall()]
    for obj, pk in zip(objs, pks, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
