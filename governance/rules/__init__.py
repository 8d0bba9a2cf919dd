"""The content rules engine (pure Python, no Django): normalise text so evasions do not slip
through, compile rules once, check texts, and say exactly where each finding is.

    ruleset = Ruleset([RuleSpec(id=1, name="No hype", kind="banned_term", config={"terms": ["risk-free"]})])
    ruleset.check("A ｒｉｓｋ‍free offer", context=CheckContext(sponsored=False))
    → [Finding(rule_name="No hype", spans=(Span(2, 13),), matched=("ｒｉｓｋ‍free",) …)]
"""

from governance.rules.config import ConfigError, clean_config
from governance.rules.engine import BLOCK, WARN, CheckContext, Finding, Ruleset, RuleSpec, Span
from governance.rules.highlight import Segment, segments
from governance.rules.normalise import Normalised, normalise

__all__ = [
    "BLOCK",
    "WARN",
    "CheckContext",
    "ConfigError",
    "Finding",
    "Normalised",
    "RuleSpec",
    "Ruleset",
    "Segment",
    "Span",
    "clean_config",
    "normalise",
    "segments",
]
