"""What each kind of rule needs in its ``config``, checked when a rule is saved, with messages
the CoE can act on. ``clean_config(kind, config)`` returns the config as it is stored (terms
trimmed and de-duplicated, domains reduced to host names …) or raises ConfigError."""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from typing import Any

import regex

from governance.rules import detect
from governance.rules.normalise import normalise

KINDS = (
    "banned_term",
    "required_disclosure",
    "link_domains",
    "personal_data",
    "hashtag_limit",
    "mention_limit",
    "regex",
)
DISCLOSURE_CONDITIONS = {
    "sponsored_campaign": "the post belongs to a sponsored campaign",
    "always": "always",
    "mentions": "the post names one of the terms",
}
PERSONAL_DATA = {"email": "e-mail addresses", "phone": "phone numbers", "card": "payment card numbers"}
MAX_TERMS = 1000
MAX_TERM_LENGTH = 200
MAX_PATTERN_LENGTH = 500
PROBE_SECONDS = 0.05
_DOMAIN = re.compile(r"(?:[\w-]+\.)+[\w-]{2,}")


class ConfigError(ValueError):
    """The rule's settings cannot work; ``message`` says what to change."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _keys(config: Mapping[str, Any], required: set[str], optional: set[str] = frozenset()) -> None:
    if not isinstance(config, Mapping):
        raise ConfigError('The settings must be an object such as {"terms": ["…"]}.')
    unknown = sorted(set(config) - required - optional)
    if unknown:
        allowed = ", ".join(sorted(required | optional))
        raise ConfigError(f"Unknown setting{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. Use: {allowed}.")
    missing = sorted(required - set(config))
    if missing:
        raise ConfigError(f"Missing setting{'s' if len(missing) > 1 else ''}: {', '.join(missing)}.")


def _terms(value: Any, what: str, *, required: bool = True) -> list[str]:
    """A list of phrases, trimmed, without repeats (two spellings that normalise alike count once)."""
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"Give the {what} as a list of texts.")
    cleaned, seen = [], set()
    for item in value:
        item = " ".join(item.split())
        if not item:
            continue
        if len(item) > MAX_TERM_LENGTH:
            raise ConfigError(f"“{item[:40]}…” is longer than {MAX_TERM_LENGTH} characters; shorten it.")
        key = detect.term_key(normalise(item).text)
        if not key:
            raise ConfigError(f"“{item}” has nothing to match once spaces and invisible characters are removed.")
        if key not in seen:
            seen.add(key)
            cleaned.append(item)
    if required and not cleaned:
        raise ConfigError(f"Give at least one of the {what}.")
    if len(cleaned) > MAX_TERMS:
        raise ConfigError(f"A rule holds at most {MAX_TERMS} {what}; split them over several rules.")
    return cleaned


def clean_domain(value: str) -> str:
    """“https://www.Bit.ly/abc” → “www.bit.ly”; “*.acme.example” → “acme.example”."""
    host = detect.url_host(normalise(value.strip()).text)
    host = host.removeprefix("*.").removeprefix("www.")  # subdomains are covered anyway
    if not _DOMAIN.fullmatch(host):
        raise ConfigError(f"“{value}” is not a domain name such as acme.example.")
    return host


