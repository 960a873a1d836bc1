"""A strict stand-in for the provincial platform's receiving endpoint, for tests, the demo and
the bench: a small WSGI app (standard library plus the project's validators) that checks every
record against the schema generated from the data-set table (exchange/datasets/table.py: required
items, types, lengths, date formats, code sets, credit-code and ID-number check characters),
stores each valid record once by `record_id` (SQLite; an update, operation U, replaces the record
it names), and refuses each invalid one with its reason in Chinese. After a case's record is
refused, its later records in the batch are refused too (前序记录被拒收): the platform never holds a
case's later records without the earlier one.

    onewindow province_receiver --port 8900        # then ONEWINDOW_PROVINCE_URL=http://127.0.0.1:8900/records

POST /records (or /events) {"batch_no": ..., "records": [...]} answers
{"accepted": [ids], "duplicates": [ids], "refused": [{"record_id": id, "reason": "..."}]};
GET /stats {"received": n}. The bodies it keeps hold personal numbers as the standard sends
them; it logs nothing per record."""

import json
import sqlite3
import threading
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from onewindow.exchange import datasets


class Store:
    def __init__(self, path: str = ":memory:"):
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.lock = threading.Lock()
        with self.lock:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS received (record_id TEXT PRIMARY KEY, data_set TEXT, "
                "body TEXT, received_at TEXT DEFAULT CURRENT_TIMESTAMP)"
            )
            self.db.commit()

    def add(self, records: list[dict]) -> tuple[list[str], list[str]]:
        """Each new record (I) once by its id: one look-up and one INSERT statement per batch; an
        update (U) replaces the body under its id (again the same when resent)."""
        accepted, duplicates, seen, updates = [], [], set(), {}
        with self.lock:
            ids = [r["record_id"] for r in records]
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                seen.update(
                    row[0]
                    for row in self.db.execute(
                        f"SELECT record_id FROM received WHERE record_id IN ({marks})", chunk
                    )
                )
            new = []
            for r in records:
                rid, body = r["record_id"], json.dumps(r, ensure_ascii=False)
                if r.get("operation") == "U":
                    accepted.append(rid)
                    if rid in seen:
                        updates[rid] = body
                    else:
                        seen.add(rid)
                        new.append((rid, r["data_set"], body))
                elif rid in seen:
                    duplicates.append(rid)
                else:
                    seen.add(rid)
                    accepted.append(rid)
                    new.append((rid, r["data_set"], body))
            self.db.executemany(
                "INSERT INTO received (record_id, data_set, body) VALUES (?, ?, ?)", new
            )
            # After the inserts: an update in the batch of the record it updates applies to it.
            self.db.executemany(
                "UPDATE received SET body = ? WHERE record_id = ?",
                [(body, rid) for rid, body in updates.items()],
            )
            self.db.commit()
        return accepted, duplicates

    def count(self) -> int:
        with self.lock:
            return self.db.execute("SELECT COUNT(*) FROM received").fetchone()[0]

    def records(self, data_set: str | None = None) -> list[dict]:
        sql, args = "SELECT body FROM received", ()
        if data_set:
            sql, args = sql + " WHERE data_set = ?", (data_set,)
        with self.lock:
            rows = self.db.execute(sql + " ORDER BY rowid", args).fetchall()
        return [json.loads(r[0]) for r in rows]


class Receiver:
    """The app plus switches a test can turn: `down` answers 503 to everything; `refuse` maps
    record ids to a reason the platform gives on its own rules (beyond the schema)."""

    def __init__(
        self, store: Store | None = None, token: str = "", schema: dict[str, Any] | None = None
    ):
        self.store = store or Store()
        self.token = token
        self.schema = schema or datasets.schema()
        self.down = False
        self.refuse: dict[str, str] = {}
        self.posts = 0
        self.refused: list[dict] = []  # the last 1,000 refusals answered, for tests and the demo

    def check(self, records: list[Any]) -> tuple[list[dict], list[dict]]:
        """(valid records, refusals) by the schema, and a case's records after one of its records
        was refused in the batch (a case is known by its application and case numbers)."""
        valid, refused, stopped = [], [], set()
        for n, record in enumerate(records, 1):
            rid = record.get("record_id") if isinstance(record, dict) else None
            if not isinstance(rid, str) or not rid:
                refused.append({"record_id": rid, "reason": f"第{n}条记录缺少记录标识"})
                continue
            case = {record.get("apply_no"), record.get("case_no")} - {None, ""}
            if case & stopped:
                reason = "前序记录被拒收：同一办件此前的记录未被接收，本记录暂不接收"
            else:
                reason = datasets.problems(record, self.schema) or self.refuse.get(rid, "")
            if reason:
                refused.append({"record_id": rid, "reason": reason})
                stopped |= case
            else:
                valid.append(record)
        return valid, refused

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
        if path not in ("/records", "/events") or method != "POST":
            return reply(
                "404 Not Found", {"detail": "地址不存在：请以POST方式向 /records 推送记录"}
            )
        if self.token and environ.get("HTTP_AUTHORIZATION") != f"Bearer {self.token}":
            return reply("401 Unauthorized", {"detail": "接入令牌不正确，请核对推送令牌"})
        size = int(environ.get("CONTENT_LENGTH") or 0)
        try:
            body = json.loads(environ["wsgi.input"].read(size))
            if not isinstance(body, dict) or not isinstance(body.get("records"), list):
                raise ValueError("请求体应为含 records 列表的JSON对象")
        except ValueError as exc:
            return reply("400 Bad Request", {"detail": str(exc)})
        self.posts += 1
        valid, refused = self.check(body["records"])
        accepted, duplicates = self.store.add(valid)
        self.refused = (self.refused + refused)[-1000:]
        return reply("200 OK", {"accepted": accepted, "duplicates": duplicates, "refused": refused})


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args) -> None:  # the push log is ours; no access log per batch
        pass


def serve_in_thread(app: Receiver, host: str = "127.0.0.1", port: int = 0) -> WSGIServer:
    """Start the receiver on a thread; `server.server_port` tells the port, `shutdown()` stops."""
    server = make_server(host, port, app, handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, name="province-receiver", daemon=True).start()
    return server
