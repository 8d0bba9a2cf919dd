"""What the checks look for, on normalised text (governance.rules.normalise): term patterns
(one alternation, shaped as a trie), links and their hosts, hashtags, mentions, e-mail addresses,
phone numbers, payment card numbers (Luhn), and the guard for hand-written regular expressions."""

from __future__ import annotations

import re
import re._constants as sre_constants
import re._parser as sre_parser
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import regex

# --- terms ----------------------------------------------------------------------------------------

# Between the words of a phrase any run of spaces, hyphens or underscores (or none: “riskfree”).
SEPARATOR = r"[\s\-_]*"
_SEPARATORS = re.compile(r"[\s\-_]+")
# Scripts written without spaces between words: their terms match inside a run of letters.
_UNSPACED_SCRIPTS = re.compile(
    r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)
_WORD = re.compile(r"\w")


def term_key(normalised_term: str) -> str:
    """A term as the lookup knows it: normalised, separators removed (“risk-free” = “risk free”)."""
    return _SEPARATORS.sub("", normalised_term)


def _needs_boundary(char: str) -> bool:
    return bool(_WORD.fullmatch(char)) and not _UNSPACED_SCRIPTS.match(char)


_END = ""  # trie key of “a term ends here” (characters are never empty)
_SEP = " "  # trie key of a separator run (spaces are collapsed into it)


def clean_term(term: str) -> str:
    """A normalised term with its separators collapsed to one space and none at either end."""
    return _SEPARATORS.sub(" ", term).strip()


def _trie(terms: Iterable[str]) -> dict:
    root: dict = {}
    for term in terms:
        node = root
        for char in term:
            node = node.setdefault(char, {})
        node[_END] = _needs_boundary(term[-1])
    return root


def _emit(node: dict) -> str:
    branches = []
    for char in sorted(key for key in node if key != _END):
        token = SEPARATOR if char == _SEP else re.escape(char)
        branches.append(token + _emit(node[char]))
    if _END in node:
        if node[_END]:  # a word ends here: not followed by another letter
            branches.append(r"(?!\w)")
        elif branches:
            return "(?:" + "|".join(branches) + ")?"
        else:
            return ""
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


def terms_pattern(terms: Iterable[str]) -> re.Pattern | None:
    """One pattern for every term (already normalised), shaped as a trie so that scanning costs
    about the same for ten terms or ten thousand. Whole words only: a term that starts or ends
    with a letter or digit is not matched inside a longer word (except in scripts written
    without spaces). The longest term wins where several start at the same place."""
    bounded, unbounded = [], []
    for term in {clean_term(t) for t in terms} - {""}:
        (bounded if _needs_boundary(term[0]) else unbounded).append(term)
    parts = []
    if bounded:
        parts.append(r"(?<!\w)" + _group(_emit(_trie(bounded))))
    if unbounded:
        parts.append(_group(_emit(_trie(unbounded))))
    return re.compile("|".join(parts)) if parts else None


def _group(body: str) -> str:
    return f"(?:{body})"


# --- links ----------------------------------------------------------------------------------------

# Top-level domains accepted for a bare “example.com/…” without http(s):// (file names such as
# report.pdf or notes.txt are not links). With a scheme or “www.” any host counts.
_TLD_LIST = (
    "com net org info biz io co ly gl me to gg tv cc ai app dev xyz site online shop store link page news "
    "blog club live eu us uk de fr es it nl be ch at se no dk fi pt ie nz au ca in jp cn ru br mx za example"
)
BARE_TLDS = frozenset(_TLD_LIST.split(" "))
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'`{}|\\^]+"
    r"|(?<![\w@.\-/#])(?:[\w-]+\.)+[^\W\d_]{2,24}(?::\d{1,5})?(?![\w@-])(?:/[^\s<>\"'`{}|\\^]*)?"
)
_TRAILING = ".,;:!?'\")]}>»…"


@dataclass(frozen=True)
class Link:
    start: int  # in the text searched
    end: int
    host: str
    within: frozenset[str] = frozenset()  # the host and every domain above it


def url_host(url: str) -> str:
    rest = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip().lower())
    host = re.split(r"[/?#]", rest, maxsplit=1)[0].rsplit("@", 1)[-1]
    if not host.startswith("["):
        host = host.split(":", 1)[0]
    return host.strip(".")


