"""A lesson's text: Markdown rendered and sanitized the way policies are (governance.policy_text's
allow-list), with one difference that matters to learners: images come only from the module's own
images in the app's storage, referred to by name (``![What it shows](image:ladder.png)``). An image
from anywhere else would let a third party see who read the lesson, so it is dropped."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

import markdown
import nh3
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions.toc import slugify as markdown_slugify

from governance.policy_text import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, HEADING_CLASSES, RESERVED_ANCHORS

# Bump when the rendering below changes, so cached HTML of an older renderer is not served.
RENDERER_REVISION = 1
CACHE_SECONDS = 60 * 60 * 24 * 30
IMAGE_SCHEME = "image:"
# An image's name: letters, digits, dots, dashes and underscores, starting with a letter or digit.
IMAGE_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
# Every image a lesson's Markdown asks for: ![alt](image:name "optional title")
IMAGE_REFERENCE = re.compile(r"!\[[^\]]*\]\(\s*<?image:([^\s)>]+)>?")
_H1 = re.compile(r"<(/?)h1\b")
_HEADING = re.compile(r"<(h[2-6])([ >])")
_IMAGE_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")image:([^"]*)(")')
_ANCHOR = re.compile(r"^[a-z0-9][a-z0-9_-]{0,119}$")
# Lesson pages have their own element ids too.
LESSON_RESERVED_ANCHORS = RESERVED_ANCHORS | {"lesson-text", "lesson-nav", "read-panel"}


def image_references(body: str) -> list[str]:
    """The image names a lesson's Markdown refers to, in order, each once."""
    seen: dict[str, None] = {}
    for name in IMAGE_REFERENCE.findall(body or ""):
        seen.setdefault(name, None)
    return list(seen)


def _anchor_for(value: str, separator: str) -> str:
    anchor = markdown_slugify(value, separator)[:100] or "section"
    return f"{anchor}-section" if anchor in LESSON_RESERVED_ANCHORS else anchor


def render_lesson(body: str, images: Mapping[str, str]) -> SafeString:
    """Markdown to safe HTML. ``images`` maps the module's image names to their addresses; an
    image that is not one of them loses its source (its alt text stays for screen readers)."""
    md = markdown.Markdown(
        extensions=["toc", "tables", "sane_lists", "def_list", "abbr"],
        extension_configs={"toc": {"slugify": _anchor_for}},
        output_format="html",
    )
    html = _H1.sub(r"<\1h2", md.convert(body or ""))
    html = _IMAGE_SRC.sub(lambda m: f"{m[1]}{images.get(m[2], '')}{m[3]}", html)
    allowed_sources = frozenset(images.values())

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "id":
            return value if _ANCHOR.match(value) and value not in LESSON_RESERVED_ANCHORS else None
        if tag == "img" and attribute == "src":
            return value if value in allowed_sources else None
        return value

    safe = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={**ALLOWED_ATTRIBUTES, "a": {"href", "title"}},
        attribute_filter=keep,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    safe = _HEADING.sub(lambda m: f'<{m[1]} class="{HEADING_CLASSES[m[1]]}"{m[2]}', safe)
    safe = safe.replace("<img ", '<img class="img-fluid rounded border my-2" loading="lazy" ')
    safe = safe.replace("<table>", '<table class="table table-sm">')
    return mark_safe(safe)  # noqa: S308 - sanitized by nh3 above; only our own classes were added after


def rendered_lesson(lesson, images: Mapping[str, str]) -> SafeString:
    """The lesson's text, rendered once per text and set of images: cached, keyed by both."""
    fingerprint = "\n".join([lesson.body, *(f"{name}={url}" for name, url in sorted(images.items()))])
    digest = hashlib.sha256(fingerprint.encode("utf-8")).hexdigest()[:24]
    key = f"training:lesson-html:{RENDERER_REVISION}:{digest}"
    cached = cache.get(key)
    if cached is not None:
        return mark_safe(cached)  # noqa: S308 - sanitized before it was cached
    html = render_lesson(lesson.body, images)
    cache.set(key, str(html), CACHE_SECONDS)
    return html
