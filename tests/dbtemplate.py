"""The migrated test database, made once per run and copied into each SQLite test process.

Every xdist worker of every SQLite run (the main run and the date reruns) used to run all the
migrations into its in-memory test database: about 7 s of CPU a process. `scripts/run-tests` names
a directory shared by its runs (`ONEWINDOW_TEST_TEMPLATE_DIR`); there the first process to need it
migrates under a lock and saves the result with SQLite's online backup, keyed by the migrations'
own text and the Django and SQLite versions; the others restore it (a few milliseconds) instead of
migrating. Without the variable (a plain `pytest`), each process migrates as before."""

import fcntl
import hashlib
import os
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
    if not folder or connection.vendor != "sqlite":
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
        connection.ensure_connection()
        with open(folder / "migrated.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
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
