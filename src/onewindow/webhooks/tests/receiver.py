"""A department system's receiving end, for the tests: a WSGI app on a real local HTTP server
(exchange.receiver.serve_in_thread) that checks each delivery's signature and timestamp the way
the README tells department systems to, and keeps each delivery id once."""

import json
import threading
import time

from onewindow.webhooks import signing


class DeptSystem:
    def __init__(self, secret: str = ""):
        self.secret = secret
        self.received: list[dict] = []  # bodies, in the order they arrived, each delivery once
        self.raw: list[bytes] = []
        self.refused: list[str] = []
        self.posts = 0
        self.hosts: list[str] = []  # the Host header of each request
        self.status = 200  # answer this instead of 200 (500: the system's own error)
        self.hold: threading.Event | None = None  # set: answer only once it is released
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        with self._lock:
            self.posts += 1
            self.hosts.append(environ.get("HTTP_HOST", ""))
        if self.hold is not None:
            self.hold.wait(10)
        if self.status != 200:
            start_response(f"{self.status} Error", [("Content-Type", "text/plain")])
            return [b"error"]
        reason = signing.verify(
            self.secret,
            timestamp=environ.get("HTTP_X_ONEWINDOW_TIMESTAMP", ""),
            body=body,
            signature=environ.get("HTTP_X_ONEWINDOW_SIGNATURE", ""),
            now=time.time(),
        )
        if reason:
            with self._lock:
                self.refused.append(reason)
            start_response("401 Unauthorized", [("Content-Type", "text/plain")])
            return [b"bad signature"]
        data = json.loads(body)
        with self._lock:
            if str(data["delivery_id"]) == environ.get("HTTP_X_ONEWINDOW_DELIVERY") and not any(
                r["delivery_id"] == data["delivery_id"] for r in self.received
            ):
                self.received.append(data)
                self.raw.append(body)
        start_response("204 No Content", [])
        return [b""]

    def events(self, case_id: int) -> list[int]:
        return [r["event"]["seq"] for r in self.received if r["case"]["id"] == case_id]
