"""The content rules engine: a set of rules compiled once into a Ruleset, then checked against
any number of texts.

Pure Python: it knows nothing of Django. governance.selectors.rules builds RuleSpecs from the
database and keeps one compiled Ruleset per process until a rule changes.

Compiling does the work that does not depend on the text: every banned term of every rule goes
into ONE pattern (a trie-shaped alternation, governance.rules.detect.terms_pattern), hand-written
patterns are compiled with the ``regex`` module, disclosures and domains are normalised. A check
normalises the text once (governance.rules.normalise), extracts links, hashtags, mentions and
personal data once, and lets each rule that applies (scope: everywhere, or chosen channels or
departments) look at the result.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import regex

from governance.rules import detect
from governance.rules.config import compile_pattern
from governance.rules.normalise import Normalised, normalise

BLOCK, WARN = "block", "warn"
# Time a hand-written pattern may take on one text, and all of them together on one check.
REGEX_SECONDS = 0.05
CHECK_REGEX_BUDGET_SECONDS = 0.25
MAX_SPANS = 20
_PERSONAL_NAMES = {
    "email": ("An e-mail address", "e-mail addresses"),
    "phone": ("A phone number", "phone numbers"),
    "card": ("A payment card number", "payment card numbers"),
}


@dataclass(frozen=True)
class RuleSpec:
    """One active rule as the engine needs it (see governance.models.ContentRule)."""

    id: int
    name: str
    kind: str
    severity: str = BLOCK
    config: Mapping[str, Any] = field(default_factory=dict)
    explanation: str = ""
    clause: str = ""
    clause_url: str = ""
    everywhere: bool = True
    channel_ids: frozenset[int] = frozenset()
    department_ids: frozenset[int] = frozenset()
    review_stage_name: str = ""
    review_group_id: int | None = None
    review_people_ids: tuple[int, ...] = ()

    def applies(self, context: CheckContext) -> bool:
        return (
            self.everywhere
            or bool(self.channel_ids & context.channel_ids)
            or (context.department_id is not None and context.department_id in self.department_ids)
        )


@dataclass(frozen=True)
class CheckContext:
    """Where the text goes: its channels, its department, and whether its campaign is sponsored."""

    channel_ids: frozenset[int] = frozenset()
    department_id: int | None = None
    sponsored: bool = False


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    field: str = "text"  # "text", or "link" (the post's separate link)


@dataclass(frozen=True)
class Finding:
    rule_id: int
    rule_name: str
    kind: str
    severity: str
    message: str  # what was found, in one sentence
    explanation: str  # the rule's own words for the liaison: why, and what to do instead
    spans: tuple[Span, ...] = ()
    matched: tuple[str, ...] = ()  # the original text of each span
    clause: str = ""
    clause_url: str = ""
    review_stage_name: str = ""
    review_group_id: int | None = None
    review_people_ids: tuple[int, ...] = ()

    @property
    def blocking(self) -> bool:
        return self.severity == BLOCK

    def as_dict(self) -> dict[str, Any]:
        """JSON for PostRuleCheck.findings and the API."""
        return {
            "rule_id": self.rule_id,
            "rule_name": self.rule_name,
            "kind": self.kind,
            "severity": self.severity,
            "message": self.message,
            "explanation": self.explanation,
            "spans": [{"start": s.start, "end": s.end, "field": s.field} for s in self.spans],
            "matched": list(self.matched),
            "clause": self.clause,
            "clause_url": self.clause_url,
            "review_stage": self.review_stage_name if self.severity == WARN else "",
        }


def _quoted(items: Iterable[str]) -> str:
    items = [f"“{item}”" for item in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


class _Text:
    """One text being checked: its normalised form and what was extracted from it (each once)."""

    def __init__(self, original: str, field: str):
        self.field = field
        self.normalised: Normalised = normalise(original)
        self.disclosures: dict[str, tuple[int, int]] | None = None  # filled by the first disclosure rule

    @property
    def text(self) -> str:
        return self.normalised.text

    def span(self, start: int, end: int) -> Span:
        original_start, original_end = self.normalised.span(start, end)
        return Span(original_start, original_end, self.field)

    def original(self, span: Span) -> str:
        return self.normalised.original[span.start : span.end]

    @cached_property
    def links(self) -> list[detect.Link]:
        return detect.find_links(self.text)

    @cached_property
    def hashtags(self) -> list[tuple[int, int]]:
        return detect.find_hashtags(self.text)

    @cached_property
    def mentions(self) -> list[tuple[int, int]]:
        return detect.find_mentions(self.text)

    @cached_property
    def personal_data(self) -> list[detect.PersonalData]:
        return detect.find_personal_data(self.text)


class Ruleset:
    """Rules compiled for checking. Build once (``Ruleset(specs)``), check many texts."""

    def __init__(self, specs: Iterable[RuleSpec], *, token: str = ""):
        self.token = token  # what the rules were compiled from (the rules generation)
        self.specs: tuple[RuleSpec, ...] = tuple(specs)
        self.problems: list[str] = []  # rules that could not be compiled (the CoE sees them)
        self._banned: dict[str, list[tuple[RuleSpec, str]]] = {}
        self._disclosures: list[tuple[RuleSpec, frozenset[str], Any]] = []
        self._disclosure_terms: set[str] = set()
        self._links: list[tuple[RuleSpec, str, tuple[str, ...], frozenset[str]]] = []
        self._personal: list[tuple[RuleSpec, frozenset[str], frozenset[str], tuple[str, ...]]] = []
        self._limits: list[tuple[RuleSpec, str, int]] = []
        self._patterns: list[tuple[RuleSpec, regex.Pattern]] = []
        for spec in self.specs:
            try:
                self._compile(spec)
            except Exception as exc:  # a bad rule must never stop every check
                self.problems.append(f"{spec.name}: {exc}")
        self.banned_pattern = detect.terms_pattern(self._banned_terms())
        # Every disclosure of every rule, found in one pass; each rule then looks for its own.
        self.disclosure_pattern = detect.terms_pattern(self._disclosure_terms)

    def __len__(self) -> int:
        return len(self.specs)

    # --- compiling ------------------------------------------------------------------------------

    def _banned_terms(self) -> list[str]:
        return [normalise(entries[0][1]).text for entries in self._banned.values()]

    def _compile(self, spec: RuleSpec) -> None:
        config = spec.config
        if spec.kind == "banned_term":
            for term in config.get("terms", []):
                normal = detect.clean_term(normalise(term).text)
                if normal:
                    self._banned.setdefault(detect.term_key(normal), []).append((spec, " ".join(term.split())))
        elif spec.kind == "required_disclosure":
            disclosures = [detect.clean_term(normalise(item).text) for item in config.get("disclosures", [])]
            terms = [normalise(item).text for item in config.get("terms", [])]
            keys = frozenset(detect.term_key(item) for item in disclosures if item)
            self._disclosure_terms.update(item for item in disclosures if item)
            self._disclosures.append((spec, keys, detect.terms_pattern(terms) if terms else None))
        elif spec.kind == "link_domains":
            domains = tuple(detect.url_host(normalise(item).text) for item in config.get("domains", []))
            self._links.append((spec, config.get("mode", "deny"), domains, frozenset(domains)))
        elif spec.kind == "personal_data":
            # Allowed: exact addresses, numbers (compared digit by digit), or every address at a domain.
            allowed, allowed_domains = set(), []
            for item in (normalise(entry).text.strip() for entry in config.get("allow", [])):
                if "@" in item:
                    allowed.add(item)
                elif any(char.isdigit() for char in item) and not any(char.isalpha() for char in item):
                    allowed.add("".join(char for char in item if char.isdigit()))
                else:
                    allowed_domains.append(detect.url_host(item))
            self._personal.append(
                (spec, frozenset(config.get("detect", [])), frozenset(allowed), frozenset(allowed_domains))
            )
        elif spec.kind in {"hashtag_limit", "mention_limit"}:
            self._limits.append((spec, spec.kind, int(config.get("max", 0))))
        elif spec.kind == "regex":
            self._patterns.append(
                (spec, compile_pattern(config["pattern"], ignore_case=config.get("ignore_case", True)))
            )
        else:
            raise ValueError(f"unknown kind {spec.kind}")

    # --- checking -------------------------------------------------------------------------------

    def check(self, text: str, link: str = "", context: CheckContext | None = None) -> list[Finding]:
        """Every finding of the rules that apply to ``context``, blocking ones first, then in the
        order they occur in the text."""
        context = context or CheckContext()
        body = _Text(text or "", "text")
        extra = _Text(link, "link") if link and link.strip() else None
        findings: list[Finding] = []
        findings += self._check_banned(body, context)
        for spec, disclosures, terms in self._disclosures:
            if spec.applies(context):
                findings += self._check_disclosure(spec, disclosures, terms, body, context)
        for spec, mode, domains, domain_set in self._links:
            if spec.applies(context):
                for part in (body, extra):
                    if part is not None:
                        findings += self._check_links(spec, mode, domains, domain_set, part)
        for spec, kinds, allowed, allowed_domains in self._personal:
            if spec.applies(context):
                findings += self._check_personal(spec, kinds, allowed, allowed_domains, body)
        for spec, kind, most in self._limits:
            if spec.applies(context):
                findings += self._check_limit(spec, kind, most, body)
        if self._patterns:
            findings += self._check_patterns(body, context)
        return sorted(findings, key=_order)

    def _finding(self, spec: RuleSpec, message: str, part: _Text | None, spans: Sequence[Span]) -> Finding:
        spans = tuple(spans[:MAX_SPANS])
        return Finding(
            rule_id=spec.id,
            rule_name=spec.name,
            kind=spec.kind,
            severity=spec.severity,
            message=message,
            explanation=spec.explanation,
            spans=spans,
            matched=tuple(part.original(span) for span in spans) if part is not None else (),
            clause=spec.clause,
            clause_url=spec.clause_url,
            review_stage_name=spec.review_stage_name,
            review_group_id=spec.review_group_id,
            review_people_ids=spec.review_people_ids,
        )

    def _check_banned(self, body: _Text, context: CheckContext) -> list[Finding]:
        if self.banned_pattern is None:
            return []
        hits: dict[tuple[int, str], tuple[RuleSpec, list[Span]]] = {}
        for match in self.banned_pattern.finditer(body.text):
            if match.end() == match.start():
                continue
            for spec, term in self._banned.get(detect.term_key(match.group()), ()):
                if spec.applies(context):
                    entry = hits.setdefault((spec.id, term), (spec, []))
                    entry[1].append(body.span(*match.span()))
        findings = []
        for (_, term), (spec, spans) in hits.items():
            findings.append(self._finding(spec, f"“{term}” is a banned term.", body, spans))
        return findings

    def _disclosures_in(self, body: _Text) -> dict[str, tuple[int, int]]:
        """Each disclosure that occurs in the text (by its key), where it first occurs."""
        if body.disclosures is None:
            body.disclosures = {}
            if self.disclosure_pattern is not None:
                for match in self.disclosure_pattern.finditer(body.text):
                    if match.end() > match.start():
                        body.disclosures.setdefault(detect.term_key(match.group()), match.span())
        return body.disclosures

    def _check_disclosure(self, spec: RuleSpec, keys, terms, body: _Text, context) -> list[Finding]:
        when = spec.config.get("when")
        spans: list[Span] = []
        if when == "sponsored_campaign":
            needed, reason = context.sponsored, "Posts of a sponsored campaign"
        elif when == "mentions":
            spans = [body.span(*m.span()) for m in terms.finditer(body.text) if m.end() > m.start()] if terms else []
            needed, reason = bool(spans), "A post that names " + _quoted(dict.fromkeys(body.original(s) for s in spans))
        else:
            needed, reason = True, "Every post"
        if not needed:
            return []
        within = spec.config.get("within")
        present = self._disclosures_in(body)
        found = sorted(present[key] for key in keys if key in present)
        if found and (within is None or body.span(*found[0]).start < within):
            return []
        wanted = _quoted(spec.config.get("disclosures", []))
        if found:  # there, but past where people stop reading (“…more”)
            late = body.span(*found[0])
            message = (
                f"{reason} must carry its disclosure within the first {within} characters, where people see it "
                f"before “…more”: move “{body.original(late)}” to the start."
            )
            return [self._finding(spec, message, body, [late])]
        where = f" within its first {within} characters" if within else ""
        return [self._finding(spec, f"{reason} must carry a disclosure{where}: add {wanted}.", body, spans)]

    def _check_links(
        self, spec: RuleSpec, mode: str, domains: tuple[str, ...], domain_set, part: _Text
    ) -> list[Finding]:
        by_host: dict[str, list[Span]] = {}
        for found in part.links:
            within = not found.within.isdisjoint(domain_set)
            if within == (mode == "deny"):
                by_host.setdefault(found.host, []).append(part.span(found.start, found.end))
        findings = []
        for host, spans in by_host.items():
            if mode == "deny":
                message = f"Links to {host} are not allowed."
            else:
                message = f"{host} is not an allowed link domain (allowed: {', '.join(domains)})."
            if part.field == "link":
                message = f"The post's link: {message[0].lower()}{message[1:]}"
            findings.append(self._finding(spec, message, part, spans))
        return findings

    def _check_personal(self, spec, kinds, allowed, allowed_domains, body: _Text) -> list[Finding]:
        by_kind: dict[str, list[Span]] = {}
        for item in body.personal_data:
            if item.category not in kinds or item.value in allowed:
                continue
            if allowed_domains and not item.within.isdisjoint(allowed_domains):
                continue
            by_kind.setdefault(item.category, []).append(body.span(item.start, item.end))
        findings = []
        for category, spans in by_kind.items():
            one, many = _PERSONAL_NAMES[category]
            count = f"{len(spans)} {many}" if len(spans) > 1 else one
            findings.append(self._finding(spec, f"{count}: personal data must not be published.", body, spans))
        return findings

    def _check_limit(self, spec: RuleSpec, kind: str, most: int, body: _Text) -> list[Finding]:
        found = body.hashtags if kind == "hashtag_limit" else body.mentions
        if len(found) <= most:
            return []
        what = "hashtags" if kind == "hashtag_limit" else "mentions"
        message = f"{len(found)} {what}; at most {most} {'is' if most == 1 else 'are'} allowed."
        return [self._finding(spec, message, body, [body.span(*span) for span in found[most:]])]

    def _check_patterns(self, body: _Text, context: CheckContext) -> list[Finding]:
        findings = []
        budget_end = time.monotonic() + CHECK_REGEX_BUDGET_SECONDS
        for spec, pattern in self._patterns:
            if not spec.applies(context):
                continue
            deadline = min(time.monotonic() + REGEX_SECONDS, budget_end)
            try:
                spans = detect.regex_spans(pattern, body.text, deadline=deadline, limit=MAX_SPANS)
            except detect.RegexTimeout:
                findings.append(self._timed_out(spec))
                continue
            if spans:
                mapped = [body.span(*span) for span in spans]
                typed = body.original(mapped[0])
                findings.append(self._finding(spec, f"“{typed}” matches this rule's pattern.", body, mapped))
        return findings

    def _timed_out(self, spec: RuleSpec) -> Finding:
        """A pattern that ran out of time neither blocks nor passes silently: a person checks."""
        finding = self._finding(
            spec,
            f"The rule “{spec.name}” could not finish checking this text in time, so a reviewer checks it by hand.",
            None,
            [],
        )
        return Finding(**{**finding.__dict__, "severity": WARN})


def _order(finding: Finding) -> tuple:
    first = finding.spans[0] if finding.spans else Span(-1, -1)
    return (finding.severity != BLOCK, first.field != "text", first.start, finding.rule_name)
