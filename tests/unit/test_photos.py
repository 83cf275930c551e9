"""The photo check accepts real PNG and JPEG files and refuses broken ones."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from intake.photos import JPEG_SOI, PNG_SIGNATURE, photo_media_type


def _image(fmt: str, mode: str = "RGB", size: tuple[int, int] = (40, 50), **kw) -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, (120, 60, 30) if mode == "RGB" else 128).save(buf, fmt, **kw)
    return buf.getvalue()


@pytest.mark.parametrize(
    "data, kind",
    [
        (_image("JPEG"), "image/jpeg"),
        (_image("JPEG", progressive=True), "image/jpeg"),
        (_image("JPEG", mode="L"), "image/jpeg"),
        (_image("PNG"), "image/png"),
        (_image("PNG", mode="L"), "image/png"),
        (_image("PNG", size=(400, 600)), "image/png"),
    ],
)
def test_real_photos_are_accepted(data: bytes, kind: str) -> None:
    assert photo_media_type(data) == kind


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_photo_cut_short_is_refused_wherever_it_is_cut(fmt: str) -> None:
    data = _image(fmt, size=(60, 80))
    for cut in range(0, len(data) - 1, max(1, len(data) // 40)):
        assert photo_media_type(data[:cut]) is None, cut


def test_empty_missing_and_other_formats_are_refused() -> None:
    assert photo_media_type(None) is None
    assert photo_media_type(b"") is None
    assert photo_media_type(b"not an image at all") is None
    assert photo_media_type(_image("GIF")) is None
    assert photo_media_type(_image("BMP")) is None


def test_a_png_with_a_corrupted_chunk_is_refused() -> None:
    data = bytearray(_image("PNG"))
    data[40] ^= 0xFF
    assert photo_media_type(bytes(data)) is None


def test_a_jpeg_header_followed_by_garbage_is_refused() -> None:
    assert photo_media_type(b"\xff\xd8\xff\xe0" + b"\x00" * 100 + b"\xff\xd9") is None


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_no_bytes_crash_the_check(blob: bytes) -> None:
    # Without a signature nothing is an image.
    if not blob.startswith((PNG_SIGNATURE, JPEG_SOI)):
        assert photo_media_type(blob) is None
    # Random bytes after the PNG signature never carry a valid IHDR with its CRC.
    assert photo_media_type(PNG_SIGNATURE + blob) is None
    # After a JPEG start only a structurally whole JPEG passes: one Pillow opens too.
    data = JPEG_SOI + blob
    kind = photo_media_type(data)
    assert kind in (None, "image/jpeg")
    if kind is not None:
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG" and image.width > 0 and image.height > 0
