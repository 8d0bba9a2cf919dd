"""Template helpers for the base layout: Bootstrap classes on form widgets."""

from django import forms, template

register = template.Library()


def _widget_class(widget: forms.Widget) -> str:
    if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return "form-check-input"
    if isinstance(widget, (forms.Select, forms.SelectMultiple)):
        return "form-select"
    return "form-control"


@register.filter
def styled(field: forms.BoundField) -> str:
    """Render a bound field's widget with Bootstrap's classes (and is-invalid on errors)."""
    widget = field.field.widget
    if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return field.as_widget()
    classes = [_widget_class(widget), widget.attrs.get("class", "")]
    if field.errors:
        classes.append("is-invalid")
    return field.as_widget(attrs={"class": " ".join(c for c in classes if c)})


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_multi_choice(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple))


# --- The CoE programme's sub-navigation (Charter, Maturity, Steering, Tech stack, Library, …) ------


def _coe_check(name: str, fallback_perm: str):
    """The coe.permissions check ``name`` if its area defines one, else the model permission."""
    from coe import permissions

    def allowed(user) -> bool:
        check = getattr(permissions, name, None)
        if check is not None:
            return check(user)
        return permissions.has_model_or_object_perm(user, fallback_perm)

    return allowed


# (label, URL name, who sees it). A page another area has not built yet is skipped, not broken.
COE_SUBNAV = [
    ("Charter", "coe:charter", _coe_check("can_view_charter", "coe.view_charterversion")),
    ("Maturity", "coe:maturity", _coe_check("can_view_maturity", "coe.view_maturityassessment")),
    ("Steering", "coe:steering", _coe_check("can_view_steering", "coe.view_steeringmeeting")),
    ("Tech stack", "coe:techstack", _coe_check("can_view_techstack", "coe.view_tool")),
    ("Library", "coe:library", _coe_check("can_view_library", "coe.view_practice")),
    ("Departments", "coe:department_list", _coe_check("can_view_departments", "coe.view_department")),
]


# Which pages (URL name prefixes) belong to each entry, so it stays highlighted on them.
_ACTIVE_PREFIXES = {
    "coe:charter": ("coe:charter", "coe:objective"),
    "coe:maturity": ("coe:maturity",),
    "coe:steering": ("coe:steering", "coe:action"),
    "coe:techstack": ("coe:techstack", "coe:tool", "coe:evaluation"),
    "coe:library": ("coe:library", "coe:practice"),
    "coe:department_list": ("coe:department",),
}


@register.simple_tag(takes_context=True)
def coe_subnav(context) -> list[dict]:
    from django.urls import NoReverseMatch, reverse

    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    current = getattr(getattr(request, "resolver_match", None), "view_name", "") or ""
    items = []
    for label, url_name, allowed in COE_SUBNAV:
        if user is None or not allowed(user):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        active = any(current.startswith(prefix) for prefix in _ACTIVE_PREFIXES.get(url_name, (url_name,)))
        items.append({"label": label, "url": url, "active": active})
    return items
