from wagtail.admin.forms import WagtailAdminPageForm


class PinyinSlugPageForm(WagtailAdminPageForm):
    """Editors title items in Chinese; the URL slug is made from the title (拼音首字母) when left empty."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = "可不填，保存时按标题拼音首字母自动生成。"
