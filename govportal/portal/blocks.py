"""StreamField blocks shared by the item kinds: attachments, service-guide materials and steps, photos,
special-topic sections."""

from __future__ import annotations

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock


class AttachmentBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="附件名称", required=False, help_text="不填则用文件标题")
    document = DocumentChooserBlock(label="文件")

    class Meta:
        label = "附件"
        icon = "doc-full"


class MaterialBlock(blocks.StructBlock):
    """One material an applicant hands in (钦州办法第十六条：名称、依据、格式、份数、签名签章等要求)."""

    name = blocks.CharBlock(label="材料名称")
    basis = blocks.CharBlock(label="材料依据", required=False, help_text="如《中华人民共和国××法》第×条")
    form = blocks.ChoiceBlock(
        label="材料形式",
        choices=[
            ("原件", "原件"),
            ("复印件", "复印件"),
            ("原件和复印件", "原件和复印件"),
            ("电子材料", "电子材料"),
            ("纸质或电子材料", "纸质或电子材料"),
        ],
        default="原件",
    )
    copies = blocks.IntegerBlock(label="份数", min_value=0, default=1)
    signature = blocks.CharBlock(
        label="签名签章要求", required=False, help_text="如 申请人签名；加盖单位公章；无需签章"
    )
    necessity = blocks.ChoiceBlock(
        label="是否必要",
        choices=[("必要", "必要"), ("非必要", "非必要"), ("容缺后补", "容缺后补")],
        default="必要",
    )
    note = blocks.CharBlock(label="备注", required=False)
    blank_form = DocumentChooserBlock(label="空白表格", required=False)
    sample = DocumentChooserBlock(label="示范文本（样表）", required=False)

    class Meta:
        label = "办理材料"
        icon = "list-ul"


class ProcessStepBlock(blocks.StructBlock):
    name = blocks.CharBlock(label="环节")
    description = blocks.TextBlock(label="说明", required=False)
    time_limit = blocks.CharBlock(label="时限", required=False, help_text="如 1个工作日")

    class Meta:
        label = "办理环节"
        icon = "arrow-right"


class FormDocumentBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label="类别",
        choices=[("规范表格", "规范表格"), ("填写说明", "填写说明"), ("示范文本", "示范文本")],
        default="规范表格",
    )
    title = blocks.CharBlock(label="名称", required=False)
    document = DocumentChooserBlock(label="文件")

    class Meta:
        label = "表格下载"
        icon = "download"


class PhotoBlock(blocks.StructBlock):
    image = ImageChooserBlock(label="图片")
    caption = blocks.CharBlock(label="图片说明", required=False)

    class Meta:
        label = "图片"
        icon = "image"


class InternalBodyBlock(blocks.StructBlock):
    name = blocks.CharBlock(label="内设机构名称")
    duties = blocks.TextBlock(label="主要职责", required=False)
    phone = blocks.CharBlock(label="联系电话", required=False)

    class Meta:
        label = "内设机构"
        icon = "group"


class ItemsSectionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label="板块标题")
    source = blocks.PageChooserBlock(
        label="信息来源栏目", required=False, help_text="不选则列出本专题下的信息"
    )
    count = blocks.IntegerBlock(label="条数", min_value=1, max_value=30, default=6)

    class Meta:
        label = "信息列表板块"
        icon = "list-ul"
        template = "portal/blocks/items_section.html"


class LinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="名称")
    url = blocks.CharBlock(label="链接地址", help_text="站内地址以 / 开头，或完整的 https:// 地址")

    class Meta:
        label = "链接"


class TopicSectionsBlock(blocks.StreamBlock):
    items = ItemsSectionBlock()
    text = blocks.StructBlock(
        [("heading", blocks.CharBlock(label="板块标题")), ("body", blocks.RichTextBlock(label="内容"))],
        label="图文板块",
        icon="doc-full",
        template="portal/blocks/text_section.html",
    )
    links = blocks.StructBlock(
        [("heading", blocks.CharBlock(label="板块标题")), ("links", blocks.ListBlock(LinkBlock()))],
        label="链接板块",
        icon="link",
        template="portal/blocks/links_section.html",
    )
