"""Full-text structures for the database in use: FTS5 table and triggers on SQLite, generated tsvector
columns with GIN indexes on PostgreSQL (see govportal/search/fulltext.py)."""

from django.db import migrations


def create(apps, schema_editor):
    from govportal.search import fulltext

    fulltext.create(schema_editor.connection)
    fulltext.forget_engine()


def drop(apps, schema_editor):
    from govportal.search import fulltext

    fulltext.drop(schema_editor.connection)
    fulltext.forget_engine()


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
