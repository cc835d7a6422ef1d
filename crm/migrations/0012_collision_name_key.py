"""撞单 in the database: ``Enterprise.name_key`` (the normalised company-name key, filled for existing rows), an
index on the upper-cased credit code, and on PostgreSQL the ``pg_trgm`` extension with a GIN trigram index on the key.

The trigram index is not in the model's state (SQLite has no GIN): it is created here, guarded by the vendor.
"""

import django.db.models.functions.text
from django.db import migrations, models

TRIGRAM_INDEX = "crm_enterprise_name_key_trgm"


def fill_name_keys(apps, schema_editor):
    # The rule as it stands when this migration runs; later changes to it ship their own refill.
    from crm.names import company_name_key

    Enterprise = apps.get_model("crm", "Enterprise")
    rows = list(Enterprise.objects.only("id", "name"))
    for row in rows:
        row.name_key = company_name_key(row.name)
    Enterprise.objects.bulk_update(rows, ["name_key"], batch_size=500)


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON crm_enterprise USING gin (name_key gin_trgm_ops)"
        # No pending list: a new enterprise is in the index at once, so the planner never finds the index
        # costly to read (unmerged entries) and scans the table instead. Enterprises are written seldom.
        " WITH (fastupdate = off)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("crm", "0011_attachment_message"),
        ("parks", "0005_text_and_date_bounds"),
    ]

    operations = [
        migrations.AddField(
            model_name="enterprise",
            name="name_key",
            field=models.CharField(
                blank=True, db_index=True, editable=False,
                help_text="撞单比对用：去掉地区、组织形式、分公司和标点后的企业名称，由系统按企业名称维护。",
                max_length=200, verbose_name="名称比对键",
            ),
        ),
        migrations.AddIndex(
            model_name="enterprise",
            index=models.Index(django.db.models.functions.text.Upper("credit_code"), name="crm_enterprise_code_upper"),
        ),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