def find_links(text: str) -> list[Link]:
    links = []
    for match in _URL.finditer(text):
        url = match.group()
        while url and url[-1] in _TRAILING and not (url[-1] == ")" and url.count("(") >= url.count(")")):
            url = url[:-1]
        host = url_host(url)
        if not host or "." not in host:
            continue
        explicit = url.startswith(("http://", "https://", "www."))
        if not explicit and host.rsplit(".", 1)[-1] not in BARE_TLDS:
            continue
        links.append(Link(match.start(), match.start() + len(url), host, host_suffixes(host)))
    return links


def host_within(host: str, domain: str) -> bool:
    """``host`` is ``domain`` or one of its subdomains (news.acme.example is within acme.example)."""
    return host == domain or host.endswith("." + domain)


def host_suffixes(host: str) -> frozenset[str]:
    """Every domain ``host`` is within: news.acme.example → itself, acme.example, example."""
    labels = host.split(".")
    return frozenset(".".join(labels[index:]) for index in range(len(labels)))


# --- hashtags and mentions ------------------------------------------------------------------------

_HASHTAG = re.compile(r"(?<![\w&#/])#(?=\w*[^\W\d])\w+")
_MENTION = re.compile(r"(?<![\w@./])@\w(?:[\w.\-]*\w)?")


def find_hashtags(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in _HASHTAG.finditer(text)]


def find_mentions(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in _MENTION.finditer(text)]


# --- personal data --------------------------------------------------------------------------------

