from django import forms

from .models import TargetGroup


class TargetGroupFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *TargetGroup.Status.choices])
    locale = forms.ChoiceField(required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        locales = project.target_groups.order_by("locale").values_list("locale", flat=True).distinct()
        self.fields["locale"].choices = [("", "Any locale"), *((loc, loc) for loc in locales)]

    def filter(self, queryset):
        if status := self.cleaned_data.get("status"):
            queryset = queryset.filter(status=status)
        if locale := self.cleaned_data.get("locale"):
            queryset = queryset.filter(locale=locale)
        return queryset
