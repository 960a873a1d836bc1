"""A real OneWindow server process on its own database, and Playwright driving Debian's Chromium.

The server runs `onewindow migrate`, `onewindow demo` and `onewindow serve` exactly as `make run`
does, so a browser test sees what a user sees.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import dj_database_url
import psycopg

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_database_url(tmp: Path, worker: str) -> str:
    """A fresh database for the server, of the same engine the suite runs on: a copy of the
    run's migrated database when there is one (tests/dbtemplate.py; `migrate` then finds every
    migration applied), else an empty one."""
    from tests.dbtemplate import postgresql_template, sqlite_template

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        if template := sqlite_template():
            shutil.copyfile(template, tmp / "server.sqlite3")
        return f"sqlite:///{tmp / 'server.sqlite3'}"

    cfg = dj_database_url.parse(url)
    # named after the run's database: two suites on one server (ONEWINDOW_TEST_PG_URL) do not
    # drop each other's
    name = f"{cfg['NAME']}_e2e_{worker}"
    with (
        postgresql_template() as template,
        psycopg.connect(
            host=cfg["HOST"],
            port=cfg["PORT"] or 5432,
            user=cfg["USER"],
            dbname="postgres",
            autocommit=True,
        ) as conn,
    ):
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return url.rsplit("/", 1)[0] + "/" + name


def _server_env(tmp: Path, database_url: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "ONEWINDOW_VAR_DIR": str(tmp),
        "PORT": str(free_port()),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the test process's own (tests/conftest.py)
    return env


def prepared_env(tmp: Path) -> dict:
    """The environment prepare_server returned for a SQLite server prepared in `tmp`."""
    return _server_env(tmp, f"sqlite:///{tmp / 'server.sqlite3'}")


def prepare_server(tmp: Path, worker: str, history_days: int = 0) -> dict:
    """A fresh database with the demo (and `history_days` of case history) and static files,
    as `make run` prepares them; the environment to serve it with."""
    env = _server_env(tmp, server_database_url(tmp, worker))
    with open(tmp / "prepare.log", "w") as log:
        for step in (
            ["migrate", "--no-input", "-v0"],
            ["collectstatic", "--no-input", "-v0"],
            ["demo", f"--history-days={history_days}"],
        ):
            subprocess.run([BIN / "onewindow", *step], env=env, check=True, stdout=log, stderr=log)
    return env


def copy_prepared(env: dict, tmp: Path) -> dict:
    """A prepared SQLite server (prepare_server's var directory: database, keys, static files)
    copied into `tmp`, to be served on a port of its own: what prepare_server would have made
    there, without running migrate, collectstatic and demo again."""
    source = Path(env["ONEWINDOW_VAR_DIR"])
    assert env["DATABASE_URL"] == f"sqlite:///{source / 'server.sqlite3'}", "SQLite only"
    shutil.copytree(source, tmp, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.log"))
    return {
        **env,
        "DATABASE_URL": f"sqlite:///{tmp / 'server.sqlite3'}",
        "ONEWINDOW_VAR_DIR": str(tmp),
        "PORT": str(free_port()),
    }


def launch(
    env: dict, tmp: Path, workers: int = 1, jobs: bool = False
) -> tuple[subprocess.Popen, str]:
    """`onewindow serve` in a process group of its own (so a test can kill all of it), once
    /healthz answers. Without `jobs` it serves pages only (`--no-jobs`): a page test that
    needs no periodic job or push does not pay for a job runner and a stand-in receiver
    starting and working beside it (about 6 s of CPU a server)."""
    log = open(tmp / "server.log", "a")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        [BIN / "onewindow", "serve", "--workers", str(workers), *([] if jobs else ["--no-jobs"])],
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{env['PORT']}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    raise RuntimeError(f"server did not start; see {tmp / 'server.log'}")


def stop(proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    """Signal the whole process group (gunicorn, its workers, the jobs and the receiver). A test
    server's database is a throw-away copy, so it is killed: SIGTERM made gunicorn wait for its
    threads' keep-alive connections (graceful_timeout), 1-4 s of every browser module's
    teardown, about 70 s of a SQLite run's worker time (docs/BENCHMARKS.md «Test suite»)."""
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return
    proc.wait(timeout=20)


def start_server(tmp: Path, worker: str, history_days: int = 0) -> tuple[subprocess.Popen, str]:
    """migrate, collectstatic, demo (with `history_days` of case history) and serve."""
    return launch(prepare_server(tmp, worker, history_days), tmp)


def sign_in(page, server: str, username: str, password: str = "Taojiang2026") -> None:
    """Sign in through the login form as a demo login."""
    page.goto(server + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def deliver_at_window(page, name: str, id_number: str, form_label: str = "送达并办结") -> None:
    """Hand the result over at the window: the recipient, their ID, the signed receipt."""
    form = page.locator(f"form:has(strong:text-is('{form_label}'))")
    form.locator("input[name=recipient]").fill(name)
    form.locator("input[name=recipient_id]").fill(id_number)
    form.locator("input[name=receipt_signed]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
