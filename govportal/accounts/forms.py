from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

from .models import Role
from .staffing import training_missing


def _role_choices():
    return Role.choices


class StaffForm(WagtailAdminModelForm):
    roles = forms.MultipleChoiceField(
        label="角色", choices=_role_choices, widget=forms.CheckboxSelectMultiple
    )

    def clean_roles(self):
        return list(self.cleaned_data["roles"])

    def clean(self):
        cleaned = super().clean()
        user, unit, roles = cleaned.get("user"), cleaned.get("unit"), cleaned.get("roles") or []
        if user is not None and unit is not None:
            missing = training_missing(user, unit, roles)
            if missing:
                self.add_error("roles", missing)
        return cleaned
