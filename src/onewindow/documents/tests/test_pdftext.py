"""The tests' PDF reader reads a stream by its /Length: compressed bytes that end in CR or LF are
not cut at the line end before `endstream` (it failed a letter test once in a fresh clone)."""

import zlib

from onewindow.documents.tests import pdftext


def _ending_in(last: bytes) -> tuple[bytes, bytes]:
    """A payload whose deflate stream ends in `last`: the stream ends with the Adler-32 sum,
    whose last byte moves through every value as one more letter is drawn."""
    for n in range(1, 1024):
        payload = f"BT /F1 12 Tf ({'a' * n}) Tj ET".encode()
        packed = zlib.compress(payload)
        if packed.endswith(last):
            return payload, packed
    raise AssertionError(f"no deflate stream ending in {last!r}")


def test_a_stream_whose_data_ends_in_a_line_end_byte_is_read_whole():
    for last in (b"\n", b"\r"):
        payload, packed = _ending_in(last)
        body = (
            b"<<\n/Filter [ /FlateDecode ] /Length %d\n>>\nstream\n" % len(packed)
            + packed
            + b"\nendstream\n"
        )
        assert pdftext._stream(body) == payload
