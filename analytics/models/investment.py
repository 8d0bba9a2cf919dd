"""What the programme costs (funds and people) and what its results are worth: the two halves of
ROI."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import DecimalField, ExpressionWrapper, F, Q, Value
from django.db.models.functions import Round
from django.utils import timezone

CENT = Decimal("0.01")


def investment_cost_expression(prefix: str = "") -> Round:
    """An entry's cost in SQL: amount + hours × loaded rate + FTE share × yearly cost / 12 (one
    month's share), rounded to the cent. ``Investment.cost`` is the same rule in Python; a test
    keeps the two in agreement."""
    money = DecimalField(max_digits=20, decimal_places=6)
    raw = ExpressionWrapper(
        F(f"{prefix}amount")
        + F(f"{prefix}hours") * F(f"{prefix}loaded_rate")
        + F(f"{prefix}fte_share") * F(f"{prefix}fte_yearly_cost") / Value(Decimal(12), output_field=money),
        output_field=money,
    )
    return Round(raw, 2, output_field=DecimalField(max_digits=16, decimal_places=2))


class InvestmentCategory(models.TextChoices):
    ADS = "ads", "Paid social (ads)"
    TOOLS = "tools", "Tools and licences"
    AGENCIES = "agencies", "Agencies"
    CONTENT = "content", "Content production"
    PEOPLE = "people", "People (time)"
    TRAINING = "training", "Training"
    OTHER = "other", "Other"


class Investment(models.Model):
    """One month's spend of a department in a category. Money is an amount; people are hours at
    a loaded rate, or a share of full-time equivalents at a yearly cost."""

    department = models.ForeignKey("coe.Department", on_delete=models.CASCADE, related_name="investments")
    month = models.DateField(help_text="The first day of the month.")
    category = models.CharField(max_length=10, choices=InvestmentCategory.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2, default=0, help_text="Money spent.")
    hours = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    loaded_rate = models.DecimalField(max_digits=10, decimal_places=2, default=0, help_text="Cost of one hour.")
    fte_share = models.DecimalField(max_digits=6, decimal_places=3, default=0, help_text="e.g. 0.5 of one person.")
    fte_yearly_cost = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-month", "department", "category"]
        indexes = [models.Index(fields=["month", "department"], name="analytics_invest_month_dept")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(hours__gte=0) & Q(loaded_rate__gte=0) & Q(fte_share__gte=0),
                name="analytics_investment_not_negative",
                violation_error_message="Amounts, hours, rates and shares cannot be negative.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.month:%Y-%m} {self.get_category_display()}"

    @property
    def cost(self) -> Decimal:
        """What the entry costs in its month (the rule of ``investment_cost_expression``)."""
        total = (
            Decimal(self.amount)
            + Decimal(self.hours) * Decimal(self.loaded_rate)
            + Decimal(self.fte_share) * Decimal(self.fte_yearly_cost) / 12
        )
        return total.quantize(CENT)


class ValueSettings(models.Model):
    """How results are valued beyond recorded conversion value (one row, set by the CoE)."""

    currency = models.CharField(max_length=3, default="EUR")
    value_per_engagement = models.DecimalField(max_digits=10, decimal_places=4, default=0)
    value_per_lead = models.DecimalField(max_digits=10, decimal_places=2, default=0, help_text="Per conversion.")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "value settings"

    def __str__(self) -> str:
        return f"{self.currency}: {self.value_per_engagement}/engagement, {self.value_per_lead}/lead"

    @classmethod
    def current(cls) -> ValueSettings:
        settings_row, _ = cls.objects.get_or_create(pk=1)
        return settings_row
