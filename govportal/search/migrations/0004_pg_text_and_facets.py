"""PostgreSQL: the text indexes with the facets as second column (see fulltext.PG_INDEXES)."""

from django.db import migrations


def combine(apps, schema_editor):
    from govportal.search import fulltext

    fulltext.combine_pg_indexes(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_title_index")]

    operations = [migrations.RunPython(combine, migrations.RunPython.noop)]
