from django.db import migrations


class Migration(migrations.Migration):
    """The inbox moved to govportal.notices (its rows copied by notices.0002)."""

    dependencies = [
        ("publishing", "0004_static_publish"),
        ("notices", "0002_copy_old_notices"),
    ]

    operations = [migrations.DeleteModel(name="Notice")]
