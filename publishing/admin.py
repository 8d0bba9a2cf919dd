"""Admin of publishing: every model with search and filters. Workflow changes belong to the
pages (they go through the services); here records are looked at and corrected."""

from django.contrib import admin

from publishing.models import (
    ApprovalPolicy,
    ApprovalStage,
    CalendarFeed,
    Campaign,
    Channel,
    Comment,
    ContentTheme,
    Delegation,
    ExternalReviewInvite,
    Post,
    PostStage,
    PostTransition,
    Publication,
    PublishAttempt,
    PublishingControlEvent,
    Review,
)


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "network", "handle", "department", "health", "is_active"]
    list_filter = ["network", "health", "is_active", "department"]
    search_fields = ["name", "handle"]
    readonly_fields = ["credentials_hint", "health_changed_at"]
    exclude = ["credentials_encrypted"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "department", "is_sponsored", "is_active", "starts_on", "ends_on"]
    list_filter = ["is_sponsored", "is_active", "department"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ContentTheme)
class ContentThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class PublicationInline(admin.TabularInline):
    model = Publication
    extra = 0
    fields = ["channel", "status", "hold_reason", "scheduled_at", "published_at", "attempts", "external_url"]
    readonly_fields = fields
    can_delete = False


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "department", "author", "scheduled_at", "version"]
    list_filter = ["status", "department", "campaign", "theme"]
    search_fields = ["text", "author__username", "author__last_name"]
    date_hierarchy = "scheduled_at"
    list_select_related = ["department", "author"]
    readonly_fields = ["status", "version", "review_round", "fingerprint", "submitted_at", "approved_at", "closed_at"]
    inlines = [PublicationInline]


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["post", "channel", "status", "scheduled_at", "published_at", "attempts"]
    list_filter = ["status", "hold_reason", "channel"]
    search_fields = ["post__text", "external_id", "external_url"]
    list_select_related = ["post", "channel"]
    readonly_fields = ["idempotency_key", "first_attempt_at", "queued_at", "claimed_at", "published_at"]


@admin.register(PublishAttempt)
class PublishAttemptAdmin(admin.ModelAdmin):
    list_display = ["publication", "number", "outcome", "http_status", "started_at", "finished_at", "worker"]
    list_filter = ["outcome"]
    search_fields = ["message", "worker"]


class ApprovalStageInline(admin.StackedInline):
    model = ApprovalStage
    extra = 0
    filter_horizontal = ["people"]


@admin.register(ApprovalPolicy)
class ApprovalPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "channel", "department", "is_active", "late_approval"]
    list_filter = ["is_active", "late_approval", "department"]
    search_fields = ["name", "description"]
    inlines = [ApprovalStageInline]


@admin.register(PostStage)
class PostStageAdmin(admin.ModelAdmin):
    list_display = ["post", "review_round", "position", "name", "kind", "status", "due_at"]
    list_filter = ["status", "kind"]
    search_fields = ["name", "post__text"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["post", "stage", "who", "decision", "post_version", "created_at"]
    list_filter = ["decision"]
    search_fields = ["comment", "reviewer__username", "reviewer_label"]


@admin.register(PostTransition)
class PostTransitionAdmin(admin.ModelAdmin):
    list_display = ["post", "action", "from_status", "to_status", "who", "created_at"]
    list_filter = ["action"]
    search_fields = ["comment", "post__text"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["post", "who", "created_at"]
    search_fields = ["body"]


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["approver", "delegate", "starts_at", "ends_at"]
    search_fields = ["approver__username", "delegate__username"]
    list_filter = ["starts_at"]


@admin.register(ExternalReviewInvite)
class ExternalReviewInviteAdmin(admin.ModelAdmin):
    list_display = ["post", "email", "name", "expires_at", "decided_at"]
    search_fields = ["email", "name"]
    list_filter = ["decided_at"]


@admin.register(PublishingControlEvent)
class PublishingControlEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "paused", "actor", "reason"]
    list_filter = ["paused"]
    search_fields = ["reason"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "last_used_at"]
    search_fields = ["user__username"]
    exclude = ["token"]
