"""Governance benchmarks.

- ``rules_check``: one 3,000-character post (mixed Unicode, links, hashtags, a few findings)
  checked against 500 active content rules of every kind — the call publishing makes live while
  composing, at submission and before sending. p50/p95 per check (target: p95 under 5 ms), beside
  the floor: ONE precompiled combined pattern (every banned term of every rule) scanning the same
  text, with no normalisation and no other kind of rule.
"""

from __future__ import annotations

import random
import statistics
import time

from benchmarks.report import bench
from coe.models import Department
from coe.permissions import SYSTEM
from governance.models import ContentRule
from governance.selectors import rules as rule_selectors
from governance.services import rules as rule_services
from publishing.models import Channel

_WORD_LIST = (
    "launch winter product customer story team design light fabric warm coat price offer deal event live "
    "webinar support account update release beta feedback community partner store online shipping return "
    "quality colour range classic modern studio behind scenes hiring culture value growth plan save time"
)
WORDS = _WORD_LIST.split(" ")
PARAGRAPH = (
    "Our winter line is here: lighter, warmer and made to last. Crème de la crème of outdoor wear, designed in "
    "our Zürich studio 🧥 — read the story at https://acme.example/winter and tell us what you think! "
    "Questions? Ask @AcmeSupport or write to press@acme.example. Thanks to our partner Northwind for the "
    "photos. #WinterLaunch #Acme "
)


def _rules_of_every_kind(count: int) -> None:
    """``count`` active rules: mostly banned-term lists (as a CoE collects them), then hand-written
    patterns, link lists, personal data, disclosures and limits."""
    rng = random.Random(4)  # noqa: S311 - made-up words, not secrets

    def phrase() -> str:
        return " ".join(
            rng.choice(WORDS) + rng.choice("abcdefghijklmnopqrstuvwxyz") * 2 for _ in range(rng.randint(1, 3))
        )

    kinds = ["regex"] * 40 + ["link_domains"] * 20 + ["personal_data"] * 10 + ["required_disclosure"] * 10
    kinds += ["hashtag_limit"] * 10 + ["mention_limit"] * 10
    kinds += ["banned_term"] * max(count - len(kinds), 0)
    for n, kind in enumerate(kinds[:count]):
        config: dict
        if kind == "banned_term":
            config = {"terms": [phrase() for _ in range(5)]}
        elif kind == "regex":
            config = {"pattern": rf"\b(?:promo|code|deal){n}\d{{2,4}}\b"}
        elif kind == "link_domains":
            config = {"mode": "deny", "domains": [f"short{n}-{m}.example" for m in range(5)]}
        elif kind == "personal_data":
            config = {"detect": ["email", "phone", "card"], "allow": ["acme.example"]}
        elif kind == "required_disclosure":
            config = {"when": "sponsored_campaign", "disclosures": ["#ad", "Sponsored", f"Partner {n}"]}
        else:
            config = {"max": 10 + n % 20}
        rule_services.rule_create(
            actor=SYSTEM,
            fields={
                "name": f"Benchmark rule {n:03}",
                "kind": kind,
                "severity": "warn" if n % 4 == 0 else "block",
                "config": config,
                "explanation": "A rule made for the benchmark.",
                "review_stage_name": "Legal",
            },
        )


def _post(length: int = 3000) -> str:
    text = ""
    while len(text) < length:
        text += PARAGRAPH
    # a few findings: a banned phrase of the demo, a look-alike spelling, a phone number
    text = "Ｒｉｓｋ‑free comfort, guaranteed returns on the old coat. Call +44 20 7946 0958. " + text
    return text[:length]


def rules_check(rule_count: int = 500, repeat: int = 300) -> None:
    active = ContentRule.objects.filter(is_active=True).count()
    _rules_of_every_kind(max(rule_count - active, 0))
    rules = ContentRule.objects.filter(is_active=True).count()
    channel = Channel.objects.order_by("pk").first()
    department = Department.objects.get(slug="marketing")
    text = _post()
    arguments = {
        "text": text,
        "link": "https://acme.example/winter?utm_source=linkedin",
        "channel_ids": [channel.pk] if channel else [],
        "department_id": department.pk,
        "sponsored": True,
    }

    rule_selectors.forget_compiled_rules()
    started = time.perf_counter()
    findings = rule_services.content_check(**arguments).findings  # compiles the rules once
    compile_ms = (time.perf_counter() - started) * 1000
    compiled = rule_selectors.compile_count

    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        rule_services.content_check(**arguments)
        samples.append((time.perf_counter() - started) * 1000)
    assert rule_selectors.compile_count == compiled, "the rules were compiled again without a change"

    pattern = rule_selectors.active_ruleset().banned_pattern
    lowered = text.lower()
    floor = []
    for _ in range(repeat):
        started = time.perf_counter()
        list(pattern.finditer(lowered))
        floor.append((time.perf_counter() - started) * 1000)

    samples.sort()
    bench(
        "rules_check",
        p50=(statistics.median(samples), "ms"),
        p95=(samples[int(len(samples) * 0.95) - 1], "ms"),
        floor_p50=(statistics.median(floor), "ms"),
        rules=(rules, "active"),
        text=(len(text), "chars"),
        findings=(len(findings), "found"),
        first_check=(compile_ms, "ms (compiling)"),
    )
