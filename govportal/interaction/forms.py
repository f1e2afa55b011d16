"""Public forms: a letter, an error report, a disclosure request, and the query forms.

Every message is in Chinese and names the rule; a form that fails keeps everything typed in it.
"""

from __future__ import annotations

import re

from django import forms

from govportal.security.uploads import UploadRefused, check_upload, letter_kind
from govportal.textcheck.titles import title_problem

from .models import ApplicantKind, ErrorKind, Rating
from .rules import LetterRules
from .spam import TokenError, check_answer, read_token

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


def normalize_contact(value: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", value or "").strip().replace(" ", "")


def valid_contact(value: str) -> bool:
    return bool(MOBILE.match(value) or LANDLINE.match(value) or EMAIL.match(value))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, (list, tuple)) else [data]
        return [f for f in files if f]


class TokenMixin(forms.Form):
    """The one-time form token (idempotency key and CAPTCHA seed), the CAPTCHA answer, and a honeypot."""

    use_required_attribute = False  # our Chinese messages, not the browser's

    token = forms.CharField(
        widget=forms.HiddenInput, error_messages={"required": "表单校验信息缺失，请输入新的验证码后再提交。"}
    )
    captcha = forms.CharField(
        label="验证码",
        max_length=6,
        help_text="请计算图片中的算式，填写结果（数字）。",
        error_messages={"required": "请填写验证码（图片中算式的结果，或文字题的答案）。"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 6}),
    )
    website = forms.CharField(required=False, label="网址（请勿填写）")

    nonce: str = ""
    token_problem: str = ""

    def __init__(self, *args, captcha_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # The CAPTCHA is asked only when this address nears a rate limit (govportal.ratelimits).
        self.captcha_required = captcha_required
        if not captcha_required:
            self.fields["captcha"].required = False

    def clean(self):
        data = super().clean()
        try:
            self.nonce = read_token(data.get("token", ""))
        except TokenError as exc:
            self.token_problem = str(exc)
            self.add_error("captcha" if self.captcha_required else None, str(exc))
            return data
        answer = data.get("captcha")
        if self.captcha_required and answer and not check_answer(self.nonce, answer):
            self.add_error("captcha", "验证码计算结果不正确，请重新计算图片中的算式，或回答文字题。")
        return data

    @property
    def honeypot_filled(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class LetterForm(TokenMixin):
    type = forms.ChoiceField(
        label="来信类型", widget=forms.RadioSelect, error_messages={"required": "请选择来信类型。"}
    )
    subject = forms.CharField(
        label="标题",
        max_length=100,
        min_length=4,
        error_messages={
            "required": "请填写标题。",
            "min_length": "标题至少4个字，请概括您反映的事项。",
            "max_length": "标题最多100个字（您写了%(show_value)d个字）。",
        },
    )
    content = forms.CharField(
        label="内容",
        max_length=5000,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="请写明事项发生的时间、地点、经过和您的诉求，最多5000字。请不要在内容中填写身份证号等个人信息。",
        error_messages={
            "required": "请填写来信内容。",
            "min_length": "内容至少10个字，请说明事项和您的诉求。",
            "max_length": "内容最多5000个字（您写了%(show_value)d个字），请精简后再提交，或分成几封信。",
        },
    )
    target_unit = forms.ModelChoiceField(
        label="希望办理的单位（可不选）",
        queryset=None,
        required=False,
        empty_label="不确定，由12345热线管理中心分办",
    )
    writer_name = forms.CharField(label="姓名", max_length=60, required=False)
    writer_contact = forms.CharField(
        label="联系方式",
        max_length=100,
        required=False,
        help_text="手机号码、固定电话或电子邮箱，仅供办理单位联系您，不会公开。",
    )
    attachments = MultipleFileField(label="附件（可不传）", required=False)
    consent_publish = forms.BooleanField(
        label="同意在网站公开我的来信和答复（姓名、联系方式等个人信息将隐去）", required=False
    )

    field_order = [
        "type",
        "subject",
        "content",
        "target_unit",
        "writer_name",
        "writer_contact",
        "attachments",
        "consent_publish",
        "captcha",
    ]

    def __init__(self, *args, rules: LetterRules, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = rules
        self.fields["type"].choices = rules.type_choices
        self.fields["target_unit"].queryset = units
        required = set(rules.required_fields)
        if "name" in required:
            self.fields["writer_name"].required = True
            self.fields["writer_name"].error_messages["required"] = (
                "请填写姓名（本信箱要求实名来信，姓名不会公开）。"
            )
        if "contact" in required:
            self.fields["writer_contact"].required = True
            self.fields["writer_contact"].error_messages["required"] = (
                "请填写联系方式，以便办理单位联系您、告知办理结果。"
            )
        types = "、".join(rules.attachment_types)
        self.fields[
            "attachments"
        ].help_text = (
            f"最多 {rules.attachment_max_count} 个，每个不超过 {rules.attachment_max_mb} MB，格式：{types}。"
        )
        self.fields["attachments"].widget.attrs["accept"] = ",".join("." + t for t in rules.attachment_types)
        # The browser's maxlength would cut a pasted letter silently: the limit is shown by a counter
        # (interaction.js) and enforced here with a message, and the text is kept (issue #19).
        for name in ("subject", "content"):
            widget = self.fields[name].widget
            widget.attrs["data-limit"] = widget.attrs.pop("maxlength", self.fields[name].max_length)

    def clean_subject(self):
        subject = self.cleaned_data.get("subject", "")
        problem = title_problem(subject)
        if problem:
            raise forms.ValidationError(problem)
        return subject

    def clean_writer_contact(self):
        value = normalize_contact(self.cleaned_data.get("writer_contact", ""))
        if value and not valid_contact(value):
            raise forms.ValidationError(
                "联系方式格式不对：请填写11位手机号码、带区号的固定电话（如0777-1234567）或电子邮箱。"
            )
        return value

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        rules = self.rules
        allowed = [t.lower() for t in rules.attachment_types]
        if len(files) > int(rules.attachment_max_count):
            raise forms.ValidationError(
                f"最多上传 {rules.attachment_max_count} 个附件，您选择了 {len(files)} 个。请重新选择附件。"
            )

        upload_kind = letter_kind(allowed, rules.attachment_max_mb)
        problems = []
        for f in files:
            try:  # format by content, size, active content, virus scan (酉阳办法第二十九条)
                check_upload(f, upload_kind, rules.locality)
            except UploadRefused as exc:
                problems.append(str(exc))
        if problems:
            raise forms.ValidationError(
                problems + ["请重新选择附件（出于安全原因，浏览器不会保留已选的文件）。"]
            )
        return files


class QueryForm(forms.Form):
    use_required_attribute = False

    code = forms.CharField(label="查询码", max_length=24, error_messages={"required": "请填写查询码。"})
    password = forms.CharField(
        label="查询密码",
        max_length=20,
        widget=forms.PasswordInput(render_value=True),
        error_messages={"required": "请填写查询密码。"},
    )


class RateForm(forms.Form):
    use_required_attribute = False

    grant = forms.CharField(widget=forms.HiddenInput)
    rating = forms.ChoiceField(
        label="您对答复的评价",
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择满意、基本满意或不满意。"},
    )
    comment = forms.CharField(
        label="意见（可不填）", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class ErrorReportForm(TokenMixin):
    page_url = forms.CharField(
        label="出错页面的网址",
        max_length=500,
        error_messages={"required": "请填写出错页面的网址。"},
        help_text="从页面底部“我为政府网站找错”进入时已自动填好。",
    )
    kind = forms.ChoiceField(
        label="问题类型",
        choices=ErrorKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择问题类型。"},
    )
    description = forms.CharField(
        label="问题描述",
        max_length=1000,
        min_length=5,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "请描述发现的问题。",
            "min_length": "请至少用5个字描述问题，例如错在哪里、应当是什么。",
            "max_length": "问题描述最多1000字。",
        },
    )
    name = forms.CharField(label="姓名（可不填）", max_length=60, required=False)
    contact = forms.CharField(
        label="联系方式（可不填）",
        max_length=100,
        required=False,
        help_text="填写后，处理结果可以告知您；不会公开。",
    )

    field_order = ["page_url", "kind", "description", "name", "contact", "captcha"]

    def __init__(self, *args, hosts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.hosts = [h.lower() for h in hosts if h]

    def clean_page_url(self):
        """Only pages of this site are reported (and the back office links to them): http(s) addresses on
        the site's own host names, or a path of the site."""
        from urllib.parse import urlsplit

        value = (self.cleaned_data.get("page_url") or "").strip()
        rule = (
            "纠错只受理本网站的网页：网址须以 http:// 或 https:// 开头且属于本站域名"
            + (f"（{'、'.join(self.hosts[:5])}）" if self.hosts else "")
            + "，或为以 / 开头的本站页面路径。请复制出错页面浏览器地址栏中的网址。"
        )
        if any(ord(ch) < 32 or ch == "\\" for ch in value):
            raise forms.ValidationError(rule)
        if value.startswith("/") and not value.startswith("//"):
            return value
        try:
            parts = urlsplit(value)
            host = (parts.hostname or "").lower()
        except ValueError:
            raise forms.ValidationError(rule) from None
        if parts.scheme.lower() not in ("http", "https") or not host:
            raise forms.ValidationError(rule)
        if not any(host == h or (h.startswith(".") and host.endswith(h)) for h in self.hosts):
            raise forms.ValidationError(rule)
        return value

    def clean_contact(self):
        value = normalize_contact(self.cleaned_data.get("contact", ""))
        if value and not valid_contact(value):
            raise forms.ValidationError("联系方式格式不对：请填写手机号码、带区号的固定电话或电子邮箱。")
        return value


FORM_CHOICES = [("纸质", "纸质"), ("电子邮件", "电子邮件"), ("光盘", "光盘"), ("其他", "其他")]
DELIVERY_CHOICES = [
    ("邮寄", "邮寄"),
    ("电子邮件", "电子邮件"),
    ("当面领取", "当面领取"),
    ("在线查看", "在线查看"),
]


class DisclosureForm(TokenMixin):
    applicant_kind = forms.ChoiceField(
        label="申请人类型",
        choices=ApplicantKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择申请人类型（公民个人或法人、其他组织）。"},
    )
    name = forms.CharField(
        label="姓名或单位名称",
        max_length=120,
        error_messages={"required": "请填写申请人姓名或单位名称（条例第二十九条）。"},
    )
    id_number = forms.CharField(
        label="身份证件号码或统一社会信用代码",
        max_length=40,
        error_messages={
            "required": "请填写身份证件号码或统一社会信用代码（条例第二十九条：申请人的身份证明）。"
        },
        help_text="仅供受理机关核实身份，不会公开。",
    )
    contact_person = forms.CharField(label="联系人（法人或其他组织填写）", max_length=60, required=False)
    phone = forms.CharField(
        label="联系电话",
        max_length=40,
        error_messages={"required": "请填写联系电话（条例第二十九条：联系方式）。"},
    )
    email = forms.EmailField(
        label="电子邮箱（可不填）", required=False, error_messages={"invalid": "电子邮箱格式不对。"}
    )
    address = forms.CharField(label="通信地址（选择邮寄时必填）", max_length=200, required=False)
    unit = forms.ModelChoiceField(
        label="受理机关",
        queryset=None,
        empty_label=None,
        error_messages={"required": "请选择向哪个机关申请。"},
    )
    description = forms.CharField(
        label="所需政府信息的名称、文号或者便于查询的其他特征性描述",
        max_length=3000,
        min_length=6,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "请描述所需的政府信息（条例第二十九条）。",
            "min_length": "描述过短，请写明信息的名称、文号或其他特征，以便检索。",
        },
    )
    form_wanted = forms.ChoiceField(
        label="获取信息的形式",
        choices=FORM_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择获取信息的形式（条例第二十九条）。"},
    )
    delivery = forms.ChoiceField(
        label="获取信息的方式",
        choices=DELIVERY_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择获取信息的方式。"},
    )

    field_order = [
        "applicant_kind",
        "name",
        "id_number",
        "contact_person",
        "phone",
        "email",
        "address",
        "unit",
        "description",
        "form_wanted",
        "delivery",
        "captcha",
    ]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean_phone(self):
        value = normalize_contact(self.cleaned_data.get("phone", ""))
        if not (MOBILE.match(value) or LANDLINE.match(value)):
            raise forms.ValidationError("联系电话格式不对：请填写11位手机号码或带区号的固定电话。")
        return value

    def clean(self):
        data = super().clean()
        if data.get("delivery") == "邮寄" and not (data.get("address") or "").strip():
            self.add_error("address", "选择邮寄时，请填写通信地址。")
        if data.get("delivery") == "电子邮件" and not data.get("email"):
            self.add_error("email", "选择以电子邮件获取时，请填写电子邮箱。")
        kind = data.get("applicant_kind")
        if kind and kind != ApplicantKind.PERSON and not (data.get("contact_person") or "").strip():
            self.add_error("contact_person", "法人或其他组织申请时，请填写联系人。")
        return data


class CorrectionForm(forms.Form):
    use_required_attribute = False

    grant = forms.CharField(widget=forms.HiddenInput)
    text = forms.CharField(
        label="补正内容",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "请填写补正内容。"},
    )
