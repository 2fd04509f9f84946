"""Seed the room functions and Zibo's standard of party–mass service positions.

Zibo's 《淄博市党群服务阵地建设标准》 sorts "7 aspects, 41 required and recommended functions"
(淄博日报, 2024-11-24). The report does not print the list; the aspects and the subset of
functions below are a plausible reconstruction from the rooms the reports describe, marked as
such in docs/spaces.md. A city edits its own standard in the admin (or with a later migration).

The standard is seeded with ``city_name`` only: on an empty database the city node does not exist
yet. It applies to the city called 淄博市 until it is linked to the node.
"""

from django.db import migrations

# code, name, description
FUNCTIONS = [
    ("party_activity", "党员活动室", "党员学习、组织生活"),
    ("consultation", "议事协商室", "居民议事、协商会议"),
    ("party_display", "党建展示区", "党建成果、红色文化展示"),
    ("service_hall", "便民服务大厅", "一站式政务服务、帮办代办"),
    ("grid_station", "网格工作站", "网格员办公、接待"),
    ("mediation", "调解室", "矛盾纠纷调解"),
    ("elder_day_care", "日间照料中心", "老年人日间照料、喘息服务"),
    ("elder_canteen", "长者食堂", "老年助餐、邻里餐厅"),
    ("care_room", "康养护理室", "康复、护理"),
    ("children_home", "儿童之家", "儿童活动、亲子空间"),
    ("after_school", "四点半课堂", "课后托管、作业辅导"),
    ("nursery", "托育室", "婴幼儿托育"),
    ("study", "自习室", "共享自习、学习角"),
    ("reading", "阅览室", "书屋、图书角、城市书房"),
    ("multipurpose", "多功能厅", "活动、讲座、演出"),
    ("calligraphy", "书法室", "书法、硬笔书法"),
    ("painting", "画室", "绘画、手工"),
    ("yoga", "瑜伽室", "瑜伽、形体"),
    ("fitness", "健身房", "健身器材"),
    ("dance", "舞蹈室", "舞蹈、芭蕾形体"),
    ("music", "音乐室", "合唱、器乐（二胡等）"),
    ("health_station", "卫生服务站", "社区卫生服务、义诊"),
    ("psych", "心理咨询室", "心理咨询、疏导"),
    ("health_hut", "健康小屋", "自助体检、健康监测"),
    ("job_service", "就业服务站", "就业指导、零工招聘"),
    ("workshop", "共富工坊", "社区微业、手工坊"),
    ("kitchen", "社区厨房", "社区私房、中央厨房"),
    ("new_employment", "新就业群体驿站", "快递员、外卖骑手歇脚充电"),
    ("volunteer", "志愿服务站", "志愿者集结、志愿银行"),
    ("training", "技能培训室", "技能培训（叉车、直播带货等）"),
    ("safety", "安全体验馆", "应急、消防、生命安全体验"),
    ("office", "办公室", "社区工作人员办公"),
    ("storage", "仓库", "物资存放"),
]

# aspect, [(function code, level)] — a plausible subset of Zibo's 7 aspects and 41 functions.
ZIBO = [
    ("党建引领", [("party_activity", "required"), ("consultation", "required"), ("party_display", "recommended")]),
    ("政务服务", [("service_hall", "required"), ("grid_station", "required"), ("mediation", "required")]),
    ("养老服务", [("elder_day_care", "required"), ("elder_canteen", "recommended"), ("care_room", "recommended")]),
    (
        "托育与青少年",
        [("children_home", "required"), ("after_school", "recommended"), ("nursery", "recommended"), ("study", "recommended")],
    ),
    (
        "文化体育",
        [
            ("reading", "required"),
            ("multipurpose", "required"),
            ("calligraphy", "recommended"),
            ("painting", "recommended"),
            ("yoga", "recommended"),
            ("fitness", "recommended"),
            ("dance", "recommended"),
            ("music", "recommended"),
        ],
    ),
    ("健康服务", [("health_station", "recommended"), ("psych", "required"), ("health_hut", "recommended")]),
    (
        "就业与社区经济",
        [
            ("job_service", "required"),
            ("workshop", "recommended"),
            ("kitchen", "recommended"),
            ("new_employment", "recommended"),
            ("volunteer", "required"),
            ("training", "recommended"),
        ],
    ),
]

STANDARD_TITLE = "淄博市党群服务阵地建设标准"


def seed(apps, schema_editor):
    RoomFunction = apps.get_model("spaces", "RoomFunction")
    SpaceStandard = apps.get_model("spaces", "SpaceStandard")
    FunctionStandard = apps.get_model("spaces", "FunctionStandard")
    by_code = {}
    for order, (code, name, description) in enumerate(FUNCTIONS, start=1):
        by_code[code], _created = RoomFunction.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "sort_order": order * 10}
        )
    standard, _created = SpaceStandard.objects.get_or_create(
        title=STANDARD_TITLE, defaults={"city_name": "淄博市", "issued": "中共淄博市委组织部，2023年"}
    )
    order = 0
    for aspect, items in ZIBO:
        for code, level in items:
            order += 1
            FunctionStandard.objects.get_or_create(
                standard=standard,
                function=by_code[code],
                defaults={"aspect": aspect, "level": level, "sort_order": order},
            )


def unseed(apps, schema_editor):
    RoomFunction = apps.get_model("spaces", "RoomFunction")
    SpaceStandard = apps.get_model("spaces", "SpaceStandard")
    SpaceStandard.objects.filter(title=STANDARD_TITLE).delete()
    # Functions still in use (by a room, or by another city's standard) stay; the others go.
    Room = apps.get_model("spaces", "Room")
    FunctionStandard = apps.get_model("spaces", "FunctionStandard")
    used = set(Room.objects.values_list("function__code", flat=True))
    used |= set(Room.also_functions.through.objects.values_list("roomfunction__code", flat=True))
    used |= set(FunctionStandard.objects.values_list("function__code", flat=True))
    RoomFunction.objects.filter(code__in=[code for code, _n, _d in FUNCTIONS]).exclude(code__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [("spaces", "0001_rooms_standards_bookings")]

    operations = [migrations.RunPython(seed, unseed)]
