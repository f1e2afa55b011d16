from django import forms
from wagtail.admin.forms import WagtailAdminModelForm


def _role_choices():
    from .models import Role

    return Role.choices


class StaffForm(WagtailAdminModelForm):
    roles = forms.MultipleChoiceField(
        label="角色", choices=_role_choices, widget=forms.CheckboxSelectMultiple
    )

    def clean_roles(self):
        return list(self.cleaned_data["roles"])
