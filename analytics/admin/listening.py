"""Listening in the admin: topics, mentions, topic-hours and alerts are read here. Topics are
changed on the listening pages (changing terms re-matches recent mentions) and alerts handled
there (declaring an incident freezes publishing); the admin does not bypass either."""

from django.contrib import admin

from analytics.models import ListeningAlert, ListeningTopic, Mention, TopicHour
from coe.admin.base import ReadOnlyAdmin


@admin.register(ListeningTopic)
class ListeningTopicAdmin(ReadOnlyAdmin):
    list_display = ["name", "is_active", "spike_z", "baseline_hours", "negative_turn", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "any_terms", "all_terms", "exclude_terms"]


@admin.register(Mention)
class MentionAdmin(ReadOnlyAdmin):
    list_display = ["posted_at", "source", "author", "sentiment", "short_text"]
    list_filter = ["source", "topics"]
    search_fields = ["text", "author", "external_id"]
    date_hierarchy = "posted_at"

    @admin.display(description="Text")
    def short_text(self, mention: Mention) -> str:
        return mention.text[:80]


@admin.register(TopicHour)
class TopicHourAdmin(ReadOnlyAdmin):
    list_display = ["topic", "hour", "volume", "sentiment_avg", "negative"]
    list_filter = ["topic"]
    date_hierarchy = "hour"


@admin.register(ListeningAlert)
class ListeningAlertAdmin(ReadOnlyAdmin):
    list_display = ["hour", "topic", "kind", "volume", "baseline", "score", "status", "handled_by"]
    list_filter = ["kind", "status", "topic"]
    list_select_related = ["topic", "handled_by"]
