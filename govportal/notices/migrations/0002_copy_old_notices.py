"""Every notice of the two old inboxes (publishing's and interaction's) copied into the one table, so nobody
loses a notice on upgrade: read state, time and e-mail flag kept; an interaction notice's text becomes the
title (its whole text in the body when longer than a title), its letter the notice's ``about``."""

from django.db import migrations

BATCH = 2000


def copy(apps, schema_editor):
    Notice = apps.get_model("notices", "Notice")
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    max_title = Notice._meta.get_field("title").max_length
    letter_type = []

    def about(letter_id):
        if not letter_id:
            return {}
        if not letter_type:
            letter_type.append(
                ContentType.objects.using(db).get_or_create(app_label="interaction", model="letter")[0]
            )
        return {"content_type": letter_type[0], "object_id": letter_id}

    def publishing_rows():
        for n in apps.get_model("publishing", "Notice").objects.using(db).order_by("pk").iterator(BATCH):
            yield n, {"title": n.title, "body": n.body, "emailed": n.emailed}

    def interaction_rows():
        for n in apps.get_model("interaction", "Notice").objects.using(db).order_by("pk").iterator(BATCH):
            long = len(n.text) > max_title
            title = n.text[: max_title - 1] + "…" if long else n.text
            yield n, {"title": title, "body": n.text if long else "", **about(n.letter_id)}

    batch = []
    for rows in (publishing_rows(), interaction_rows()):
        for n, fields in rows:
            batch.append(
                Notice(
                    user_id=n.user_id,
                    kind=n.kind,
                    url=n.url,
                    created_at=n.created_at,
                    read_at=n.read_at,
                    **fields,
                )
            )
            if len(batch) >= BATCH:
                Notice.objects.using(db).bulk_create(batch)
                batch = []
    Notice.objects.using(db).bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("publishing", "0004_static_publish"),
        ("interaction", "0001_initial"),
    ]

    operations = [migrations.RunPython(copy, migrations.RunPython.noop)]
