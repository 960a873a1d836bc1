"""The standard life events (主题) applicants browse by; administrators may add more."""

from django.db import migrations

PERSON = [
    ("birth", "出生"),
    ("school", "上学"),
    ("employment", "就业创业"),
    ("marriage", "婚姻登记"),
    ("family", "生育收养"),
    ("housing", "住房"),
    ("transport", "交通出行"),
    ("health", "医疗卫生"),
    ("social_security", "社会保障"),
    ("elderly", "养老服务"),
    ("disability", "残疾人服务"),
    ("veterans", "退役军人"),
    ("funeral", "身后事"),
]
COMPANY = [
    ("company_start", "企业开办"),
    ("operation", "准营经营"),
    ("construction", "工程建设"),
    ("company_change", "变更登记"),
    ("company_close", "注销清算"),
    ("qualification", "资质认定"),
    ("hiring", "招工用工"),
    ("tax", "纳税缴费"),
    ("agriculture", "农业生产"),
]


def load(apps, schema_editor):
    LifeEvent = apps.get_model("catalog", "LifeEvent")
    for audience, rows in (("person", PERSON), ("company", COMPANY)):
        for order, (code, name) in enumerate(rows, start=1):
            LifeEvent.objects.update_or_create(
                code=code, defaults={"name": name, "audience": audience, "order": order}
            )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
