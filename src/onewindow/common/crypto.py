"""Protection of personal identifiers: SM4-GCM encryption plus a keyed SM3 digest.

The ciphertext is random per write, so exact look-ups use the digest stored beside it.
Keys come from settings (the environment), never from the database.
"""

import base64
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
    """HMAC-SM3 of a normalised value, hex: equal inputs give equal digests for look-ups."""
    return hmac.new(settings.DIGEST_KEY, value.strip().upper().encode(), "sm3").hexdigest()


def sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()
