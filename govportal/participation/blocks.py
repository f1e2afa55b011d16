"""Stream blocks: the questions of a survey and the articles of a draft.

Each question keeps the id Wagtail gives its block; answers are stored under that id, so a question
edited after answers came in keeps its answers and a removed one simply stops being shown.
"""

from __future__ import annotations

from wagtail import blocks


class _Question(blocks.StructBlock):
    text = blocks.CharBlock(label="题目", max_length=300)
    required = blocks.BooleanBlock(label="必答", required=False, default=True)
    help = blocks.CharBlock(label="说明", required=False, max_length=300)


class SingleChoiceBlock(_Question):
    options = blocks.ListBlock(blocks.CharBlock(label="选项", max_length=200), label="选项", min_num=2)

    class Meta:
        label = "单选题"
        icon = "radio-full"


class MultipleChoiceBlock(_Question):
    options = blocks.ListBlock(blocks.CharBlock(label="选项", max_length=200), label="选项", min_num=2)
    max_choices = blocks.IntegerBlock(label="最多可选几项", required=False, min_value=1)

    class Meta:
        label = "多选题"
        icon = "list-ul"


class ScaleBlock(_Question):
    low = blocks.IntegerBlock(label="最低分", default=1)
    high = blocks.IntegerBlock(label="最高分", default=5)
    low_label = blocks.CharBlock(label="最低分含义", required=False, default="很不满意")
    high_label = blocks.CharBlock(label="最高分含义", required=False, default="非常满意")

    class Meta:
        label = "量表题（打分）"
        icon = "order"


class TextQuestionBlock(_Question):
    max_length = blocks.IntegerBlock(label="最多字数", default=500, min_value=1, max_value=5000)

    class Meta:
        label = "填空/问答题"
        icon = "edit"


class MatrixBlock(_Question):
    rows = blocks.ListBlock(blocks.CharBlock(label="行（评价对象）", max_length=200), label="行", min_num=1)
    columns = blocks.ListBlock(blocks.CharBlock(label="列（选项）", max_length=100), label="列", min_num=2)

    class Meta:
        label = "矩阵题"
        icon = "table"


QUESTION_BLOCKS = [
    ("single", SingleChoiceBlock()),
    ("multiple", MultipleChoiceBlock()),
    ("scale", ScaleBlock()),
    ("text", TextQuestionBlock()),
    ("matrix", MatrixBlock()),
]


class DraftArticleBlock(blocks.StructBlock):
    label = blocks.CharBlock(label="条款编号", max_length=40, help_text="如 第一条")
    text = blocks.TextBlock(label="条款内容")

    class Meta:
        label = "条款"
        icon = "doc-full"
