from django import forms
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import Page

from govportal.accounts.permissions import is_site_admin, unit_of
from govportal.rules.profile import load_profile
from govportal.textcheck.titles import title_problem

from .citations import cite_for
from .homes import home_of
from .slugs import gov_slug


class PinyinSlugPageForm(WagtailAdminPageForm):
    """Editors title items in Chinese; the URL slug is made from the title (拼音首字母) when left empty.
    An item's publishing unit defaults to the editor's unit."""

    def _parent(self):
        """The page the item is (or will be) under: its locality decides the articles messages cite."""
        return getattr(self, "parent_page", None) or (
            self.instance.get_parent() if self.instance.pk else None
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = "可不填，保存时按标题拼音首字母自动生成。"
            if self._gov_address():
                # Items get their address from the date and a number; nothing for the editor to choose.
                self.fields["slug"].disabled = True
                self.fields[
                    "slug"
                ].help_text = (
                    "网址按日期和编号自动生成（如 202612/t20261202_317.html），保存后不变，无需填写。"
                )
        if "unit" in self.fields and not self.instance.unit_id and self.for_user is not None:
            self.fields["unit"].initial = unit_of(self.for_user)
        if "unit" in self.fields and not self._may_reassign():
            # An item belongs to its unit: only a site administrator hands it to another unit. The field
            # is shown but disabled, so whatever a request posts for it is ignored.
            mine = unit_of(self.for_user) if self.for_user is not None else None
            self.fields["unit"].disabled = True
            self.fields["unit"].help_text = "信息归属其发布单位；如需改由其他单位发布，请联系网站管理员。"
            if not self.instance.unit_id:
                self.initial["unit"] = mine.pk if mine else None
        if "date" in self.fields and hasattr(self.instance, "date_auto"):
            self._setup_date()

    def _may_reassign(self) -> bool:
        return self.for_user is not None and is_site_admin(self.for_user)

    def _gov_address(self) -> bool:
        return bool(getattr(self.instance, "gov_address", False))

    def _setup_date(self):
        """发布日期: empty means the time the item goes live (issue #19); a date typed here is kept as the
        editor's choice (backdated content, e.g. a document entered after the fact)."""
        field = self.fields["date"]
        field.required = False
        instance = self.instance
        auto = instance.date_auto or not instance.pk
        if auto:
            self.initial["date"] = None
        shown = ""
        if instance.pk and instance.first_published_at:
            shown = f"当前发布日期：{timezone.localtime(instance.date):%Y-%m-%d %H:%M}。"
        field.help_text = (
            shown
            + "留空则为正式发布（上线）的时间，定时发布的为上线时间；补录以前发布的信息时可填写原发布日期。"
        )

    def clean_title(self):
        title = self.cleaned_data.get("title", "")
        problem = title_problem(title)
        if problem:
            raise forms.ValidationError(problem)
        return title

    def clean_slug(self):
        slug = self.cleaned_data.get("slug", "")
        parent = getattr(self, "parent_page", None)
        if self._gov_address():
            if self.instance.pk and self.instance.slug:
                return self.instance.slug
            return gov_slug(parent, self.instance)
        if slug and parent is not None and not Page._slug_is_available(slug, parent, self.instance):
            # Never an error about the address: the next free one is taken (e.g. "jyj-2").
            base, n = slug, 2
            while not Page._slug_is_available(f"{base}-{n}", parent, self.instance):
                n += 1
            slug = f"{base}-{n}"
        return slug

    def clean(self):
        cleaned = super().clean()
        if "date" in self.fields and hasattr(self.instance, "date_auto"):
            if cleaned.get("date"):
                self.instance.date_auto = False
            else:
                self.instance.date_auto = True
                cleaned["date"] = self.instance.date if self.instance.pk else timezone.now()
                self.errors.pop("date", None)
        return cleaned

    def save(self, commit=True):
        if "unit" in self.fields and not self.instance.unit_id and self.for_user is not None:
            self.instance.unit = unit_of(self.for_user)
        if (
            "unit" in self.fields
            and self.instance.pk
            and "unit" in self.changed_data
            and self._may_reassign()
        ):
            # A site administrator's re-assignment applies to the item itself at once (a draft's other
            # fields live in its revision until published): the review route follows the stored unit.
            type(self.instance).objects.filter(pk=self.instance.pk).update(unit=self.instance.unit)
        return super().save(commit=commit)


def _publishing(form) -> bool:
    """True unless the editor is only saving a draft (Wagtail defers required checks for drafts)."""
    return not getattr(form, "is_deferred_validation", False)


class PolicyDocumentForm(PinyinSlugPageForm):
    pass


class InterpretationForm(PinyinSlugPageForm):
    """A profile may require every interpretation to be linked with its document (钦州办法第七条（二））."""

    def clean(self):
        cleaned = super().clean()
        if _publishing(self) and not cleaned.get("policy") and self._linking_required():
            self.add_error(
                "policy",
                "请选择所解读的政策文件：政策文件应与解读文件进行关联"
                + cite_for(self._parent(), "interpretation_link")
                + "。",
            )
        return cleaned

    def _linking_required(self) -> bool:
        parent = self._parent()
        home = home_of(parent) if parent is not None else None
        if home is None or not home.locality:
            return False
        try:
            section = load_profile(home.locality).sections.get("interpretation", {})
        except Exception:  # a broken profile must not block editing
            return False
        return bool(section.get("link_to_document"))


class ServiceGuideForm(PinyinSlugPageForm):
    """A guide is published only with every element the regulation lists (钦州办法第十六条); drafts may be
    incomplete."""

    def clean(self):
        cleaned = super().clean()
        if not _publishing(self):
            return cleaned
        missing = []
        cited = cite_for(self._parent(), "service_guide_elements")
        for name, label in type(self.instance).REQUIRED_ELEMENTS:
            if name in self.fields and not type(self.instance).element_filled(cleaned.get(name)):
                missing.append(label)
                self.add_error(name, f"发布办事指南须填写「{label}」{cited}。")
        if missing:
            raise forms.ValidationError(
                "办事指南缺少要素：%(m)s。办事指南须列明事项名称、设定依据、申请条件、办理材料、办理地点、"
                "办理机构、收费标准、办理时间、联系电话、办理流程等要素%(cited)s；可先保存草稿。",
                params={"m": "、".join(missing), "cited": cited},
            )
        return cleaned