def _max(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ConfigError("Give the limit as a whole number from 0 to 100.")
    return value


def clean_config(kind: str, config: Any) -> dict[str, Any]:
    """The settings of a ``kind`` of rule, checked and tidied."""
    if kind not in KINDS:
        raise ConfigError(f"Unknown kind of rule “{kind}”.")
    config = config if config is not None else {}
    if kind == "banned_term":
        _keys(config, {"terms"})
        return {"terms": _terms(config["terms"], "banned terms")}
    if kind == "required_disclosure":
        _keys(config, {"when", "disclosures"}, {"terms", "within"})
        when = config["when"]
        if when not in DISCLOSURE_CONDITIONS:
            raise ConfigError("Say when a disclosure is needed: sponsored_campaign, always or mentions.")
        cleaned: dict[str, Any] = {"when": when, "disclosures": _terms(config["disclosures"], "disclosures")}
        if when == "mentions":
            cleaned["terms"] = _terms(config.get("terms", []), "terms that call for a disclosure")
        elif config.get("terms"):
            raise ConfigError("Terms are only used when the condition is “mentions”.")
        within = config.get("within")
        if within is not None:
            if isinstance(within, bool) or not isinstance(within, int) or not 1 <= within <= 5000:
                raise ConfigError("“Within” is how many characters from the start: a whole number from 1 to 5000.")
            cleaned["within"] = within
        return cleaned
    if kind == "link_domains":
        _keys(config, {"mode", "domains"})
        if config["mode"] not in {"allow", "deny"}:
            raise ConfigError("Choose the mode: allow (only these domains) or deny (never these domains).")
        domains = config["domains"]
        if isinstance(domains, str):
            domains = domains.split()
        if not isinstance(domains, list) or not all(isinstance(item, str) for item in domains):
            raise ConfigError('Give the domains as a list such as ["acme.example"].')
        cleaned_domains = list(dict.fromkeys(clean_domain(item) for item in domains if item.strip()))
        if not cleaned_domains:
            raise ConfigError("Give at least one domain.")
        return {"mode": config["mode"], "domains": cleaned_domains}
    if kind == "personal_data":
        _keys(config, {"detect"}, {"allow"})
        detect_what = config["detect"]
        if (
            not isinstance(detect_what, list)
            or not detect_what
            or not set(detect_what) <= set(PERSONAL_DATA)
            or not all(isinstance(item, str) for item in detect_what)
        ):
            raise ConfigError("Choose what to detect: any of email, phone, card.")
        cleaned = {"detect": [name for name in PERSONAL_DATA if name in detect_what]}
        allow = _terms(config.get("allow", []), "allowed addresses and numbers", required=False)
        if allow:
            cleaned["allow"] = allow
        return cleaned
    if kind in {"hashtag_limit", "mention_limit"}:
        _keys(config, {"max"})
        return {"max": _max(config["max"])}
    _keys(config, {"pattern"}, {"ignore_case"})
    ignore_case = config.get("ignore_case", True)
    if not isinstance(ignore_case, bool):
        raise ConfigError("ignore_case is true or false.")
    return {"pattern": check_pattern(config["pattern"], ignore_case=ignore_case), "ignore_case": ignore_case}


def compile_pattern(pattern: str, *, ignore_case: bool = True) -> regex.Pattern:
    flags = regex.V0 | (regex.IGNORECASE if ignore_case else 0)
    return regex.compile(pattern, flags)


def check_pattern(pattern: Any, *, ignore_case: bool = True) -> str:
    """A pattern that compiles, matches something, and cannot take long on any text: nested
    quantifiers are refused outright, then the pattern is timed on texts built to make a
    backtracking pattern slow."""
    if not isinstance(pattern, str) or not pattern.strip():
        raise ConfigError("Write the regular expression.")
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise ConfigError(f"Keep the pattern under {MAX_PATTERN_LENGTH} characters; split it over several rules.")
    try:
        compiled = compile_pattern(pattern, ignore_case=ignore_case)
    except (regex.error, OverflowError, RecursionError) as exc:
        raise ConfigError(f"The pattern does not compile: {exc}.") from exc
    nested = detect.nested_quantifier(pattern)
    if nested:
        raise ConfigError(
            f"The pattern has {nested} (such as “(a+)+”), which can take minutes on an unlucky text. "
            "Repeat the inner part once (“a+”), or make it possessive (“(?:a+)++”)."
        )
    sample = "Hello world, 123 — check these texts."
    if compiled.fullmatch("", timeout=PROBE_SECONDS) or any(
        match.end() == match.start() for match in compiled.finditer(sample, timeout=PROBE_SECONDS)
    ):
        raise ConfigError("The pattern matches empty text, so it would flag every post; make it need a character.")
    for text in detect.probe_texts(pattern):
        started = time.monotonic()
        try:
            detect.regex_spans(compiled, text, deadline=started + PROBE_SECONDS, limit=10_000)
        except detect.RegexTimeout as exc:
            raise ConfigError(
                "The pattern takes too long on some texts (it backtracks catastrophically). Simplify it: "
                "avoid alternatives and repeats that can match the same characters."
            ) from exc
    return pattern
