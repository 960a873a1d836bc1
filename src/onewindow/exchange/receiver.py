"""A stand-in for the provincial platform's receiving endpoint, for tests and the demo: a small
WSGI app (standard library only) that stores each event once by `event_id`, in SQLite.

    onewindow province_receiver --port 8900        # then ONEWINDOW_PROVINCE_URL=http://127.0.0.1:8900/events
"""

import json
import sqlite3
import threading
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class Store:
    def __init__(self, path: str = ":memory:"):
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.lock = threading.Lock()
        with self.lock:
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS received (event_id TEXT PRIMARY KEY, topic TEXT, "
                "body TEXT, received_at TEXT DEFAULT CURRENT_TIMESTAMP)"
            )
            self.db.commit()

    def add(self, batch: list[dict]) -> tuple[list[str], list[str]]:
        accepted, duplicates = [], []
        with self.lock:
            for event in batch:
                cursor = self.db.execute(
                    "INSERT OR IGNORE INTO received (event_id, topic, body) VALUES (?, ?, ?)",
                    (event["event_id"], event.get("topic", ""), json.dumps(event)),
                )
                (accepted if cursor.rowcount else duplicates).append(event["event_id"])
            self.db.commit()
        return accepted, duplicates

    def count(self) -> int:
        with self.lock:
            return self.db.execute("SELECT COUNT(*) FROM received").fetchone()[0]

    def events(self) -> list[dict]:
        with self.lock:
            rows = self.db.execute("SELECT body FROM received ORDER BY rowid").fetchall()
        return [json.loads(r[0]) for r in rows]


class Receiver:
    """The app plus switches a test can turn: `down` answers 503 to everything."""

    def __init__(self, store: Store | None = None, token: str = ""):
        self.store = store or Store()
        self.token = token
        self.down = False
        self.posts = 0

    def __call__(self, environ, start_response):
        def reply(status: str, body: dict):
            data = json.dumps(body, ensure_ascii=False).encode()
            start_response(status, [("Content-Type", "application/json; charset=utf-8")])
            return [data]

        if self.down:
            return reply("503 Service Unavailable", {"detail": "维护中"})
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD")
        if path == "/stats" and method == "GET":
            return reply("200 OK", {"received": self.store.count()})
        if path != "/events" or method != "POST":
            return reply("404 Not Found", {"detail": "not found"})
        if self.token and environ.get("HTTP_AUTHORIZATION") != f"Bearer {self.token}":
            return reply("401 Unauthorized", {"detail": "bad token"})
        size = int(environ.get("CONTENT_LENGTH") or 0)
        try:
            batch = json.loads(environ["wsgi.input"].read(size))
            if not isinstance(batch, list) or any("event_id" not in e for e in batch):
                raise ValueError("a list of events with event_id")
        except ValueError as exc:
            return reply("400 Bad Request", {"detail": str(exc)})
        self.posts += 1
        accepted, duplicates = self.store.add(batch)
        return reply("200 OK", {"accepted": accepted, "duplicates": duplicates})


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args) -> None:  # the push log is ours; no access log per batch
        pass


def serve_in_thread(app: Receiver, host: str = "127.0.0.1", port: int = 0) -> WSGIServer:
    """Start the receiver on a thread; `server.server_port` tells the port, `shutdown()` stops."""
    server = make_server(host, port, app, handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, name="province-receiver", daemon=True).start()
    return server
