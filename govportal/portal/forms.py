from wagtail.admin.forms import WagtailAdminPageForm

from govportal.accounts.permissions import unit_of


class PinyinSlugPageForm(WagtailAdminPageForm):
    """Editors title items in Chinese; the URL slug is made from the title (拼音首字母) when left empty.
    An item's publishing unit defaults to the editor's unit."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = "可不填，保存时按标题拼音首字母自动生成。"
        if "unit" in self.fields and not self.instance.unit_id and self.for_user is not None:
            self.fields["unit"].initial = unit_of(self.for_user)

    def save(self, commit=True):
        if "unit" in self.fields and not self.instance.unit_id and self.for_user is not None:
            self.instance.unit = unit_of(self.for_user)
        return super().save(commit=commit)
