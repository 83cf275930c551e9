"""The card's TrueType fonts, embedded as subsets built once per process, not once per card.

reportlab embeds a subset of a TrueType font in every PDF: at every save it cuts the
glyphs out of the font file (``makeSubset``), writes a ToUnicode CMap and formats a
``/Widths`` array, which was about a third of rendering a card. Every card is set in upper
case from the same few dozen characters, so the subset (ASCII in its readable slots, plus
the odd accented letter in the order met) is nearly always the same: :class:`CardFont`
keeps those three parts per subset and writes the same PDF objects, byte for byte, as
reportlab's :class:`~reportlab.pdfbase.ttfonts.TTFont`.

Building a subset reads the font file through a shared cursor, so it is not safe in two
threads at once (the print run renders one card per printer thread): a lock guards it.
"""

from __future__ import annotations

import functools
import os
import threading
from typing import Any

import reportlab
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    SUBSETN,
    TTFont,
    makeToUnicodeCMap,
)

from papers.style import FONT, FONT_BOLD

__all__ = ["CARD_FONT", "CARD_FONT_BOLD", "CardFont", "register_card_fonts"]

CARD_FONT = f"{FONT}-Card"
CARD_FONT_BOLD = f"{FONT_BOLD}-Card"
_FILES = {CARD_FONT: "Vera.ttf", CARD_FONT_BOLD: "VeraBd.ttf"}
_MOST_SUBSETS = 512  # distinct subsets kept per font (a subset differs only by rare letters)


class CardFont(TTFont):  # type: ignore[misc]  # reportlab has no type stubs
    """A TrueType font whose embedded subsets are built once per distinct subset."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self._parts: dict[tuple[str, tuple[int, ...]], tuple[bytes, bytes, bytes]] = {}
        self._lock = threading.Lock()

    def _subset_parts(self, base_font: str, subset: list[int]) -> tuple[bytes, bytes, bytes]:
        """(font program, ToUnicode CMap, formatted /Widths) of one subset."""
        key = (base_font, tuple(subset))
        parts = self._parts.get(key)
        if parts is None:
            with self._lock:
                widths = pdfdoc.PDFArray([self.face.getCharWidth(c) for c in subset])
                parts = (
                    self.face.makeSubset(subset),
                    makeToUnicodeCMap(base_font, subset).encode("ascii"),  # written as is
                    widths.format(pdfdoc.DummyDoc()),
                )
                if len(self._parts) < _MOST_SUBSETS:
                    self._parts[key] = parts
        return parts

    def addObjects(self, doc: Any) -> None:
        """The Font, FontDescriptor, FontFile2 and ToUnicode objects of every subset used
        in ``doc``, as :meth:`TTFont.addObjects` makes them."""
        state = self._assignState(doc)
        state.frozen = 1
        face = self.face
        for n, subset in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(n, doc)[1:]
            base_font = b"".join((SUBSETN(n), b"+", face.name, face.subfontNameX)).decode("pdfdoc")
            program, cmap, widths = self._subset_parts(base_font, subset)
            font = pdfdoc.PDFTrueTypeFont()
            font.__Comment__ = f"Font {self.fontName} subset {n}"
            font.Name = internal_name
            font.BaseFont = base_font
            font.FirstChar = 0
            font.LastChar = len(subset) - 1
            font.Widths = widths  # bytes are written as they are
            font.ToUnicode = doc.Reference(self._stream(doc, cmap), "toUnicodeCMap:" + base_font)
            font.FontDescriptor = self._descriptor(doc, base_font, program)
            doc.Reference(font, internal_name)
            doc.idToObject["BasicFonts"].dict[internal_name] = font
        del self.state[doc]

    @staticmethod
    def _stream(doc: Any, content: bytes) -> pdfdoc.PDFStream:
        stream = pdfdoc.PDFStream()
        stream.content = content
        if doc.compression:
            stream.filters = [pdfdoc.PDFZCompress]
        return stream

    def _descriptor(self, doc: Any, base_font: str, program: bytes) -> Any:
        face = self.face
        font_file = self._stream(doc, program)
        font_file.dictionary["Length1"] = len(program)
        font_file_ref = doc.Reference(font_file, f"fontFile:{face.filename}({base_font})")
        descriptor = pdfdoc.PDFDictionary(
            {
                "Type": "/FontDescriptor",
                "Ascent": face.ascent,
                "CapHeight": face.capHeight,
                "Descent": face.descent,
                "Flags": (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
                "FontBBox": pdfdoc.PDFArray(face.bbox),
                "FontName": pdfdoc.PDFName(base_font),
                "ItalicAngle": face.italicAngle,
                "StemV": face.stemV,
                "FontFile2": font_file_ref,
                "MissingWidth": face.defaultWidth,
            }
        )
        return doc.Reference(descriptor, "fontDescriptor:" + base_font)


@functools.cache
def register_card_fonts() -> None:
    """Register the card's Vera and Vera Bold (shipped inside reportlab) once per process."""
    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    for name, filename in _FILES.items():
        font = CardFont(name, os.path.join(folder, filename))
        pdfmetrics.registerFont(font)
        if pdfmetrics.getFont(name) is not font:
            # registerFont hands out the font already registered for the same typeface
            # (Vera of papers.style) instead; the card needs its own, which keeps subsets.
            pdfmetrics._fonts[name] = font
