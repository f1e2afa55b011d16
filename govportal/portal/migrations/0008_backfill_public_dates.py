"""Items stored before the date fix show the time their draft was started: give them their first
publication time (govportal/portal/date_backfill.py says which items, and why the others are kept)."""

from django.db import migrations

from govportal.portal.date_backfill import backfill_public_dates

MODELS = [
    "ArticlePage",
    "DataReleasePage",
    "InterpretationPage",
    "LeaderProfilePage",
    "OrganisationPage",
    "PolicyDocumentPage",
    "PressConferencePage",
    "RepostPage",
    "ServiceGuidePage",
    "SpecialTopicPage",
]


def forward(apps, schema_editor):
    backfill_public_dates(apps, "portal", MODELS)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0007_item_date_auto"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
