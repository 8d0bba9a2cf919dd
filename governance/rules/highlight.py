"""Cut a text into segments at the edges of the findings' spans, so a template can wrap exactly
what triggered each rule in a <mark> (everything stays escaped by the template)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from governance.rules.engine import BLOCK, Finding


@dataclass(frozen=True)
class Segment:
    text: str
    findings: tuple[Finding, ...] = ()
    numbers: tuple[int, ...] = ()  # each finding's place (from 1) in the list the page shows

    @property
    def marked(self) -> bool:
        return bool(self.findings)

    @property
    def severity(self) -> str:
        """block when any finding here blocks, else warn ("" when unmarked)."""
        if not self.findings:
            return ""
        return BLOCK if any(finding.blocking for finding in self.findings) else "warn"

    @property
    def first(self) -> Finding | None:
        """The finding to link to: a blocking one when there is one."""
        return next((f for f in self.findings if f.blocking), self.findings[0] if self.findings else None)

    @property
    def title(self) -> str:
        """What a mouse-over says: each rule's message and explanation."""
        return "\n".join(f"{f.rule_name}: {f.message} {f.explanation}".strip() for f in self.findings)


def segments(text: str, findings: Iterable[Finding], *, offsets: Mapping[str, int] | None = None) -> list[Segment]:
    """``text`` in order, cut wherever a span starts or ends. ``offsets`` says which fields'
    spans to show and where each field starts in ``text`` (default: the text itself, at 0; a
    post's link shown after its text is ``{"text": 0, "link": len(text) + 2}``)."""
    offsets = {"text": 0} if offsets is None else offsets
    findings = list(findings)
    number = {id(finding): index for index, finding in enumerate(findings, start=1)}
    marks: list[tuple[int, int, Finding]] = []
    for finding in findings:
        for span in finding.spans:
            if span.field in offsets and span.end > span.start:
                offset = offsets[span.field]
                start, end = max(span.start + offset, 0), min(span.end + offset, len(text))
                if end > start:
                    marks.append((start, end, finding))
    if not marks:
        return [Segment(text)] if text else []
    cuts = sorted({0, len(text), *(start for start, _, _ in marks), *(end for _, end, _ in marks)})
    result = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = tuple(dict.fromkeys(f for s, e, f in marks if s <= start and end <= e))
        piece = text[start:end]
        if result and result[-1].findings == covering:
            result[-1] = Segment(result[-1].text + piece, covering, result[-1].numbers)
        else:
            result.append(Segment(piece, covering, tuple(sorted(number[id(f)] for f in covering))))
    return result
