from django.urls import path

from publishing.views import calendar, channels, external, posts, review

app_name = "publishing"

urlpatterns = [
    path("posts/", posts.post_list, name="post_list"),
    path("posts/new/", posts.post_create, name="post_create"),
    path("posts/preview/", posts.post_preview, name="post_preview"),
    path("posts/import/", calendar.posts_import, name="posts_import"),
    path("posts/<int:pk>/", posts.post_detail, name="post_detail"),
    path("media/<int:pk>/", posts.post_media, name="post_media"),
    path("posts/<int:pk>/edit/", posts.post_edit, name="post_edit"),
    path("posts/<int:pk>/<str:action>/", posts.post_action, name="post_action"),
    path("review/", review.review_queue, name="review_queue"),
    path("review/approve/", review.review_bulk_approve, name="review_bulk_approve"),
    path("delegations/", review.delegations, name="delegations"),
    path("delegations/<int:pk>/end/", review.delegation_end, name="delegation_end"),
    path("calendar/", calendar.calendar_page, name="calendar"),
    path("calendar/events/", calendar.calendar_events, name="calendar_events"),
    path("calendar/move/", calendar.calendar_move, name="calendar_move"),
    path("calendar/feed/", calendar.calendar_feed_manage, name="calendar_feed_manage"),
    path("calendar/feed/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    path("calendar/export.csv", calendar.calendar_export, name="calendar_export"),
    path("channels/", channels.channel_list, name="channel_list"),
    path("channels/new/", channels.channel_create, name="channel_create"),
    path("channels/<int:pk>/", channels.channel_detail, name="channel_detail"),
    path("channels/<int:pk>/edit/", channels.channel_edit, name="channel_edit"),
    path("channels/<int:pk>/check/", channels.channel_check, name="channel_check"),
    path("pause/", channels.publishing_pause, name="publishing_pause"),
    path("attention/", channels.attention, name="attention"),
    path("attention/retry/", channels.attention_retry, name="attention_retry"),
    path("policies/", channels.policy_list, name="policy_list"),
    path("policies/new/", channels.policy_edit, name="policy_create"),
    path("policies/<int:pk>/", channels.policy_edit, name="policy_edit"),
    path("external/<str:token>/", external.external_review, name="external_review"),
    path("external/<str:token>/media/<int:pk>/", external.external_media, name="external_media"),
]
