"""Unicode normalisation that defeats the usual tricks, with a map back to the original text.

Rules are matched against a *normalised* copy of the post: lower case (case-folded), accents
removed (NFKD, combining marks dropped), compatibility forms unfolded (full-width ｌｅｔｔｅｒｓ,
ligatures, circled digits), invisible characters removed (zero-width spaces and joiners, soft
hyphens, bidi controls — Unicode category Cf — and blank look-alikes such as the Hangul filler),
look-alike letters of other scripts (Cyrillic “а”, Greek “ο” …) replaced by the Latin letter they
imitate, every decimal digit made ASCII, every dash “-”, every space “ ” and every line break
“\\n”.

Each character of the normalised text remembers the span of the original text it came from, so a
match found in the normalised text highlights exactly what the person typed (a zero-width joiner
inside a banned word included; an accent's combining mark stays with its letter).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Letters of other scripts that look like Latin ones, as people use them to slip past filters.
# Keyed by the character as typed (upper and lower case differ: Greek “Η” looks like H, “η” like n).
HOMOGLYPHS: dict[str, str] = {
    # Cyrillic
    "А": "a", "а": "a", "В": "b", "в": "b", "Ь": "b", "ь": "b", "С": "c", "с": "c", "ԁ": "d",
    "Е": "e", "е": "e", "Ё": "e", "ё": "e", "Һ": "h", "һ": "h", "Н": "h", "н": "h", "І": "i", "і": "i",
    "Ї": "i", "ї": "i", "Ј": "j", "ј": "j", "К": "k", "к": "k", "Ӏ": "l", "ӏ": "l", "М": "m", "м": "m",
    "П": "n", "п": "n", "О": "o", "о": "o", "Р": "p", "р": "p", "Ԛ": "q", "ԛ": "q", "Г": "r", "г": "r",
    "Ѕ": "s", "ѕ": "s", "Т": "t", "т": "t", "Ѵ": "v", "ѵ": "v", "Ԝ": "w", "ԝ": "w", "Х": "x",
    "х": "x", "У": "y", "у": "y", "Ү": "y", "ү": "y",
    # Greek
    "Α": "a", "α": "a", "Β": "b", "β": "b", "ϲ": "c", "Ε": "e", "ε": "e", "Ζ": "z", "Η": "h", "η": "n",
    "Ι": "i", "ι": "i", "Κ": "k", "κ": "k", "Μ": "m", "μ": "u", "Ν": "n", "ν": "v", "Ο": "o", "ο": "o",
    "Ρ": "p", "ρ": "p", "Τ": "t", "τ": "t", "Υ": "y", "υ": "u", "Χ": "x", "χ": "x", "γ": "y", "ω": "w",
    "ϳ": "j",
    # Armenian, and Latin letters that are not plain a–z
    "օ": "o", "ս": "u", "ց": "g", "հ": "h", "ı": "i", "ȷ": "j", "ɑ": "a", "ɡ": "g", "ɩ": "i", "ʟ": "l",
    "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ɢ": "g", "ʜ": "h", "ɪ": "i", "ᴊ": "j", "ᴋ": "k",
    "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ʀ": "r", "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w",
    "ʏ": "y", "ᴢ": "z", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "ħ": "h",
    # Quotation marks and apostrophes people type for "'"
    "’": "'", "‘": "'", "ʼ": "'", "′": "'",
}  # fmt: skip

# Blank characters that are letters or symbols, not Cf, yet show nothing.
INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f")
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")

_ASCII_TABLE = {i: chr(i).lower() for i in range(128)}
_ASCII_TABLE.update({ord("\t"): " ", ord("\r"): "\n", ord("\x0b"): "\n", ord("\x0c"): "\n"})
_ASCII_TABLE.update({i: "" for i in range(32) if chr(i) not in "\t\n\r\x0b\x0c"})  # control characters
_ASCII_TABLE[127] = ""
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@lru_cache(maxsize=8192)
def fold_char(char: str) -> str:
    """What one character of the original becomes in the normalised text ("" when it vanishes)."""
    if char.isascii():
        return char.translate(_ASCII_TABLE)
    if char in HOMOGLYPHS:
        return HOMOGLYPHS[char]
    if char in INVISIBLE:
        return ""
    if char in LINE_BREAKS:
        return "\n"
    out = []
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", char).casefold())
    for part in decomposed:
        category = unicodedata.category(part)
        if category in {"Mn", "Me", "Cf", "Cc"} or part in INVISIBLE:
            continue
        if part in HOMOGLYPHS:
            out.append(HOMOGLYPHS[part])
        elif category == "Nd":
            out.append(str(unicodedata.digit(part)))
        elif category == "Pd":
            out.append("-")
        elif part in LINE_BREAKS:
            out.append("\n")
        elif category == "Zs" or part.isspace():
            out.append(" ")
        elif part.isascii():
            out.append(part.translate(_ASCII_TABLE))
        else:
            out.append(part)
    return "".join(out)


@lru_cache(maxsize=1024)
def _sticks_to_previous(char: str) -> bool:
    """Combining marks belong to the letter before them: a highlight never splits them off."""
    return unicodedata.category(char) in {"Mn", "Me", "Mc"} or char in "\u200d\ufe0e\ufe0f"


@dataclass(frozen=True)
class Normalised:
    """The original text, its normalised form, and for every normalised character the span of
    the original it came from (``starts``/``ends`` are None when the two align one to one)."""

    original: str
    text: str
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span behind normalised ``text[start:end]``."""
        if self.starts is None or self.ends is None:
            return start, end
        if end <= start:  # an empty match: a position
            position = self.starts[start] if start < len(self.starts) else len(self.original)
            return position, position
        return self.starts[start], self.ends[end - 1]


def normalise(text: str) -> Normalised:
    """Normalise ``text`` keeping the map back to it. Plain ASCII text costs one translate."""
    if text.isascii():
        folded = text.translate(_ASCII_TABLE)
        if len(folded) == len(text):
            return Normalised(original=text, text=folded)
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    for match in _NON_ASCII.finditer(text):
        index = match.start()
        if index > position:
            _add_ascii(text, position, index, pieces, starts, ends)
        _add_char(text, index, pieces, starts, ends)
        position = index + 1
    if position < len(text):
        _add_ascii(text, position, len(text), pieces, starts, ends)
    return Normalised(original=text, text="".join(pieces), starts=tuple(starts), ends=tuple(ends))


def _add_ascii(text: str, start: int, end: int, pieces: list[str], starts: list[int], ends: list[int]) -> None:
    run = text[start:end]
    folded = run.translate(_ASCII_TABLE)
    if len(folded) == len(run):
        pieces.append(folded)
        starts.extend(range(start, end))
        ends.extend(range(start + 1, end + 1))
        return
    for offset, char in enumerate(run):  # control characters vanish
        _add_char(text, start + offset, pieces, starts, ends, char)


def _add_char(
    text: str, index: int, pieces: list[str], starts: list[int], ends: list[int], char: str | None = None
) -> None:
    char = char if char is not None else text[index]
    folded = fold_char(char)
    if folded:
        pieces.append(folded)
        starts.extend([index] * len(folded))
        ends.extend([index + 1] * len(folded))
    elif ends and ends[-1] == index and _sticks_to_previous(char):
        ends[-1] = index + 1  # the mark joins the span of its letter
