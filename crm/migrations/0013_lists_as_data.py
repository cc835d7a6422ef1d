# Lists as data: today's TextChoices become rows (crm.models.lists); the columns keep their codes.

import crm.validators
import django.db.models.deletion
from django.db import migrations, models


# Today's values, as the TextChoices held them before this migration (same codes, same names, same order).
SEEDS = {
    "IndustryChain": [
        ("ai", "人工智能"), ("robotics", "智能机器人"), ("xinchuang", "信创与商用密码"), ("cloud", "云计算与智算"),
        ("life_health", "生命健康"), ("smart_manufacturing", "智能制造"), ("new_materials", "新材料"),
        ("digital_economy", "数字经济"), ("other", "其他"),
    ],
    "Jurisdiction": [("sandun", "三墩镇"), ("jiangcun", "蒋村街道"), ("other", "其他")],
    "QualificationKind": [
        ("little_giant", "国家级专精特新“小巨人”"), ("provincial_srdi", "省专精特新"), ("high_tech", "高新技术企业"),
        ("listed", "上市企业"), ("tech_sme", "科技型中小企业"), ("first_of_kind", "首台（套）装备认定"),
    ],
    "SourceChannel": [
        ("alliance_event", "联盟活动"), ("business_referral", "以商招商"), ("fund_led", "基金招商"),
        ("chain_led", "链式招商"), ("intermediary", "中介机构"), ("walk_in", "企业自荐"),
    ],
}
# Where records store each list's codes: (model, field).
USES = {
    "IndustryChain": [("Enterprise", "industry_chain"), ("Project", "industry_chain")],
    "Jurisdiction": [("Enterprise", "jurisdiction")],
    "QualificationKind": [("EnterpriseQualification", "kind")],
    "SourceChannel": [("Project", "source_channel")],
}


def seed_lists(apps, schema_editor):
    """One row per value of today's choices; a value some record holds outside them (should there be one) becomes
    a retired row named by its code, so every existing record keeps its value and still validates."""
    for model_name, seeds in SEEDS.items():
        model = apps.get_model("crm", model_name)
        for order, (code, name) in enumerate(seeds, start=1):
            model.objects.create(code=code, name=name, order=order * 10, is_active=True)
        known = {code for code, _name in seeds}
        stored = set()
        for user_model, field in USES[model_name]:
            stored |= set(apps.get_model("crm", user_model).objects.values_list(field, flat=True).distinct())
        for order, code in enumerate(sorted(stored - known - {""}), start=len(seeds) + 1):
            model.objects.create(code=code, name=code, order=order * 10, is_active=False)


LIST_MODELS = ["industrychain", "chainsegment", "jurisdiction", "qualificationkind", "sourcechannel"]
STAFF_GROUPS = ["investment_officer", "investment_lead", "service_officer", "manager"]


def grant_view_permissions(apps, schema_editor):
    """Every staff role reads the lists (crm.roles: Area.LISTS); only superusers edit them, so no group gets more."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations (post_migrate); create crm's now, as crm.0005 does.
    app_config = global_apps.get_app_config("crm")
    previous, app_config.models_module = app_config.models_module, app_config.models_module or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = previous
    Permission = apps.get_model("auth", "Permission")
    views = Permission.objects.filter(content_type__app_label="crm", codename__in=[f"view_{m}" for m in LIST_MODELS])
    for group in apps.get_model("auth", "Group").objects.filter(name__in=STAFF_GROUPS):
        group.permissions.add(*views)


class Migration(migrations.Migration):

    dependencies = [
        ('crm', '0012_collision_name_key'),
    ]

    operations = [
        migrations.CreateModel(
            name='IndustryChain',
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
                'verbose_name': '产业链',
                'verbose_name_plural': '产业链',
                'ordering': ['order', 'id'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='Jurisdiction',
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
                'verbose_name': '属地镇街',
                'verbose_name_plural': '属地镇街',
                'ordering': ['order', 'id'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='QualificationKind',
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
                'verbose_name': '资质类别',
                'verbose_name_plural': '资质类别',
                'ordering': ['order', 'id'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='SourceChannel',
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
                'verbose_name': '来源渠道',
                'verbose_name_plural': '来源渠道',
                'ordering': ['order', 'id'],
                'abstract': False,
            },
        ),
        migrations.AddField(
            model_name='enterprise',
            name='chain_segment',
            field=models.CharField(blank=True, db_default='', default='', help_text='如机器人“大脑”或“小脑”；可不填。', max_length=30, verbose_name='产业链环节'),
        ),
        migrations.AddField(
            model_name='historicalproject',
            name='chain_segment',
            field=models.CharField(blank=True, db_default='', default='', help_text='如机器人“大脑”或“小脑”；可不填。', max_length=30, verbose_name='产业链环节'),
        ),
        migrations.AddField(
            model_name='project',
            name='chain_segment',
            field=models.CharField(blank=True, db_default='', default='', help_text='如机器人“大脑”或“小脑”；可不填。', max_length=30, verbose_name='产业链环节'),
        ),
        migrations.AlterField(
            model_name='enterprise',
            name='industry_chain',
            field=models.CharField(default='other', max_length=30, verbose_name='产业链'),
        ),
        migrations.AlterField(
            model_name='enterprise',
            name='jurisdiction',
            field=models.CharField(blank=True, max_length=20, verbose_name='属地'),
        ),
        migrations.AlterField(
            model_name='enterprisequalification',
            name='kind',
            field=models.CharField(max_length=30, verbose_name='资质'),
        ),
        migrations.AlterField(
            model_name='historicalproject',
            name='industry_chain',
            field=models.CharField(default='other', max_length=30, verbose_name='产业链'),
        ),
        migrations.AlterField(
            model_name='historicalproject',
            name='source_channel',
            field=models.CharField(default='walk_in', max_length=30, verbose_name='来源渠道'),
        ),
        migrations.AlterField(
            model_name='project',
            name='industry_chain',
            field=models.CharField(default='other', max_length=30, verbose_name='产业链'),
        ),
        migrations.AlterField(
            model_name='project',
            name='source_channel',
            field=models.CharField(default='walk_in', max_length=30, verbose_name='来源渠道'),
        ),
        migrations.CreateModel(
            name='ChainSegment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('code', models.SlugField(help_text='英文小写字母、数字、下划线，存入记录和接口中；一经使用不能修改。', max_length=30, unique=True, verbose_name='代码')),
                ('name', models.CharField(max_length=50, validators=[crm.validators.validate_line], verbose_name='名称')),
                ('order', models.PositiveSmallIntegerField(default=0, help_text='数字小的排在前面。', verbose_name='排序')),
                ('is_active', models.BooleanField(default=True, help_text='停用后新记录不能再选它，已有记录仍保留并显示它。', verbose_name='启用')),
                ('chain', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='segments', to='crm.industrychain', verbose_name='产业链')),
            ],
            options={
                'verbose_name': '产业链环节',
                'verbose_name_plural': '产业链环节',
                'ordering': ['chain__order', 'order', 'id'],
                'abstract': False,
            },
        ),
        migrations.RunPython(seed_lists, migrations.RunPython.noop),
        migrations.RunPython(grant_view_permissions, migrations.RunPython.noop),
    ]
