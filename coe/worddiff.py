"""A word-by-word diff of two texts (difflib), for the charter's versions. Small on purpose: coe
imports no domain app, so it does not reuse governance's policy diff (which also folds lines)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# A word and the whitespace after it, so joining the pieces gives back the text exactly.
_WORDS = re.compile(r"\S+\s*|\s+")


@dataclass(frozen=True)
class WordDiff:
    ops: list[tuple[str, str]]  # ("equal" | "removed" | "added", text), in reading order
    words_added: int
    words_removed: int

    @property
    def unchanged(self) -> bool:
        return not (self.words_added or self.words_removed)

    @property
    def html(self) -> SafeString:
        parts = []
        for op, text in self.ops:
            if op == "equal":
                parts.append(escape(text))
            elif op == "removed":
                parts.append(f'<del class="bg-danger-subtle text-danger-emphasis">{escape(text)}</del>')
            else:
                parts.append(f'<ins class="bg-success-subtle text-success-emphasis">{escape(text)}</ins>')
        return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above


def word_diff(old: str, new: str) -> WordDiff:
    """What was removed from ``old`` and added in ``new``, word by word."""
    a, b = _WORDS.findall(old or ""), _WORDS.findall(new or "")
    ops: list[tuple[str, str]] = []
    added = removed = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        before, after = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            ops.append(("equal", before))
            continue
        if before:
            ops.append(("removed", before))
            removed += len(before.split())
        if after:
            ops.append(("added", after))
            added += len(after.split())
    return WordDiff(ops=ops, words_added=added, words_removed=removed)
