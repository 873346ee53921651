from django import forms

from .attention import with_attention_rank
from .listing import search
from .models import SupplierConnection, TargetGroup
from .queries import FINISHED_STATUSES


class SupplierFilterForm(forms.Form):
    """Which supplier's target groups to show (the suppliers the cockpit has connections to)."""

    supplier = forms.ChoiceField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = SupplierConnection.objects.order_by("kind").values_list("kind", flat=True).distinct()
        labels = dict(SupplierConnection._meta.get_field("kind").choices)
        self.fields["supplier"].choices = [("", "All suppliers"), *((kind, labels.get(kind, kind)) for kind in kinds)]


class DashboardFilterForm(SupplierFilterForm):
    """The dashboard's filters of active target groups: the supplier, a status, only those needing attention."""

    status = forms.ChoiceField(required=False)
    attention = forms.BooleanField(label="Needs attention", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        statuses = [(value, label) for value, label in TargetGroup.Status.choices if value not in FINISHED_STATUSES]
        self.fields["status"].choices = [("", "Any status"), *statuses]

    def filter(self, queryset):
        """`queryset` (active target groups, aliased by `with_attention_rank`) by status and attention."""
        if status := self.cleaned_data.get("status"):
            queryset = queryset.filter(status=status)
        if self.cleaned_data.get("attention"):
            queryset = queryset.filter(attention_rank=0)
        return queryset


class TargetGroupFilterForm(forms.Form):
    q = forms.CharField(
        label="Search", required=False, max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name or id"}),
    )  # fmt: skip
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *TargetGroup.Status.choices])
    locale = forms.ChoiceField(required=False)
    attention = forms.BooleanField(label="Needs attention", required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        locales = project.target_groups.order_by("locale").values_list("locale", flat=True).distinct()
        self.fields["locale"].choices = [("", "Any locale"), *((loc, loc) for loc in locales)]

    def filter(self, queryset):
        queryset = search(queryset, self.cleaned_data.get("q"))
        if status := self.cleaned_data.get("status"):
            queryset = queryset.filter(status=status)
        if locale := self.cleaned_data.get("locale"):
            queryset = queryset.filter(locale=locale)
        if self.cleaned_data.get("attention"):
            queryset = with_attention_rank(queryset).filter(attention_rank=0)
        return queryset
