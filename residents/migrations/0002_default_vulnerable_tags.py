from django.db import migrations

DEFAULT_TAGS = [
    ("elderly_80", "高龄老人（80岁以上）", 80, "年满80周岁自动归入", 10),
    ("elderly_alone", "独居老人", None, "", 20),
    ("child_hardship", "困境儿童", None, "", 30),
    ("dibao", "低保户", None, "最低生活保障家庭", 40),
    ("tekun", "特困人员", None, "", 50),
    ("disabled", "残疾人", None, "", 60),
]


def add_tags(apps, schema_editor):
    Tag = apps.get_model("residents", "VulnerableTag")
    for code, name, min_age, description, order in DEFAULT_TAGS:
        Tag.objects.get_or_create(
            code=code, defaults={"name": name, "min_age": min_age, "description": description, "sort_order": order}
        )


def remove_tags(apps, schema_editor):
    Tag = apps.get_model("residents", "VulnerableTag")
    Tag.objects.filter(code__in=[t[0] for t in DEFAULT_TAGS], residents__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("residents", "0001_initial")]
    operations = [migrations.RunPython(add_tags, remove_tags)]
