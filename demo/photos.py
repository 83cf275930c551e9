"""Synthetic e-KTP portraits for the demo feed (``demo.feed``).

Plain head-and-shoulders drawings, not faces of anyone: a red or blue background as on
e-KTP photos, a skin-tone head, hair or a jilbab, and shoulders. Each is a small JPEG
(120 x 160 px, a few KB) so that a feed can reuse the same bytes for many records.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw

PORTRAITS = 64  # 2 backgrounds x 2 sexes x 16 variants

_CLOTH = ((240, 240, 240), (30, 30, 35), (40, 50, 90), (110, 70, 40), (120, 120, 125))
_VEIL = ((235, 235, 235), (20, 20, 25), (90, 60, 110), (60, 90, 80), (150, 110, 80))


def portrait_index(*, red: bool, female: bool, variant: int) -> int:
    return red * 32 + female * 16 + variant % 16


def _draw(rng: random.Random, red: bool, female: bool) -> bytes:
    bg = (
        (rng.randint(185, 215), rng.randint(20, 45), rng.randint(30, 50))
        if red
        else (rng.randint(20, 45), rng.randint(70, 110), rng.randint(160, 200))
    )
    shade = rng.uniform(0.62, 1.0)
    skin = (int(232 * shade), int(184 * shade), int(142 * shade))
    hair = (rng.randint(15, 45),) * 3
    img = Image.new("RGB", (120, 160), bg)
    draw = ImageDraw.Draw(img)
    cx, cy = 60 + rng.randint(-3, 3), 64 + rng.randint(-3, 3)
    rx, ry = rng.randint(23, 27), rng.randint(30, 34)
    draw.ellipse((cx - 58, 120, cx + 58, 220), fill=rng.choice(_CLOTH))  # shoulders
    draw.rectangle((cx - 10, cy + 20, cx + 10, 126), fill=skin)  # neck
    veiled = female and rng.random() < 0.7
    if veiled:  # jilbab around the face, falling over the shoulders
        veil = rng.choice(_VEIL)
        draw.ellipse((cx - rx - 9, cy - ry - 10, cx + rx + 9, cy + ry + 22), fill=veil)
        draw.polygon(
            ((cx - rx - 9, cy + 4), (cx + rx + 9, cy + 4), (cx + 42, 160), (cx - 42, 160)),
            fill=veil,
        )
        rx, ry = rx - 3, ry - 5
    elif female:  # long hair behind the head
        draw.rounded_rectangle((cx - rx - 6, cy - ry - 4, cx + rx + 6, cy + ry + 30), 18, fill=hair)
    draw.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=skin)
    if not veiled:
        draw.chord((cx - rx - 1, cy - ry - 3, cx + rx + 1, cy + ry // 2), 180, 360, fill=hair)
    for ex in (cx - 9, cx + 9):
        draw.ellipse((ex - 2, cy - 3, ex + 2, cy + 1), fill=(25, 20, 20))
    draw.line((cx - 6, cy + 15, cx + 6, cy + 15), fill=(120, 50, 50), width=2)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=70)
    return buf.getvalue()


def portraits(seed: int) -> list[bytes]:
    """``PORTRAITS`` distinct JPEGs, deterministic from ``seed``; see ``portrait_index``."""
    rng = random.Random(f"cetak-demofeed-photos:{seed}")
    photos: list[bytes] = []
    while len(photos) < PORTRAITS:
        red, female = len(photos) >= 32, len(photos) % 32 >= 16
        jpeg = _draw(rng, red, female)
        if jpeg not in photos:  # a repeat is drawn again
            photos.append(jpeg)
    return photos
