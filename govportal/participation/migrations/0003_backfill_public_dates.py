"""Surveys, consultations, interviews and visits stored before the date fix: the same repair as
portal 0008 (govportal/portal/date_backfill.py)."""

from django.db import migrations

from govportal.portal.date_backfill import backfill_public_dates


def forward(apps, schema_editor):
    backfill_public_dates(
        apps, "participation", ["ConsultationPage", "InterviewPage", "SurveyPage", "VisitPage"]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0002_item_date_auto"),
        ("portal", "0008_backfill_public_dates"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
