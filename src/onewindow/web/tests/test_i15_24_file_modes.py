"""Issue 15 item 24: var/ and the SQLite database are created owner-only."""

import os
import stat
import subprocess
import sys


def test_i15_24_var_and_sqlite_are_owner_only(tmp_path):
    var = tmp_path / "var"
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ONEWINDOW_") and k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    environ.update(ONEWINDOW_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="onewindow.settings")
    script = (
        "import os; os.umask(0o022); import django; django.setup();"
        "from django.db import connection; connection.ensure_connection()"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=environ, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    assert mode(var) == 0o700
    assert mode(var / "onewindow.sqlite3") == 0o600
    assert mode(var / "dev-keys.json") == 0o600
