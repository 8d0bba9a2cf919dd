"""The content rules engine on its own (no database): a table of cases per kind of rule,
evasions that must not slip through, spans that point at exactly what was typed, Luhn,
disclosure conditions, link domains with subdomains, the guard against slow patterns, and
hypothesis: any Unicode text never crashes a check nor makes it slow."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.rules import CheckContext, ConfigError, Ruleset, RuleSpec, clean_config, normalise, segments
from governance.rules import engine as engine_module
from governance.rules.detect import find_links, find_personal_data, luhn_valid, nested_quantifier, terms_pattern

BANNED = ["guaranteed returns", "risk-free", "lowest prices anywhere", "scam"]


def spec(kind, config, *, id=1, name="Rule", severity="block", **fields) -> RuleSpec:
    return RuleSpec(id=id, name=name, kind=kind, severity=severity, config=clean_config(kind, config), **fields)


def check(rules, text, link="", **context):
    return Ruleset(rules if isinstance(rules, list) else [rules]).check(text, link, CheckContext(**context))


def matched(rules, text, **context) -> list[str]:
    return [m for finding in check(rules, text, **context) for m in finding.matched]


# --- banned terms: the table ----------------------------------------------------------------------

BANNED_RULE = spec("banned_term", {"terms": BANNED})
ZWJ, ZWSP, SHY = "\u200d", "\u200b", "\u00ad"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Guaranteed returns on every plan!", ["Guaranteed returns"]),
        ("GUARANTEED RETURNS", ["GUARANTEED RETURNS"]),  # mixed and upper case
        ("gUaRaNtEeD rEtUrNs", ["gUaRaNtEeD rEtUrNs"]),
        ("guaranteed\n   returns", ["guaranteed\n   returns"]),  # any spacing between the words
        ("guaranteed-returns", ["guaranteed-returns"]),
        ("a risk free deal", ["risk free"]),  # hyphen, space or nothing
        ("a riskfree deal", ["riskfree"]),
        ("a risk–free deal", ["risk–free"]),  # an en dash
        (f"ri{ZWJ}sk-fr{ZWSP}ee", [f"ri{ZWJ}sk-fr{ZWSP}ee"]),  # zero-width characters inside the word
        (f"sc{SHY}am", [f"sc{SHY}am"]),  # a soft hyphen
        ("ｒｉｓｋ－ｆｒｅｅ", ["ｒｉｓｋ－ｆｒｅｅ"]),  # full-width letters
        ("rísk-frée", ["rísk-frée"]),  # accents
        ("ri\u0301sk-free", ["ri\u0301sk-free"]),  # a combining accent stays with its letter
        ("sсаm", ["sсаm"]),  # Cyrillic с and а
        ("ЅСАМ", ["ЅСАМ"]),  # all Cyrillic capitals
        ("Lowest prіces anywhere", ["Lowest prіces anywhere"]),  # Cyrillic і
        ("Lοwest prices anywhere", ["Lοwest prices anywhere"]),  # Greek omicron
        ("scam! scam?", ["scam", "scam"]),  # every occurrence
        ("#scam", ["scam"]),  # inside a hashtag, still the word
        ("scampi and scamper", []),  # whole words only
        ("ascam", []),
        ("risk-freedom", []),
        ("guaranteed return", []),
        ("", []),
    ],
)
def test_banned_terms_table(text, expected):
    assert matched(BANNED_RULE, text) == expected


def test_spans_point_at_the_original_text():
    text = f"Totally ｒｉｓｋ{ZWJ}-free, guaranteed   returns 🎉 and sсаm."
    findings = check(BANNED_RULE, text)
    assert sorted(text[s.start : s.end] for f in findings for s in f.spans) == sorted(
        [f"ｒｉｓｋ{ZWJ}-free", "guaranteed   returns", "sсаm"]
    )
    assert all(f.matched == tuple(text[s.start : s.end] for s in f.spans) for f in findings)


def test_a_banned_finding_names_the_configured_term_and_the_rule():
    rule = spec("banned_term", {"terms": ["risk-free"]}, id=7, name="No hype", explanation="Say what it does.")
    (finding,) = check(rule, "A RISK FREE offer")
    assert (finding.rule_id, finding.rule_name, finding.kind, finding.severity) == (
        7,
        "No hype",
        "banned_term",
        "block",
    )
    assert finding.message == "“risk-free” is a banned term." and finding.explanation == "Say what it does."


def test_the_longest_term_wins_where_several_start_together():
    rule = spec("banned_term", {"terms": ["guaranteed", "guaranteed returns"]})
    assert matched(rule, "guaranteed returns, guaranteed!") == ["guaranteed returns", "guaranteed"]


def test_terms_in_scripts_without_spaces_match_inside_a_sentence():
    rule = spec("banned_term", {"terms": ["保证收益"]})
    assert matched(rule, "我们保证收益！") == ["保证收益"]


def test_symbol_terms_match_as_typed():
    rule = spec("banned_term", {"terms": ["c++", "#1 brand"]})
    assert matched(rule, "The #1 brand for C++ people") == ["#1 brand", "C++"]


def test_all_banned_terms_of_all_rules_share_one_pattern():
    rules = [spec("banned_term", {"terms": [f"word{n}", f"phrase number {n}"]}, id=n) for n in range(300)]
    ruleset = Ruleset(rules)
    assert ruleset.banned_pattern is not None
    assert ruleset.banned_pattern.search("a phrase   number 250 here").group() == "phrase   number 250"
    findings = ruleset.check("word7 and word199", context=CheckContext())
    assert sorted(f.rule_id for f in findings) == [7, 199]


def test_the_same_term_in_two_rules_gives_a_finding_for_each():
    rules = [
        spec("banned_term", {"terms": ["risk-free"]}, id=1, name="Hype"),
        spec("banned_term", {"terms": ["Risk free"]}, id=2, name="Finance", severity="warn"),
    ]
    findings = check(rules, "risk free")
    assert [(f.rule_name, f.severity) for f in findings] == [("Hype", "block"), ("Finance", "warn")]


# --- normalisation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("Crème Brûlée", "creme brulee"),
        ("ＡＢＣ１２３", "abc123"),
        ("Straße", "strasse"),
        ("ﬁne", "fine"),
        (f"in{ZWSP}vis{ZWJ}ible{SHY}", "invisible"),
        ("раураl", "paypal"),  # Cyrillic р а у
        ("٣ apples", "3 apples"),  # Arabic-Indic digit
        ("a\u00a0b\u2003c", "a b c"),  # no-break and em spaces
        ("x—y–z", "x-y-z"),
        ("it’s", "it's"),
        ("line\u2028break", "line\nbreak"),
    ],
)
def test_normalisation(text, normal):
    assert normalise(text).text == normal


def test_the_map_back_covers_every_normalised_character():
    text = "Ｌé\u200dß ok 🎉"
    normal = normalise(text)
    assert len(normal.starts) == len(normal.ends) == len(normal.text)
    assert normal.span(0, len(normal.text)) == (0, len(text))
    ss = normal.text.index("ss")
    assert normal.span(ss, ss + 1) == normal.span(ss, ss + 2) == (text.index("ß"), text.index("ß") + 1)


def test_plain_ascii_maps_one_to_one_without_tables():
    normal = normalise("Hello World")
    assert normal.text == "hello world" and normal.starts is None and normal.span(6, 11) == (6, 11)


# --- personal data --------------------------------------------------------------------------------

PERSONAL = spec("personal_data", {"detect": ["email", "phone", "card"]})


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Write to jane.doe@example.com today", ["email"]),
        ("Write to JANE@EXAMPLE.COM", ["email"]),
        ("jane (at) example (dot) com", ["email"]),
        ("ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ", ["email"]),  # full-width
        ("Call +44 20 7946 0958", ["phone"]),
        ("Call (555) 123-4567 now", ["phone"]),
        ("Call 555.123.4567", ["phone"]),
        ("Call 0049 30 1234567", ["phone"]),
        ("Card 4111 1111 1111 1111", ["card"]),
        ("Card 4111-1111-1111-1111", ["card"]),
        ("Card 5555555555554444", ["card"]),
        ("Card ４１１１１１１１１１１１１１１１", ["card"]),  # full-width digits
        ("Not a card: 4111 1111 1111 1112", []),  # fails Luhn (and is no phone either: too long)
        ("Planned maintenance 22:00–23:00 UTC", []),
        ("On 2026-12-03, 3 December, at 17:00 CET", []),
        ("2,000 people joined; 1 000 000 views; 40% lighter", []),
        ("Order 1234567 shipped", []),  # a short bare number is no phone
        ("Between 2019-2021", []),
        ("Pi is 3.14159265", []),
        ("@acme on mastodon, #ad", []),
    ],
)
def test_personal_data_table(text, kinds):
    assert [f.message.split(":")[0] for f in check(PERSONAL, text)] == [
        {"email": "An e-mail address", "phone": "A phone number", "card": "A payment card number"}[k] for k in kinds
    ]


def test_luhn():
    assert luhn_valid("4111111111111111") and luhn_valid("79927398713") and luhn_valid("378282246310005")
    assert not luhn_valid("4111111111111112") and not luhn_valid("79927398710") and not luhn_valid("12ab")


def test_personal_data_finds_only_what_the_rule_detects_and_respects_its_allow_list():
    emails_only = spec("personal_data", {"detect": ["email"], "allow": ["acme.example", "+44 20 7946 0000"]})
    text = "press@acme.example, news@sub.acme.example, jane@gmail.com, +44 20 7946 0958"
    assert matched(emails_only, text) == ["jane@gmail.com"]
    phones = spec("personal_data", {"detect": ["phone"], "allow": ["+44 20 7946 0000"]})
    assert matched(phones, "Hotline +44 20 7946 0000, mine +44 20 7946 0958") == ["+44 20 7946 0958"]


def test_several_items_of_a_kind_are_one_finding_with_several_spans():
    (finding,) = check(spec("personal_data", {"detect": ["email"]}), "a@b.io and c@d.io")
    assert finding.message.startswith("2 e-mail addresses") and finding.matched == ("a@b.io", "c@d.io")


def test_detectors_report_positions():
    found = find_personal_data("x jane@doe.com y")
    assert [(p.category, p.start, p.end) for p in found] == [("email", 2, 14)]


# --- links ----------------------------------------------------------------------------------------

DENY = spec("link_domains", {"mode": "deny", "domains": ["bit.ly", "https://www.tinyurl.com/"]})
ALLOW = spec("link_domains", {"mode": "allow", "domains": ["acme.example", "linkedin.com"]})


@pytest.mark.parametrize(
    ("rule", "text", "expected"),
    [
        (DENY, "See https://bit.ly/abc.", ["https://bit.ly/abc"]),
        (DENY, "See bit.ly/abc or BIT.LY/x", ["bit.ly/abc", "BIT.LY/x"]),
        (DENY, "See https://go.bit.ly/abc", ["https://go.bit.ly/abc"]),  # a subdomain
        (DENY, "See http://www.tinyurl.com/x", ["http://www.tinyurl.com/x"]),
        (DENY, "See tinyurl.com", ["tinyurl.com"]),
        (DENY, "See bіt.ly/abc", ["bіt.ly/abc"]),  # a Cyrillic і
        (DENY, "See notbit.ly/abc", []),  # not a subdomain, another domain
        (DENY, "See https://acme.example/bit.ly", []),
        (DENY, "Mail me at me@bit.ly", []),  # an address is not a link
        (ALLOW, "Read https://news.acme.example/launch", []),
        (ALLOW, "Read www.linkedin.com/company/acme", []),
        (ALLOW, "Read https://evil.example/x and (https://acme.example/a)", ["https://evil.example/x"]),
        (ALLOW, "Read acme.example.evil.com", ["acme.example.evil.com"]),
        (ALLOW, "The file report.pdf, v1.2 and e.g. this", []),  # no links at all
    ],
)
def test_link_domains_table(rule, text, expected):
    assert matched(rule, text) == expected


def test_the_posts_separate_link_is_checked_with_spans_in_the_link():
    (finding,) = check(DENY, "All good here", link="https://bit.ly/zz")
    assert finding.spans[0].field == "link" and finding.matched == ("https://bit.ly/zz",)
    assert finding.message.startswith("The post's link: links to bit.ly")


def test_link_extraction_trims_punctuation():
    assert [link.host for link in find_links("(see https://acme.example/a_(b)), www.x.com.")] == [
        "acme.example",
        "www.x.com",
    ]


# --- disclosures ----------------------------------------------------------------------------------

SPONSORED = spec(
    "required_disclosure", {"when": "sponsored_campaign", "disclosures": ["#ad", "Sponsored", "Paid partnership"]}
)


@pytest.mark.parametrize(
    ("text", "sponsored", "found"),
    [
        ("Win a kit!", True, True),
        ("Win a kit! #ad", True, False),
        ("Win a kit! #AD", True, False),
        ("Sponsored: win a kit!", True, False),
        ("Win a kit (paid   partnership with Northwind)", True, False),
        ("Win a kit! #adventure", True, True),  # #adventure is not #ad
        ("Win a kit!", False, False),  # not sponsored: nothing needed
    ],
)
def test_disclosure_for_sponsored_campaigns(text, sponsored, found):
    findings = check(SPONSORED, text, sponsored=sponsored)
    assert bool(findings) is found
    if found:
        assert findings[0].spans == () and "#ad" in findings[0].message


def test_disclosure_when_the_text_names_a_partner_points_at_the_name():
    rule = spec("required_disclosure", {"when": "mentions", "terms": ["Northwind"], "disclosures": ["#ad"]})
    (finding,) = check(rule, "Thanks NORTHWIND for the kits")
    assert finding.matched == ("NORTHWIND",) and "names “NORTHWIND”" in finding.message
    assert check(rule, "Thanks NORTHWIND for the kits #ad") == []
    assert check(rule, "Thanks to our team") == []


def test_disclosure_always():
    rule = spec("required_disclosure", {"when": "always", "disclosures": ["#employee"]})
    assert check(rule, "I love my job") and not check(rule, "I love my job #employee")


# --- hashtags and mentions ------------------------------------------------------------------------


def test_hashtag_limit_marks_the_ones_over_the_limit():
    rule = spec("hashtag_limit", {"max": 2}, severity="warn")
    (finding,) = check(rule, "#one #two #three ＃four #5 #ok&#39;")
    # “#5” has no letter and “&#39;” is an HTML entity: neither counts
    assert finding.message == "5 hashtags; at most 2 are allowed."
    assert finding.matched == ("#three", "＃four", "#ok")
    assert check(rule, "#one #two") == []


def test_mention_limit_counts_handles_not_addresses():
    rule = spec("mention_limit", {"max": 1})
    (finding,) = check(rule, "@acme @help.acme.example @acme@mastodon.social jane@acme.example")
    assert finding.matched == ("@help.acme.example", "@acme@mastodon.social") or finding.matched == (
        "@help.acme.example",
        "@acme",
    )
    assert "3 mentions" in finding.message


# --- regular expressions and their guard ------------------------------------------------------------


def test_regex_rule_runs_on_the_normalised_text():
    rule = spec("regex", {"pattern": r"\bcures?\b", "ignore_case": True}, severity="warn")
    assert matched(rule, "It CÜRES colds and cure-alls") == ["CÜRES", "cure"]


@pytest.mark.parametrize(
    "pattern",
    [r"(a+)+$", r"(\w+\s?)*$", r"(x+x+)+y", r"^(\d+)*-", r"(.*,)+end", r"(?:a|b+)+c"],
)
def test_nested_quantifiers_are_refused_when_the_rule_is_saved(pattern):
    assert nested_quantifier(pattern) is not None
    with pytest.raises(ConfigError, match="repeated group that itself repeats"):
        clean_config("regex", {"pattern": pattern})


def test_patterns_that_backtrack_badly_without_nesting_are_caught_by_timing():
    with pytest.raises(ConfigError, match="takes too long"):
        clean_config("regex", {"pattern": r"(a|aa)+$"})


@pytest.mark.parametrize(
    ("pattern", "message"),
    [("[", "does not compile"), ("a*", "matches empty text"), (r"\b", "matches empty text"), ("", "Write")],
)
def test_broken_patterns_are_refused(pattern, message):
    with pytest.raises(ConfigError, match=message):
        clean_config("regex", {"pattern": pattern})


@pytest.mark.parametrize("pattern", [r"\bclinically\s+proven\b", r"(?:a+)++b", r"\p{Lu}+", r"(\d{3}-){2}\d{4}"])
def test_safe_patterns_are_accepted(pattern):
    assert clean_config("regex", {"pattern": pattern})["pattern"] == pattern


def test_a_pattern_that_runs_out_of_time_gives_a_warning_never_a_hang(monkeypatch):
    monkeypatch.setattr(engine_module, "REGEX_SECONDS", 0.02)
    slow = RuleSpec(id=9, name="Slow", kind="regex", severity="block", config={"pattern": r"(a|aa)+$"})
    started = time.monotonic()
    (finding,) = Ruleset([slow]).check("a" * 5000 + "!")
    assert time.monotonic() - started < 1
    assert finding.severity == "warn" and "could not finish" in finding.message and finding.spans == ()


def test_many_slow_patterns_share_one_budget(monkeypatch):
    monkeypatch.setattr(engine_module, "REGEX_SECONDS", 0.05)
    monkeypatch.setattr(engine_module, "CHECK_REGEX_BUDGET_SECONDS", 0.1)
    slow = [RuleSpec(id=n, name=f"Slow {n}", kind="regex", config={"pattern": r"(a|aa)+$"}) for n in range(20)]
    started = time.monotonic()
    findings = Ruleset(slow).check("a" * 5000 + "!")
    assert time.monotonic() - started < 0.5 and len(findings) == 20


# --- settings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "config", "message"),
    [
        ("banned_term", {"terms": []}, "at least one"),
        ("banned_term", {"words": ["x"]}, "Unknown setting: words"),
        ("banned_term", {"terms": ["\u200b"]}, "nothing to match"),
        ("banned_term", "risk-free", "must be an object"),
        ("required_disclosure", {"when": "sometimes", "disclosures": ["#ad"]}, "sponsored_campaign, always"),
        ("required_disclosure", {"when": "mentions", "disclosures": ["#ad"]}, "terms that call for"),
        ("link_domains", {"mode": "block", "domains": ["bit.ly"]}, "allow .* or deny"),
        ("link_domains", {"mode": "deny", "domains": ["not a domain"]}, "not a domain name"),
        ("personal_data", {"detect": ["fax"]}, "email, phone, card"),
        ("hashtag_limit", {"max": -1}, "0 to 100"),
        ("mention_limit", {}, "Missing setting: max"),
    ],
)
def test_bad_settings_are_refused_with_a_message(kind, config, message):
    with pytest.raises(ConfigError, match=message):
        clean_config(kind, config)


def test_settings_are_tidied():
    assert clean_config("banned_term", {"terms": [" Risk-free ", "risk free", "", "scam"]}) == {
        "terms": ["Risk-free", "scam"]
    }
    assert clean_config("link_domains", {"mode": "deny", "domains": ["https://www.Bit.ly/x", "*.tinyurl.com"]}) == {
        "mode": "deny",
        "domains": ["bit.ly", "tinyurl.com"],
    }


# --- scope and highlighting -------------------------------------------------------------------------


def test_a_rule_applies_everywhere_or_to_its_channels_or_departments():
    scoped = spec(
        "banned_term", {"terms": ["scam"]}, everywhere=False, channel_ids=frozenset({5}), department_ids=frozenset({9})
    )
    assert check(scoped, "scam") == []
    assert check(scoped, "scam", channel_ids=frozenset({5}))
    assert check(scoped, "scam", channel_ids=frozenset({6}), department_id=9)
    assert check(scoped, "scam", channel_ids=frozenset({6}), department_id=8) == []


def test_blocking_findings_come_first_then_in_text_order():
    rules = [
        spec("banned_term", {"terms": ["b"]}, id=1, name="B", severity="warn", review_stage_name="Legal"),
        spec("banned_term", {"terms": ["c"]}, id=2, name="C"),
        spec("banned_term", {"terms": ["a"]}, id=3, name="A"),
    ]
    assert [f.rule_name for f in check(rules, "a b c")] == ["A", "C", "B"]


def test_segments_cut_the_text_at_every_span_and_number_the_findings():
    text = "a risk-free scam"
    findings = check(BANNED_RULE, text)
    parts = segments(text, findings)
    assert "".join(part.text for part in parts) == text
    assert [(p.text, p.severity, p.numbers) for p in parts if p.marked] == [
        ("risk-free", "block", (1,)),
        ("scam", "block", (2,)),
    ]


def test_a_compiled_ruleset_survives_a_broken_rule():
    broken = RuleSpec(id=1, name="Broken", kind="regex", config={"pattern": "("})
    ruleset = Ruleset([broken, spec("banned_term", {"terms": ["scam"]}, id=2)])
    assert ruleset.problems and [f.rule_id for f in ruleset.check("scam")] == [2]


# --- hypothesis -------------------------------------------------------------------------------------

EVERY_KIND = [
    spec("banned_term", {"terms": BANNED + ["保证收益", "#1 brand"]}, id=1),
    SPONSORED,
    DENY,
    ALLOW,
    PERSONAL,
    spec("hashtag_limit", {"max": 3}, id=6),
    spec("mention_limit", {"max": 2}, id=7),
    spec("regex", {"pattern": r"\bcures?\b"}, id=8),
    RuleSpec(id=9, name="Pathological", kind="regex", config={"pattern": r"(a|aa)+$"}),  # bypasses the save check
]
RULESET = Ruleset(EVERY_KIND)
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=["Cs"]), max_size=400)
TRICKY = st.lists(
    st.sampled_from(list("aA #@.-_:/1 \u200d\u200bｒíѕ\u0301ßﬁ٣\n") + BANNED + ["http://", "bit.ly", "4111 1111"]),
    max_size=120,
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(ANY_TEXT, TRICKY), link=st.one_of(st.just(""), ANY_TEXT), sponsored=st.booleans())
def test_any_unicode_text_is_checked_without_crashing_and_quickly(text, link, sponsored):
    started = time.monotonic()
    findings = RULESET.check(text, link, CheckContext(sponsored=sponsored))
    assert time.monotonic() - started < engine_module.CHECK_REGEX_BUDGET_SECONDS + 0.5
    for finding in findings:
        source = link if finding.spans and finding.spans[0].field == "link" else text
        for span, typed in zip(finding.spans, finding.matched, strict=True):
            assert 0 <= span.start < span.end <= len(source) and source[span.start : span.end] == typed


@settings(max_examples=300, deadline=None)
@given(text=ANY_TEXT)
def test_normalising_any_text_keeps_a_complete_map_back(text):
    normal = normalise(text)
    if normal.starts is not None:
        assert len(normal.starts) == len(normal.ends) == len(normal.text)
        assert all(0 <= s < e <= len(text) for s, e in zip(normal.starts, normal.ends, strict=True))
        assert list(normal.starts) == sorted(normal.starts)


@settings(max_examples=200, deadline=None)
@given(terms=st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=20), text=ANY_TEXT)
def test_any_terms_compile_into_one_pattern_and_match_themselves(terms, text):
    normal_terms = [normalise(term).text for term in terms]
    pattern = terms_pattern(normal_terms)
    if pattern is not None:
        pattern.search(normalise(text).text)
