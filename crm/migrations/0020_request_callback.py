"""回访记录 (RequestCallBack), and its view permission for the roles that read call-backs (crm.roles: Area.CALLBACKS):
the service desk and the managers. Recording goes through ``request_record_callback``, so no group gets more."""

import crm.validators
import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

CALLBACK_READERS = ["service_officer", "service_lead", "manager"]


def grant_view_permission(apps, schema_editor):
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations (post_migrate); create crm's now, as crm.0013 does.
    app_config = global_apps.get_app_config("crm")
    previous, app_config.models_module = app_config.models_module, app_config.models_module or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = previous
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.filter(content_type__app_label="crm", codename="view_requestcallback")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=CALLBACK_READERS):
        group.permissions.add(*view)


class Migration(migrations.Migration):

    dependencies = [
        ('crm', '0019_department_editors'),
    ]

    operations = [
        migrations.CreateModel(
            name='RequestCallBack',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('result', models.CharField(choices=[('satisfied', '满意'), ('basic', '基本满意'), ('unsatisfied', '不满意')], max_length=20, verbose_name='回访结果')),
                ('comment', models.TextField(blank=True, help_text='企业的原话或回访人的记录；不满意时请写明原因。仅园区工作人员可见。', max_length=10000, validators=[crm.validators.validate_long_text, django.core.validators.MaxLengthValidator(10000)], verbose_name='回访意见')),
                ('recorded_at', models.DateTimeField(verbose_name='回访时间')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='回访人')),
                ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='callbacks', to='crm.servicerequest', verbose_name='诉求')),
            ],
            options={
                'verbose_name': '回访记录',
                'verbose_name_plural': '回访记录',
                'ordering': ['request', 'recorded_at', 'id'],
                'indexes': [models.Index(fields=['request', 'recorded_at'], name='crm_callback_request_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('result__in', ['satisfied', 'basic', 'unsatisfied'])), name='crm_requestcallback_result_known')],
            },
        ),
        migrations.RunPython(grant_view_permission, migrations.RunPython.noop),
    ]
