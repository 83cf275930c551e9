"""Is a photo a readable PNG or JPEG? (Absent, empty, truncated or not an image: no.)"""

from __future__ import annotations

import io
import warnings

from PIL import Image

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SOI = b"\xff\xd8\xff"
JPEG_EOI = b"\xff\xd9"


def photo_media_type(data: bytes | None) -> str | None:
    """``image/png`` or ``image/jpeg`` when ``data`` is a complete, decodable image."""
    if not data:
        return None
    if data.startswith(PNG_SIGNATURE):
        kind = "image/png"
    elif data.startswith(JPEG_SOI):
        # A copy cut short loses the end-of-image marker (some writers pad after it).
        if JPEG_EOI not in data[-64:]:
            return None
        kind = "image/jpeg"
    else:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                if img.width < 1 or img.height < 1:
                    return None
                # PNG: walks every chunk and checks CRCs up to IEND. JPEG: headers parsed above.
                img.verify()
    except Exception:  # noqa: BLE001 - any decoder failure means "not a readable image"
        return None
    return kind
