"""Forms of the publishing pages. They parse and validate input; services decide."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q

from coe.forms import time_zone_choices
from coe.models import Department
from publishing.media import MAX_IMAGES_PER_POST
from publishing.models import ApprovalPolicy, ApprovalStage, Campaign, Channel, ContentTheme, Network

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in the person's own time zone (the active one), stored in UTC."""

    widget = DATETIME_INPUT

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"])
        super().__init__(**kwargs)


def channel_label(channel: Channel) -> str:
    """A channel as the compose page offers it, with what submitting to it requires."""
    needs = [f"a {channel.required_track.name} certificate"] if channel.required_track_id else []
    if channel.requires_policy_acknowledgment:
        needs.append("the social media policy accepted")
    required = f" · needs {' and '.join(needs)}" if needs else ""
    return f"{channel.name} · {channel.get_network_display()} ({channel.handle}){required}"


class PostForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="Counters below show each network's limit as you type.",
    )
    link = forms.URLField(required=False, max_length=500, assume_scheme="https", help_text="Added on its own line.")
    channels = forms.ModelMultipleChoiceField(
        queryset=Channel.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text="Only your departments' active channels are offered.",
    )
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.all(), required=False)
    theme = forms.ModelChoiceField(queryset=ContentTheme.objects.all(), required=False, label="Content theme")
    scheduled_at = LocalDateTimeField(
        required=False, label="Publish at", help_text="In your time zone. Empty: as soon as it is approved."
    )

    def __init__(self, *args, channels=None, **kwargs):
        super().__init__(*args, **kwargs)
        if channels is not None:
            self.fields["channels"].queryset = channels.select_related("required_track")
        # Archived campaigns are not offered, except the one the post already has.
        current = self.initial.get("campaign")
        self.fields["campaign"].queryset = Campaign.objects.filter(
            Q(is_active=True) | Q(pk=getattr(current, "pk", current))
        )
        self.fields["channels"].label_from_instance = channel_label


class MediaForm(forms.Form):
    """Up to four images with their descriptions, added to a post."""

    def __init__(self, *args, existing: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        for index in range(1, MAX_IMAGES_PER_POST - existing + 1):
            self.fields[f"image_{index}"] = forms.ImageField(required=False, label=f"Image {index}")
            self.fields[f"alt_{index}"] = forms.CharField(
                required=False,
                max_length=1000,
                label=f"Description of image {index}",
                help_text="What the image shows, for people using screen readers.",
            )

    def uploads(self):
        from publishing.services.workflow import MediaUpload

        count = sum(1 for name in self.fields if name.startswith("image_"))
        return [
            MediaUpload(file=self.cleaned_data[f"image_{i}"], alt_text=self.cleaned_data.get(f"alt_{i}", ""))
            for i in range(1, count + 1)
            if self.cleaned_data.get(f"image_{i}")
        ]


class DecisionForm(forms.Form):
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RescheduleForm(forms.Form):
    scheduled_at = LocalDateTimeField(label="New time", required=False, help_text="In your time zone.")


class CommentForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Comment")


class ExternalInviteForm(forms.Form):
    name = forms.CharField(max_length=120, required=False)
    email = forms.EmailField(label="E-mail address")


class ExternalDecisionForm(forms.Form):
    name = forms.CharField(max_length=120, required=False, label="Your name")
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("request_changes", "Request changes"), ("reject", "Reject")],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class DelegationForm(forms.Form):
    delegate = forms.ModelChoiceField(queryset=get_user_model().objects.none(), label="Stand-in")
    starts_at = LocalDateTimeField(label="From")
    ends_at = LocalDateTimeField(label="Until")
    note = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["delegate"].queryset = people


class PauseForm(forms.Form):
    reason = forms.CharField(max_length=300, help_text="Everyone sees this in the banner.")


class ChannelForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=time_zone_choices)

    class Meta:
        model = Channel
        fields = [
            "name",
            "network",
            "handle",
            "department",
            "time_zone",
            "is_active",
            "required_track",
            "requires_policy_acknowledgment",
        ]
        labels = {
            "required_track": "Certification needed to submit",
            "requires_policy_acknowledgment": "Submitting needs the current social media policy accepted",
        }
        help_texts = {
            "required_track": "People who submit here (CoE staff too) need a valid certificate of this track; "
            "it lapses when the certificate expires or is revoked. Posts already approved are not affected.",
            "requires_policy_acknowledgment": "People who submit here must have accepted the version of the social "
            "media policy that asks everyone to; a new such version asks them again.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from publishing.adapters import ADAPTERS
        from training.models import CertificationTrack

        # Tracks on offer, and the one the channel already requires even if it no longer is.
        current = self.instance.required_track_id if self.instance.pk else None
        self.fields["required_track"].queryset = CertificationTrack.objects.filter(
            Q(is_active=True) | Q(pk=current)
        ).order_by("name")
        self.fields["required_track"].empty_label = "None: no certificate needed"

        stored = self.instance.settings if self.instance.pk else {}
        # Settings and secrets of every network; the page shows those of the chosen one.
        for network, adapter in ADAPTERS.items():
            for name, help_text in adapter.settings_fields.items():
                self.fields[f"setting__{network}__{name}"] = forms.CharField(
                    required=False,
                    label=name.replace("_", " ").capitalize(),
                    help_text=help_text,
                    initial=stored.get(name, "") if self.instance.network == network else "",
                )
            for name, help_text in adapter.credential_fields.items():
                self.fields[f"secret__{network}__{name}"] = forms.CharField(
                    required=False,
                    label=name.replace("_", " ").capitalize(),
                    help_text=f"{help_text} Leave empty to keep the stored value." if self.instance.pk else help_text,
                    widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
                )

    def network_fields(self, network: str, prefix: str) -> list:
        return [self[name] for name in self.fields if name.startswith(f"{prefix}__{network}__")]

    def adapter_settings(self) -> dict[str, str]:
        network = self.cleaned_data["network"]
        return {
            name.split("__", 2)[2]: value
            for name, value in self.cleaned_data.items()
            if name.startswith(f"setting__{network}__") and value not in (None, "")
        }

    def adapter_credentials(self) -> dict[str, str]:
        network = self.cleaned_data["network"]
        return {
            name.split("__", 2)[2]: value
            for name, value in self.cleaned_data.items()
            if name.startswith(f"secret__{network}__") and value
        }


class PolicyForm(forms.ModelForm):
    class Meta:
        model = ApprovalPolicy
        fields = ["name", "channel", "department", "is_active", "late_approval", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class StageForm(forms.ModelForm):
    group = forms.ModelChoiceField(queryset=Group.objects.order_by("name"), required=False)

    class Meta:
        model = ApprovalStage
        fields = [
            "position",
            "name",
            "kind",
            "group",
            "people",
            "department_lead",
            "required_approvals",
            "turnaround_hours",
            "external_reviewers",
        ]
        widgets = {
            "external_reviewers": forms.Textarea(attrs={"rows": 2}),
            "people": forms.SelectMultiple(attrs={"size": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = (
            get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name")
        )


StageFormSet = forms.formset_factory(StageForm, extra=1, can_delete=True, min_num=0)


class _NameCheckedByService:
    """Names are unique whatever their case: the service checks them, with one message for the
    page and the API, so the form leaves the name out of the model's uniqueness checks."""

    def _get_validation_exclusions(self):
        return {*super()._get_validation_exclusions(), "name"}


class CampaignForm(_NameCheckedByService, forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "department", "is_sponsored", "starts_on", "ends_on", "description", "is_active"]
        labels = {"is_sponsored": "Sponsored or paid", "starts_on": "Starts", "ends_on": "Ends"}
        help_texts = {
            "department": "The department that runs it; empty for a company-wide campaign.",
            "is_sponsored": "Posts of a sponsored campaign must carry a disclosure (e.g. #ad).",
        }
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.order_by("name")


class ThemeForm(_NameCheckedByService, forms.ModelForm):
    class Meta:
        model = ContentTheme
        fields = ["name"]
        help_texts = {"name": "What posts are about, e.g. “Product tips” or “Behind the scenes”."}


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="Columns: text, link, channels, scheduled_at, campaign, theme.")
    mode = forms.ChoiceField(
        choices=[
            ("all_or_nothing", "All or nothing: import only if every row is valid"),
            ("valid_rows", "Import the valid rows and report the others"),
        ],
        initial="all_or_nothing",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )


NETWORK_CHOICES = Network.choices
