"""How a delivery is signed, and how a department system checks it (the README shows the same).

Every delivery is a POST of a JSON body (UTF-8) with these headers:

    X-OneWindow-Delivery   the delivery's id: the same id when a delivery is tried again, so the
                           receiver handles each id once (delivery is at least once)
    X-OneWindow-Event      the case event's action, e.g. transfer
    X-OneWindow-Timestamp  when this attempt was signed, in Unix seconds
    X-OneWindow-Signature  sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" under the secret>

The timestamp is inside the signed text, so an old request cannot be replayed with a new one;
the receiver refuses a timestamp more than TOLERANCE seconds from its own clock, and compares
signatures in constant time.
"""

import hashlib
import hmac

TOLERANCE = 300  # seconds either side of the receiver's clock
HEADER_DELIVERY = "X-OneWindow-Delivery"
HEADER_EVENT = "X-OneWindow-Event"
HEADER_TIMESTAMP = "X-OneWindow-Timestamp"
HEADER_SIGNATURE = "X-OneWindow-Signature"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for `body` sent at `timestamp`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    secret: str, *, timestamp: str, body: bytes, signature: str, now: float, tolerance=TOLERANCE
) -> str:
    """What a receiver checks: '' when the request is genuine and fresh, else the reason."""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return "时间戳无效"
    if abs(now - sent) > tolerance:
        return "时间戳超出允许范围（可能是重放的请求）"
    if not hmac.compare_digest(sign(secret, sent, body), signature or ""):
        return "签名不符"
    return ""
