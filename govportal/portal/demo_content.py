"""A little believable content for the demo site (idempotent)."""

from datetime import timedelta

from django.utils import timezone

from .columns import main_columns
from .models import ArticlePage, HomePage

DEMO_ITEMS = {
    "政务要闻": [
        ("市人民政府召开第十二次常务会议", "会议研究部署今冬明春安全生产、保障农民工工资支付等工作。"),
        ("全市优化营商环境工作推进会召开", "会议通报了今年以来全市营商环境评价情况，部署下一阶段重点任务。"),
        ("我市新增3个国家级农业产业强镇", "近日，农业农村部公布新一批农业产业强镇名单，我市3个镇入选。"),
    ],
    "部门动态": [
        (
            "市教育局开展秋季学期校园安全大检查",
            "检查覆盖全市中小学、幼儿园，重点排查消防、食品和交通安全隐患。",
        ),
        ("市人力资源社会保障局举办2026年冬季招聘会", "本次招聘会共有120家企业参会，提供岗位3200余个。"),
    ],
    "通知公告": [
        ("关于2027年元旦放假安排的通知", "根据国务院办公厅通知精神，现将2027年元旦放假安排通知如下。"),
        (
            "关于公开征求《钦州市城市绿化管理办法（征求意见稿）》意见的公告",
            "为提高立法质量，现向社会公开征求意见。",
        ),
    ],
}


def add_demo_items(home: HomePage) -> int:
    created = 0
    now = timezone.now()
    for column_title, items in DEMO_ITEMS.items():
        column = main_columns(home).filter(title=column_title).first()
        if column is None:
            continue
        for i, (title, body) in enumerate(items):
            if ArticlePage.objects.child_of(column).filter(title=title).exists():
                continue
            item = ArticlePage(
                title=title,
                date=now - timedelta(days=i * 2 + 1),
                source=column_title,
                body=f"<p>{body}</p>",
            )
            column.add_child(instance=item)
            item.save_revision().publish()
            created += 1
    return created
