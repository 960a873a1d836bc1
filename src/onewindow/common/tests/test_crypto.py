import base64

import pytest

from onewindow.common import crypto


def test_round_trip_and_random_nonce():
    a, b = crypto.encrypt("13812345678"), crypto.encrypt("13812345678")
    assert a != b  # a fresh nonce each time: equal numbers do not give equal ciphertexts
    assert crypto.decrypt(a) == crypto.decrypt(b) == "13812345678"
    assert "13812345678" not in a


def test_tampered_ciphertext_is_detected():
    raw = bytearray(base64.b64decode(crypto.encrypt("13812345678")))
    raw[-1] ^= 0x01
    with pytest.raises(ValueError, match="altered"):
        crypto.decrypt(base64.b64encode(bytes(raw)).decode())


def test_digest_is_keyed_normalised_and_sm3(settings):
    assert crypto.digest(" 43092219900307123x ") == crypto.digest("43092219900307123X")
    first = crypto.digest("13812345678")
    settings.DIGEST_KEY = b"another key"
    assert crypto.digest("13812345678") != first
    assert len(first) == 64  # SM3 is a 256-bit hash


def test_sm3_known_answer():
    # GB/T 32905-2016 appendix A, example 1: SM3("abc").
    assert crypto.sm3(b"abc") == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )
