"""A policy's text: Markdown rendered once per version and sanitized, its clauses (headings with
stable anchors that content rules link to), and readable diffs between two versions."""

from __future__ import annotations

import difflib
import hashlib
import html
import re
from dataclasses import dataclass

import markdown
import nh3
from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions.toc import slugify as markdown_slugify

# Bump when the rendering below changes, so cached HTML of old rules is not served.
RENDERER_REVISION = 2
CACHE_SECONDS = 60 * 60 * 24 * 30

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    **{f"h{level}": {"id"} for level in range(2, 7)},
}
# Anchors are the clause addresses rules link to: plain slugs only, and never one of the page's own
# element ids (a heading called “Main” must not take over the skip link's target).
_H1 = re.compile(r"<(/?)h1\b")
_HEADING = re.compile(r"<(h[2-6])([ >])")
# Headings sized under the page's own title (added after sanitizing: the classes are ours).
HEADING_CLASSES = {"h2": "h5 mt-4", "h3": "h6 mt-3", "h4": "h6 mt-3", "h5": "h6 mt-2", "h6": "h6 mt-2"}
_ANCHOR = re.compile(r"^[a-z0-9][a-z0-9_-]{0,119}$")
RESERVED_ANCHORS = frozenset(
    {"main", "main-nav", "content", "policy-text", "acknowledge", "acknowledge-notice", "versions", "toc"}
)
PERMALINK_CLASS = "headerlink ms-2 small text-decoration-none text-body-tertiary"


@dataclass(frozen=True)
class Clause:
    """A heading of the policy: its anchor (``<policy url>#<anchor>``), title and depth (2 = top)."""

    anchor: str
    title: str
    level: int


@dataclass(frozen=True)
class RenderedText:
    html: SafeString
    clauses: tuple[Clause, ...]


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id":
        return value if _ANCHOR.match(value) and value not in RESERVED_ANCHORS else None
    if tag == "a" and attribute == "class":
        return value if value == PERMALINK_CLASS else None
    return value


def _anchor_for(value: str, separator: str) -> str:
    anchor = markdown_slugify(value, separator)[:100] or "clause"
    return f"{anchor}-clause" if anchor in RESERVED_ANCHORS else anchor


def sanitize(unsafe_html: str) -> str:
    """Only formatting survives: no scripts, styles, event handlers, forms or javascript: links."""
    return nh3.clean(
        unsafe_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _flatten(tokens: list[dict]) -> list[Clause]:
    clauses: list[Clause] = []
    for token in tokens:
        anchor = token.get("id", "")
        if _ANCHOR.match(anchor) and anchor not in RESERVED_ANCHORS:
            title = html.unescape(token.get("name", ""))
            clauses.append(Clause(anchor=anchor, title=title, level=max(2, token["level"])))
        clauses.extend(_flatten(token.get("children", [])))
    return clauses


def render_markdown(text: str) -> RenderedText:
    """Markdown to safe HTML. Each heading gets an anchor from its words (or ``{#anchor}`` written
    after it) and a link to itself; the text's own headings start at <h2>."""
    md = markdown.Markdown(
        extensions=["toc", "attr_list", "tables", "sane_lists", "def_list", "abbr"],
        extension_configs={
            "toc": {
                "permalink": "#",
                "permalink_class": PERMALINK_CLASS,
                "permalink_title": "Link to this clause",
                "slugify": _anchor_for,
            },
        },
        output_format="html",
    )
    # The page's title is its only <h1>: a top-level heading in the text becomes an <h2>.
    body = _H1.sub(r"<\1h2", md.convert(text or ""))
    safe = _HEADING.sub(lambda m: f'<{m[1]} class="{HEADING_CLASSES[m[1]]}"{m[2]}', sanitize(body))
    return RenderedText(html=mark_safe(safe), clauses=tuple(_flatten(md.toc_tokens)))  # noqa: S308


def rendered(version) -> RenderedText:
    """The version's text, rendered once: kept on the instance for this request and in the cache
    for every later one. The key includes the text's hash, so an edited draft renders afresh."""
    memo = getattr(version, "_rendered_text", None)
    if memo is not None:
        return memo
    digest = hashlib.sha256(version.body.encode("utf-8")).hexdigest()[:20]
    key = f"governance:policy-html:{RENDERER_REVISION}:{version.pk}:{digest}"
    cached = cache.get(key)
    if cached is not None:
        result = RenderedText(
            html=mark_safe(cached["html"]),  # noqa: S308 - sanitized before it was cached
            clauses=tuple(Clause(**clause) for clause in cached["clauses"]),
        )
    else:
        result = render_markdown(version.body)
        cache.set(
            key,
            {"html": str(result.html), "clauses": [vars(clause) for clause in result.clauses]},
            CACHE_SECONDS,
        )
    version._rendered_text = result
    return result


# --- diffs --------------------------------------------------------------------------------------

_WORDS = re.compile(r"\s+|[^\s]+")
CONTEXT_LINES = 2


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed", "changed", "skipped"
    html: SafeString
    skipped: int = 0


@dataclass(frozen=True)
class TextDiff:
    lines: tuple[DiffLine, ...]
    words_added: int
    words_removed: int

    @property
    def unchanged(self) -> bool:
        return not (self.words_added or self.words_removed)


def _ins(text: str) -> str:
    return f'<ins class="bg-success-subtle text-success-emphasis">{escape(text)}</ins>' if text else ""


def _del(text: str) -> str:
    return f'<del class="bg-danger-subtle text-danger-emphasis">{escape(text)}</del>' if text else ""


def _word_count(text: str) -> int:
    return len(text.split())


def _inline_diff(old: str, new: str) -> tuple[str, int, int]:
    """One changed line, word by word: what went in <del>, what came in <ins>."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    out: list[str] = []
    added = removed = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        before, after = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            out.append(escape(before))
            continue
        out.append(_del(before) + _ins(after))
        removed += _word_count(before)
        added += _word_count(after)
    return "".join(out), added, removed


def diff_texts(old: str, new: str, *, context: int = CONTEXT_LINES) -> TextDiff:
    """Line by line, and word by word inside a changed block of lines; long unchanged stretches
    fold into “N unchanged lines” so the changes stand out. Changed blocks may span lines (show
    them with white-space: pre-wrap)."""
    old_lines, new_lines = (old or "").splitlines(), (new or "").splitlines()
    rows: list[DiffLine] = []
    added = removed = 0
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            same = old_lines[i1:i2]
            if len(same) > 2 * context + 1:
                head = same[:context] if rows else []
                tail = same[-context:] if (i2 < len(old_lines) or j2 < len(new_lines)) else []
                rows += [DiffLine("same", escape(line)) for line in head]
                hidden = len(same) - len(head) - len(tail)
                rows.append(DiffLine("skipped", mark_safe(""), skipped=hidden))
                rows += [DiffLine("same", escape(line)) for line in tail]
            else:
                rows += [DiffLine("same", escape(line)) for line in same]
        elif op == "delete":
            for line in old_lines[i1:i2]:
                rows.append(DiffLine("removed", mark_safe(_del(line))))  # noqa: S308 - escaped in _del
                removed += _word_count(line)
        elif op == "insert":
            for line in new_lines[j1:j2]:
                rows.append(DiffLine("added", mark_safe(_ins(line))))  # noqa: S308 - escaped in _ins
                added += _word_count(line)
        else:  # replace: word by word across the whole block, so a reflowed paragraph reads as one change
            block, plus, minus = _inline_diff("\n".join(old_lines[i1:i2]), "\n".join(new_lines[j1:j2]))
            rows.append(DiffLine("changed", mark_safe(block)))  # noqa: S308 - escaped piecewise in _inline_diff
            added, removed = added + plus, removed + minus
    # a leading or trailing fold of nothing is dropped
    rows = [row for row in rows if not (row.kind == "skipped" and row.skipped <= 0)]
    return TextDiff(lines=tuple(rows), words_added=added, words_removed=removed)


def diff_as_html(diff: TextDiff) -> str:
    """The diff as one HTML fragment (for the API)."""
    parts = []
    for line in diff.lines:
        if line.kind == "skipped":
            parts.append(
                f'<div class="diff-skip">… {line.skipped} unchanged line{"s" if line.skipped != 1 else ""} …</div>'
            )
        else:
            parts.append(f'<div class="diff-{line.kind}" style="white-space: pre-wrap">{line.html or "&nbsp;"}</div>')
    return "\n".join(parts)
