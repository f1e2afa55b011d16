"""SQLite: a full-text index of the titles alone, beside the whole-text one (see fulltext.py)."""

from django.db import migrations


def add(apps, schema_editor):
    from govportal.search import fulltext

    fulltext.add_title_index(schema_editor.connection)
    fulltext.forget_engine()


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
