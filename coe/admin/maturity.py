"""Admin for maturity assessments: the question bank and next steps are editable; assessments are
read-only here (completed ones never change; take them on the maturity pages)."""

from django.contrib import admin

from coe.models import MaturityAnswer, MaturityAssessment, MaturityQuestion, MaturityRecommendation


@admin.register(MaturityQuestion)
class MaturityQuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "competency", "weight", "position", "is_active"]
    list_filter = ["competency", "is_active"]
    search_fields = ["text", "guidance"]


@admin.register(MaturityRecommendation)
class MaturityRecommendationAdmin(admin.ModelAdmin):
    list_display = ["title", "competency", "below_score", "is_active"]
    list_filter = ["competency", "is_active"]
    search_fields = ["title", "detail"]


class MaturityAnswerInline(admin.TabularInline):
    model = MaturityAnswer
    extra = 0
    can_delete = False
    readonly_fields = ["question", "score", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MaturityAssessment)
class MaturityAssessmentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "department", "status", "level", "stage", "completed_at"]
    list_filter = ["status", "level", "stage", "department"]
    readonly_fields = ["department", "taken_by", "status", "completed_at", "scores", "level", "stage", "facts", "note"]
    inlines = [MaturityAnswerInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
