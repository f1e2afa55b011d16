"""Every notice of the two old inboxes (publishing's and interaction's) copied into the one table, so nobody
loses a notice on upgrade: read state, time and e-mail flag kept; an interaction notice's text becomes the
title (its whole text in the body when longer than a title), its letter the notice's ``about``."""

from django.db import migrations

BATCH = 2000


def copy(apps, schema_editor):
    Notice = apps.get_model("notices", "Notice")
    Old = apps.get_model("publishing", "Notice")
    OldInteraction = apps.get_model("interaction", "Notice")
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    max_title = Notice._meta.get_field("title").max_length

    batch = []
    for n in Old.objects.using(db).order_by("pk").iterator(chunk_size=BATCH):
        batch.append(
            Notice(
                user_id=n.user_id,
                kind=n.kind,
                title=n.title,
                body=n.body,
                url=n.url,
                created_at=n.created_at,
                read_at=n.read_at,
                emailed=n.emailed,
            )
        )
        if len(batch) >= BATCH:
            Notice.objects.using(db).bulk_create(batch)
            batch = []

    letter_type = None
    for n in OldInteraction.objects.using(db).order_by("pk").iterator(chunk_size=BATCH):
        if n.letter_id and letter_type is None:
            letter_type, _ = ContentType.objects.using(db).get_or_create(app_label="interaction", model="letter")
        long = len(n.text) > max_title
        batch.append(
            Notice(
                user_id=n.user_id,
                kind=n.kind,
                title=n.text[: max_title - 1] + "…" if long else n.text,
                body=n.text if long else "",
                url=n.url,
                content_type=letter_type if n.letter_id else None,
                object_id=n.letter_id,
                created_at=n.created_at,
                read_at=n.read_at,
            )
        )
        if len(batch) >= BATCH:
            Notice.objects.using(db).bulk_create(batch)
            batch = []
    if batch:
        Notice.objects.using(db).bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("publishing", "0004_static_publish"),
        ("interaction", "0001_initial"),
    ]

    operations = [migrations.RunPython(copy, migrations.RunPython.noop)]
