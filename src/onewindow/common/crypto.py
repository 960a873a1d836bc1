"""Protection of personal identifiers: SM4-GCM encryption plus a keyed SM3 digest.

The ciphertext is random per write, so exact look-ups use the digest stored beside it.
Keys come from settings (the environment), never from the database.
"""

import base64
import functools
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

_VERSION = b"\x01"  # lets a later key or algorithm rotation tell old rows apart
_NONCE = 12
_TAG = 16


def encrypt(plain: str) -> str:
    nonce = os.urandom(_NONCE)
    enc = Cipher(algorithms.SM4(settings.FIELD_KEY), modes.GCM(nonce)).encryptor()
    body = enc.update(plain.encode()) + enc.finalize()
    return base64.b64encode(_VERSION + nonce + enc.tag + body).decode("ascii")


def decrypt(token: str) -> str:
    raw = base64.b64decode(token)
    if raw[:1] != _VERSION:
        raise ValueError("unknown ciphertext version")
    nonce, tag, body = raw[1 : 1 + _NONCE], raw[1 + _NONCE : 1 + _NONCE + _TAG], raw[29:]
    dec = Cipher(algorithms.SM4(settings.FIELD_KEY), modes.GCM(nonce, tag)).decryptor()
    try:
        return (dec.update(body) + dec.finalize()).decode()
    except InvalidTag as exc:
        raise ValueError("ciphertext was altered or the key is wrong") from exc


def digest(value: str) -> str:
    """HMAC-SM3 of a normalised value, hex: equal inputs give equal digests for look-ups.

    Identifier digests use the master key (settings.DIGEST_KEY) itself, as they always have:
    stored digests stay valid, and a verified applicant's digest cannot be recomputed (the number
    is not kept). Every other purpose uses a key derived from it (`purpose_key`)."""
    return hmac.new(settings.DIGEST_KEY, value.strip().upper().encode(), "sm3").hexdigest()


# Labels of the keys derived from the master key. They hold lower-case letters, and every
# identifier digest's input is upper-cased, so no digest in the database is ever a derived key.
PURPOSES = {
    "api-key": b"onewindow key: api client keys",
    "chain": b"onewindow key: case event chain",
    "checkpoint": b"onewindow key: chain checkpoints",
}


@functools.lru_cache(maxsize=16)
def _derive(master: bytes, label: bytes) -> bytes:
    return hmac.new(master, label, "sm3").digest()


def purpose_key(purpose: str) -> bytes:
    """A 256-bit key for one purpose, HMAC-SM3(master key, label): knowing the key of one purpose
    (or any digest made with it) gives no other."""
    return _derive(settings.DIGEST_KEY, PURPOSES[purpose])


@functools.lru_cache(maxsize=16)
def _prepared(master: bytes, label: bytes):
    return hmac.new(_derive(master, label), digestmod="sm3")


def keyed(purpose: str, data: bytes) -> str:
    """HMAC-SM3 under the purpose's key, hex. Copies an HMAC already keyed (its padded key
    hashed once per process): a move computes two of these."""
    mac = _prepared(settings.DIGEST_KEY, PURPOSES[purpose]).copy()
    mac.update(data)
    return mac.hexdigest()


def sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()
