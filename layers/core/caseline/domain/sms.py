"""How many SMS segments a text costs, and in which encoding (GSM 03.38 7-bit or UCS-2).

A text made only of GSM 03.38 characters is sent in GSM-7: one segment holds 160 septets, and a
concatenated message 153 per segment (the rest is the header). Characters of the extension table
(``^ { } \\ [ ~ ] | €`` and form feed) are sent as an escape plus the character: two septets, and the
pair is never split across segments. One character outside both tables (a curly quote, a long dash,
an ellipsis, an emoji) turns the whole message into UCS-2: 70 UTF-16 code units in one segment, 67
per segment when concatenated, a surrogate pair never split.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE, GSM7_PER_PART = 160, 153
UCS2_SINGLE, UCS2_PER_PART = 70, 67

Encoding = Literal["GSM-7", "UCS-2"]


@dataclass(frozen=True)
class SmsSize:
    encoding: Encoding
    characters: int
    """Septets for GSM-7, UTF-16 code units for UCS-2: what the network counts."""
    segments: int


def non_gsm_characters(text: str) -> list[str]:
    """Each character that forces UCS-2, once, in the order it first appears."""
    return list(dict.fromkeys(c for c in text if c not in GSM_BASIC and c not in GSM_EXTENSION))


def _units(text: str, encoding: Encoding) -> list[int]:
    """What each character costs: septets in GSM-7, UTF-16 code units in UCS-2."""
    if encoding == "GSM-7":
        return [2 if c in GSM_EXTENSION else 1 for c in text]
    return [2 if ord(c) > 0xFFFF else 1 for c in text]


def _segments(units: list[int], single: int, per_part: int) -> int:
    """Fill segments in order without splitting a character; an empty text is still one message."""
    if sum(units) <= single:
        return 1
    segments, used = 1, 0
    for size in units:
        if used + size > per_part:
            segments, used = segments + 1, 0
        used += size
    return segments


def sms_size(text: str) -> SmsSize:
    if non_gsm_characters(text):
        units = _units(text, "UCS-2")
        return SmsSize("UCS-2", sum(units), _segments(units, UCS2_SINGLE, UCS2_PER_PART))
    units = _units(text, "GSM-7")
    return SmsSize("GSM-7", sum(units), _segments(units, GSM7_SINGLE, GSM7_PER_PART))


# Characters force systems and people's names often hold that GSM-7 has an equivalent for: one of them
# would make the whole text UCS-2 (70 characters a segment instead of 160).
_EQUIVALENTS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\t": " ",
        "\u2026": "...",
        "\u2044": "/",
        "\u2022": "-",
        "\u00b7": "-",
        "\u00d0": "D",
        "\u00f0": "d",
        "\u00de": "Th",
        "\u00fe": "th",
        "\u0126": "H",
        "\u0127": "h",
        "\u0138": "k",
        "\u013f": "L",
        "\u0140": "l",
        "\u0149": "'n",
        "\u014a": "N",
        "\u014b": "n",
        "\u0166": "T",
        "\u0167": "t",
        "\u0141": "L",
        "\u0142": "l",
        "\u0110": "D",
        "\u0111": "d",
        "\u0131": "i",
        "\u0152": "OE",
        "\u0153": "oe",
    }
)


def as_gsm7(value: str) -> str:
    """A value for an SMS with each character that has a GSM-7 equivalent replaced by it: typographic
    quotes and dashes, special spaces, the ellipsis, and letters GSM-7 lacks by their base letter ("Siân"
    becomes "Sian", "Łukasz" "Lukasz"; "José" and "Müller" stay: GSM-7 has é and ü). A character with no
    equivalent (another script, an emoji) is kept: a name is never garbled, and the text goes as UCS-2."""
    mapped = value.translate(_EQUIVALENTS)
    if not non_gsm_characters(mapped):
        return mapped
    out = []
    for character in mapped:
        if character in GSM_BASIC or character in GSM_EXTENSION:
            out.append(character)
            continue
        # "½" decomposes with a fraction slash, which the table maps too
        decomposed = unicodedata.normalize("NFKD", character).translate(_EQUIVALENTS)
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        out.append(base if base and not non_gsm_characters(base) else character)
    return "".join(out)
