"""Forms of the accounts back office (kept apart from forms.py, which models.py imports)."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm
from wagtail.users.forms import UserCreationForm as WagtailUserCreationForm
from wagtail.users.forms import UserEditForm as WagtailUserEditForm

from .forms import _role_choices
from .models import ChangeKind


class LoginForm(WagtailLoginForm):
    """Wagtail's login form without "remember me": a back-office session ends when the browser closes."""

    error_messages = {
        **WagtailLoginForm.error_messages,
        "invalid_login": "用户名或密码不正确。连续输错多次，账号和来源地址将被暂时锁定。",
        "inactive": "该账号已停用。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("remember", None)
        self.fields["password"].label = "密码"


class PasswordChangeForm(DjangoPasswordChangeForm):
    pass


class _RestrictedUserForm:
    """Only a platform superuser may grant superuser rights or group memberships in the users area;
    everyone else grants roles through 单位人员 (where training and change registration apply)."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.for_user = for_user
        if for_user is None or not for_user.is_superuser:
            self.fields.pop("is_superuser", None)
            self.fields.pop("groups", None)

    def save(self, commit=True):
        password = self.cleaned_data.get("password1")
        user = super().save(commit=commit)
        if commit and password and self.for_user is not None and self.for_user.pk != user.pk:
            from .passwords import require_change

            require_change(user, "管理员为您设置了密码，请先修改为只有您自己知道的密码。")
        return user


class UserCreationForm(_RestrictedUserForm, WagtailUserCreationForm):
    pass


class UserEditForm(_RestrictedUserForm, WagtailUserEditForm):
    pass


class TokenForm(forms.Form):
    token = forms.CharField(
        label="动态验证码",
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": ""}
        ),
        help_text="打开手机上的身份验证器应用（如 FreeOTP、Google Authenticator、Microsoft Authenticator），输入当前显示的 6 位数字。",
    )


class ResetRequestForm(forms.Form):
    user = forms.ModelChoiceField(label="重置的账号", queryset=get_user_model().objects.none())
    letter_reference = forms.CharField(label="书面申请编号或文号", max_length=100)
    letter_date = forms.DateField(label="书面申请日期", widget=forms.DateInput(attrs={"type": "date"}))
    applicant = forms.CharField(label="申请人", max_length=60)
    reason = forms.CharField(label="申请理由", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        if users is not None:
            self.fields["user"].queryset = users


class TrainingForm(forms.Form):
    user = forms.ModelChoiceField(label="人员", queryset=get_user_model().objects.none())
    course = forms.CharField(label="培训内容", max_length=200)
    trained_on = forms.DateField(label="培训日期", widget=forms.DateInput(attrs={"type": "date"}))
    organiser = forms.CharField(label="组织单位", max_length=120)
    certificate = forms.CharField(label="备案编号或证明", max_length=100, required=False)

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        if users is not None:
            self.fields["user"].queryset = users


class AdminChangeForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=())
    person = forms.ModelChoiceField(label="人员", queryset=get_user_model().objects.none())
    roles_after = forms.MultipleChoiceField(
        label="上岗或变更后的角色", choices=_role_choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    approved_by = forms.CharField(label="批准人", max_length=60)
    approval_reference = forms.CharField(label="批准文件或记录", max_length=120)
    effective_on = forms.DateField(label="生效日期", widget=forms.DateInput(attrs={"type": "date"}))
    successor = forms.ModelChoiceField(
        label="接替人（离岗时必填，待办工作移交给此人）",
        queryset=get_user_model().objects.none(),
        required=False,
    )
    duties_done = forms.MultipleChoiceField(
        label="离岗事项（已完成的打勾）", choices=(), widget=forms.CheckboxSelectMultiple, required=False
    )
    handover_note = forms.CharField(
        label="交接情况", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, people=None, duties=(), **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["kind"].choices = ChangeKind.choices
        if people is not None:
            self.fields["person"].queryset = people
            self.fields["successor"].queryset = people
        self.fields["duties_done"].choices = [(d, d) for d in duties]
        self.duties = tuple(duties)

    def clean(self):
        cleaned = super().clean()

        kind = cleaned.get("kind")
        if kind == ChangeKind.LEAVING:
            successor = cleaned.get("successor")
            if successor is None:
                self.add_error(
                    "successor",
                    "离岗须指定接替人：其待办工作（待审信息、草稿、工单）移交给接替人，不能无人负责。",
                )
            elif successor == cleaned.get("person"):
                self.add_error("successor", "接替人不能是离岗人员本人。")
            missing = [d for d in self.duties if d not in (cleaned.get("duties_done") or [])]
            if missing:
                self.add_error("duties_done", f"离岗前须完成：{'、'.join(missing)}。")
        elif kind and not cleaned.get("roles_after"):
            self.add_error("roles_after", "请选择上岗或变更后的角色。")
        return cleaned


class ResponsibilityForm(forms.Form):
    first_responsible = forms.ModelChoiceField(
        label="第一责任人（主要领导）", queryset=get_user_model().objects.none(), required=False
    )
    direct_responsible = forms.ModelChoiceField(
        label="直接责任人（分管领导）", queryset=get_user_model().objects.none(), required=False
    )
    site_administrator = forms.ModelChoiceField(
        label="网站管理员", queryset=get_user_model().objects.none(), required=False
    )

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            for name in ("first_responsible", "direct_responsible", "site_administrator"):
                self.fields[name].queryset = people
                self.fields[name].label_from_instance = lambda u: u.get_full_name() or u.username
