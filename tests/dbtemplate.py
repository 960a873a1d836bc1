"""The migrated test database, made once and copied into each test process's database.

Every xdist worker of every run (the main runs and the date reruns) used to run all the
migrations into its test database: about 7-10 s of CPU a process. `scripts/run-tests` names a
directory shared by its runs (`ONEWINDOW_TEST_TEMPLATE_DIR`); the first process to need it
migrates under a lock there and keeps the result, keyed by the migrations' own text and the
Django and SQLite versions: on SQLite a file made with SQLite's online backup, which the others
restore into their in-memory database (milliseconds); on PostgreSQL a template database
(`test_<name>_tpl_<key>`), of which the others' databases are created (`CREATE DATABASE …
TEMPLATE`). Without the variable (a plain `pytest`), each process migrates as before."""

import fcntl
import hashlib
import os
import re
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import django
from django.core import management
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def _key() -> str:
    digest = hashlib.sha256(f"{django.__version__} {sqlite3.sqlite_version}".encode())
    for path in sorted((ROOT / "src").glob("onewindow/**/migrations/*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@contextmanager
def migrated():
    """While Django creates the test database, its `migrate` restores the run's migrated copy,
    or migrates and saves one."""
    folder = os.environ.get("ONEWINDOW_TEST_TEMPLATE_DIR")
    if not folder or connection.vendor not in ("sqlite", "postgresql"):
        yield
        return
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    template = folder / f"migrated-{_key()}.sqlite3"
    original = management.call_command

    def call_command(name, *args, **options):
        if name != "migrate":
            return original(name, *args, **options)
        management.call_command = original  # the test database's migrate only
        with open(folder / f"migrated-{connection.vendor}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if connection.vendor == "postgresql":
                return _postgresql(original, name, *args, **options)
            connection.ensure_connection()
            if template.exists():
                source = sqlite3.connect(template)
                try:
                    source.backup(connection.connection)
                finally:
                    source.close()
                return None
            result = original(name, *args, **options)
            partial = template.with_suffix(".partial")
            target = sqlite3.connect(partial)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
            for old in folder.glob("migrated-*.sqlite3"):  # made from other migrations
                old.unlink()
            os.replace(partial, template)
            return result

    management.call_command = call_command
    try:
        yield
    finally:
        management.call_command = original


def sqlite_template() -> Path | None:
    """The run's migrated SQLite database file, if it has been made (else None), for a server
    that starts on a database of its own (tests/browser.py): a copy of it instead of running
    every migration again (about 8 s of CPU). Made from the test database's own migrate, as
    `onewindow migrate` would make it, before any data is loaded; it appears whole (renamed
    into place)."""
    folder = os.environ.get("ONEWINDOW_TEST_TEMPLATE_DIR")
    template = Path(folder) / f"migrated-{_key()}.sqlite3" if folder else None
    return template if template and template.exists() else None


@contextmanager
def postgresql_template():
    """The name of the run's migrated PostgreSQL template, if it exists (else None), for a test
    that makes a database of its own (tests/browser.py: the crash test's server): `CREATE
    DATABASE … TEMPLATE` of it instead of running every migration again (about 22 s of CPU on
    PostgreSQL, and the server's). Held under the lock the workers' copies are made under: a
    template cannot be copied twice at once. Made from the test database's own migrate, as
    `onewindow migrate` would make it, before any data is loaded."""
    folder = os.environ.get("ONEWINDOW_TEST_TEMPLATE_DIR")
    if not folder or connection.vendor != "postgresql":
        yield None
        return
    import psycopg

    settings = connection.settings_dict
    template = re.sub(r"_gw\d+$", "", settings["NAME"]) + "_tpl_" + _key()
    with open(Path(folder) / "migrated-postgresql.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with psycopg.connect(
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
            user=settings["USER"] or None,
            password=settings["PASSWORD"] or None,
            dbname="postgres",
        ) as conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
            yield template if found.fetchone() else None


def _postgresql(migrate, *args, **options):
    """Create this worker's database from the template, or migrate it and make the template."""
    import psycopg

    settings = connection.settings_dict
    name = settings["NAME"]
    prefix = re.sub(r"_gw\d+$", "", name) + "_tpl_"
    template = prefix + _key()

    def admin():
        return psycopg.connect(
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
            user=settings["USER"] or None,
            password=settings["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        )

    connection.close()
    with admin() as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone():
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            return None
    result = migrate(*args, **options)
    connection.close()
    with admin() as conn:
        others = conn.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", [prefix]
        ).fetchall()
        for (other,) in others:  # made from other migrations
            conn.execute(f'DROP DATABASE "{other}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')
    return result
