"""Listening's template helpers: a mention's sentiment as a badge people read at a glance."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from analytics.services.listening import sentiment_label

register = template.Library()

BADGES = {"negative": "text-bg-danger", "neutral": "text-bg-secondary", "positive": "text-bg-success"}


@register.simple_tag
def sentiment_badge(score) -> str:
    """A coloured badge with the word and the score, e.g. “negative −0.62”."""
    if score is None:
        return format_html('<span class="badge text-bg-light">{}</span>', "no mentions")
    label = sentiment_label(float(score))
    return format_html(
        '<span class="badge {}" data-sentiment="{}">{} {}</span>',
        BADGES[label],
        label,
        label,
        f"{float(score):+.2f}".replace("-", "−"),
    )
