# Benefit kinds as data (parks.models.BenefitKind); PolicyClause.benefit_kind keeps its codes.

import crm.validators
from django.db import migrations, models


# Today's benefit kinds, as the TextChoices held them before this migration (same codes, names and order).
SEEDS = [
    ("rent_free", "免租"), ("rent_subsidy", "房租补贴"), ("fund_equity", "产业基金股权投资"), ("talent_subsidy", "人才补贴"),
    ("rd_subsidy", "研发补助"), ("first_of_kind", "首台（套）奖励"), ("investment_award", "固定资产投资奖励"),
    ("other", "其他"),
]


def seed_benefit_kinds(apps, schema_editor):
    """One row per value of today's choices; a value some clause holds outside them becomes a retired row."""
    model = apps.get_model("parks", "BenefitKind")
    for order, (code, name) in enumerate(SEEDS, start=1):
        model.objects.create(code=code, name=name, order=order * 10, is_active=True)
    stored = set(apps.get_model("parks", "PolicyClause").objects.values_list("benefit_kind", flat=True).distinct())
    for order, code in enumerate(sorted(stored - {code for code, _name in SEEDS} - {""}), start=len(SEEDS) + 1):
        model.objects.create(code=code, name=code, order=order * 10, is_active=False)


LIST_MODELS = ["benefitkind"]
STAFF_GROUPS = ["investment_officer", "investment_lead", "service_officer", "manager"]


def grant_view_permissions(apps, schema_editor):
    """Every staff role reads the lists (crm.roles: Area.LISTS); only superusers edit them, so no group gets more."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations (post_migrate); create parks's now, as crm.0005 does.
    app_config = global_apps.get_app_config("parks")
    previous, app_config.models_module = app_config.models_module, app_config.models_module or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = previous
    Permission = apps.get_model("auth", "Permission")
    views = Permission.objects.filter(content_type__app_label="parks", codename__in=[f"view_{m}" for m in LIST_MODELS])
    for group in apps.get_model("auth", "Group").objects.filter(name__in=STAFF_GROUPS):
        group.permissions.add(*views)


class Migration(migrations.Migration):

    dependencies = [
        ('parks', '0005_text_and_date_bounds'),
        ('crm', '0003_role_groups'),  # the groups that get the view permission
    ]

    operations = [
        migrations.CreateModel(
            name='BenefitKind',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('code', models.SlugField(help_text='英文小写字母、数字、下划线，存入记录和接口中；一经使用不能修改。', max_length=30, unique=True, verbose_name='代码')),
                ('name', models.CharField(max_length=50, validators=[crm.validators.validate_line], verbose_name='名称')),
                ('order', models.PositiveSmallIntegerField(default=0, help_text='数字小的排在前面。', verbose_name='排序')),
                ('is_active', models.BooleanField(default=True, help_text='停用后新记录不能再选它，已有记录仍保留并显示它。', verbose_name='启用')),
            ],
            options={
                'verbose_name': '支持方式',
                'verbose_name_plural': '支持方式',
                'ordering': ['order', 'id'],
                'abstract': False,
            },
        ),
        migrations.AlterField(
            model_name='policyclause',
            name='benefit_kind',
            field=models.CharField(max_length=30, verbose_name='支持方式'),
        ),
        migrations.RunPython(seed_benefit_kinds, migrations.RunPython.noop),
        migrations.RunPython(grant_view_permissions, migrations.RunPython.noop),
    ]