# An address is found from its “@” (a text has few): the local part is walked back from it, then
# this pattern must match from there.
_EMAIL = re.compile(r"[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,24}(?![\w\-])")
# “name (at) example (dot) com” and the like, looked for only when an “(at)” is there at all.
_SPELLED_AT = re.compile(r"[(\[{]\s*at\s*[)\]}]")
_SPELLED_EMAIL = re.compile(
    r"(?<![\w.%+\-])[\w.%+\-]+\s*[(\[{]\s*at\s*[)\]}]\s*[\w\-]+(?:\s*[(\[{]\s*dot\s*[)\]}]\s*[\w\-]+)+"
)
_LOCAL_PUNCTUATION = frozenset(".%+-_")
_PHONE = re.compile(r"(?<![\w+/.,\-])(?:\+|00)?\(?\d[\d \-.()/]{5,22}\d(?![\w/])")
_CARD = re.compile(r"(?<![\w\-])(?:\d[ \-]?){12,18}\d(?![\w])")
_DATE = re.compile(r"\d{1,4}[./\-]\d{1,2}[./\-]\d{1,4}|(?:19|20)\d\d\s*-\s*(?:19|20)\d\d|\d+\.\d+")
_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:[ .]\d{3})+")
_NON_DIGIT = re.compile(r"\D")


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum that every payment card number passes."""
    if not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


@dataclass(frozen=True)
class PersonalData:
    category: str  # email | phone | card
    start: int
    end: int
    value: str  # what matched, normalised (digits only for phones and cards)
    within: frozenset[str] = frozenset()  # for an address: its domain and every domain above it


def find_personal_data(text: str) -> list[PersonalData]:
    found: list[PersonalData] = []
    at = text.find("@")
    while at >= 0:
        start = at
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in _LOCAL_PUNCTUATION):
            start -= 1
        match = _EMAIL.match(text, start) if start < at else None
        if match is not None:
            domain = match.group().rsplit("@", 1)[-1]
            found.append(PersonalData("email", match.start(), match.end(), match.group(), host_suffixes(domain)))
            at = text.find("@", match.end())
        else:
            at = text.find("@", at + 1)
    if _SPELLED_AT.search(text):
        for match in _SPELLED_EMAIL.finditer(text):
            found.append(PersonalData("email", match.start(), match.end(), match.group()))
    cards = []
    for match in _CARD.finditer(text):
        digits = _NON_DIGIT.sub("", match.group())
        if 13 <= len(digits) <= 19 and digits[0] in "23456" and luhn_valid(digits):
            cards.append(PersonalData("card", match.start(), match.end(), digits))
    found.extend(cards)
    taken = [(item.start, item.end) for item in found]
    for match in _PHONE.finditer(text):
        start, end = match.span()
        if any(start < other_end and other_start < end for other_start, other_end in taken):
            continue
        if _looks_like_phone(match.group()):
            found.append(PersonalData("phone", start, end, _NON_DIGIT.sub("", match.group())))
    return sorted(found, key=lambda item: item.start)


def _looks_like_phone(candidate: str) -> bool:
    digits = _NON_DIGIT.sub("", candidate)
    international = candidate.startswith(("+", "00"))
    if not 7 <= len(digits) <= 15:
        return False
    if candidate.count("(") != candidate.count(")"):
        return False
    plain = candidate.lstrip("+")
    if not international and (_DATE.fullmatch(plain) or _THOUSANDS.fullmatch(plain)):
        return False
    if plain.isdigit() and not international:
        return len(digits) >= 10  # a bare run of digits: only as long as a full number
    return True


# --- hand-written regular expressions -------------------------------------------------------------

_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}
_SAFE_REPEATS = {getattr(sre_constants, "POSSESSIVE_REPEAT", None), getattr(sre_constants, "ATOMIC_GROUP", None)}
_LARGE_REPEAT = 50


def nested_quantifier(pattern: str) -> str | None:
    """The part of ``pattern`` that repeats a repetition — ``(a+)+``, ``(\\w+\\s?)*``,
    ``(.*,){100}`` — the shape that backtracks catastrophically, or None. Patterns only the
    ``regex`` module understands are left to the time limit."""
    try:
        tree = sre_parser.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return None
    return _nested(tree, inside=False)


def _nested(items, *, inside: bool) -> str | None:
    for op, argument in items:
        if op in _SAFE_REPEATS:
            continue  # possessive and atomic: they never backtrack into themselves
        if op in _REPEATS:
            low, high, sub = argument
            large = high == sre_constants.MAXREPEAT or high > _LARGE_REPEAT
            if large and inside and _can_repeat_text(sub):
                return "a repeated group that itself repeats"
            found = _nested(sub, inside=inside or (large and _can_repeat_text(sub)))
            if found:
                return found
        elif op == sre_constants.SUBPATTERN:
            found = _nested(argument[-1], inside=inside)
            if found:
                return found
        elif op == sre_constants.BRANCH:
            for branch in argument[1]:
                found = _nested(branch, inside=inside)
                if found:
                    return found
        elif op in {sre_constants.ASSERT, sre_constants.ASSERT_NOT}:
            found = _nested(argument[1], inside=inside)
            if found:
                return found
    return None


def _can_repeat_text(items) -> bool:
    """Whether a repeated body consumes text (a lone assertion repeated is harmless)."""
    return any(op not in {sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT} for op, _ in items)


def probe_texts(pattern: str) -> list[str]:
    """Texts that make a backtracking pattern slow: long runs of the characters it repeats,
    each followed by something that breaks the match."""
    chars = ["a", "1", " ", "-", ".", "x"]
    try:
        for op, argument in _walk(sre_parser.parse(pattern)):
            if op == sre_constants.LITERAL and chr(argument) not in chars:
                chars.append(chr(argument))
    except (re.error, RecursionError, OverflowError, ValueError):
        pass
    texts = []
    for char in chars[:14]:
        for length in (32, 3000):
            texts.append(char * length + "\u2603")
    texts.append("ab" * 1500 + "\u2603")
    return texts


def _walk(items) -> Iterator[tuple]:
    for op, argument in items:
        yield op, argument
        if op in _REPEATS or op in _SAFE_REPEATS or op == sre_constants.SUBPATTERN:
            yield from _walk(argument[-1])
        elif op == sre_constants.BRANCH:
            for branch in argument[1]:
                yield from _walk(branch)
        elif op in {sre_constants.ASSERT, sre_constants.ASSERT_NOT}:
            yield from _walk(argument[1])


class RegexTimeout(Exception):
    """A rule's pattern took longer than its share of the time limit."""


def regex_spans(pattern: regex.Pattern, text: str, *, deadline: float, limit: int = 50) -> list[tuple[int, int]]:
    """Non-empty matches of ``pattern`` in ``text``; raises RegexTimeout past ``deadline``
    (time.monotonic()). Each search gets only the time left, so a check never hangs."""
    spans: list[tuple[int, int]] = []
    position = 0
    while position <= len(text) and len(spans) < limit:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise RegexTimeout
        try:
            match = pattern.search(text, position, timeout=remaining)
        except TimeoutError as exc:
            raise RegexTimeout from exc
        if match is None:
            break
        start, end = match.span()
        if end > start:
            spans.append((start, end))
        position = end if end > start else end + 1
    return spans
