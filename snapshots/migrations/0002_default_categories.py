"""The default categories, so a fresh installation can take reports at once (data only)."""

from django.db import migrations

DEFAULTS = (
    ("rubbish", "垃圾积存", 24),
    ("stairwell", "楼道堆放", 48),
    ("lights", "路灯楼道灯损坏", 72),
    ("facilities", "公共设施损坏", 120),
    ("parking", "乱停乱放", 48),
    ("greenery", "绿化损毁", 120),
    ("water", "污水积水", 48),
    ("safety", "安全隐患", 24),
    ("other", "其他问题", 168),
)


def create(apps, schema_editor):
    Category = apps.get_model("snapshots", "Category")
    for order, (code, name, hours) in enumerate(DEFAULTS):
        Category.objects.get_or_create(code=code, defaults={"name": name, "deadline_hours": hours, "sort_order": order})


def remove(apps, schema_editor):
    Category = apps.get_model("snapshots", "Category")
    Category.objects.filter(code__in=[d[0] for d in DEFAULTS], reports__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("snapshots", "0001_reports_photos_plans")]
    operations = [migrations.RunPython(create, remove)]
