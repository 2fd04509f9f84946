"""Opening hours of a room: seven lists of (start, end) periods, Monday first.

Stored on ``Room.opening_hours`` as JSON: ``[[["08:30", "12:00"], ["14:00", "21:00"]], …, []]``,
index 0 = Monday, 6 = Sunday. That shape says "extended and staggered hours" (延时错时) directly:
a weekday can open in the morning, close at noon and open again until 21:00, and weekends can
differ. "24:00" is allowed as an end, so a period never crosses midnight.

Staff type hours as text (the edit form, the Excel import). ``parse_week`` reads the way people
write them in Chinese community notices — "周一至周五 8:30-12:00、14:00-21:00；周六、周日 9:00-17:00",
"工作日 …；周末 …", "每天 …", "周日 休息" — and ``week_text`` writes that format back, so an export
can be edited and imported again.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.errors import ValidationFailed

Period = tuple[int, int]  # minutes after midnight, start < end, end ≤ 1440
Week = list[list[Period]]

MINUTES_PER_DAY = 24 * 60

WEEKDAY_NAMES = [
    gettext_lazy("Mon"),
    gettext_lazy("Tue"),
    gettext_lazy("Wed"),
    gettext_lazy("Thu"),
    gettext_lazy("Fri"),
    gettext_lazy("Sat"),
    gettext_lazy("Sun"),
]
# The canonical Chinese names, used in the Excel format whatever the interface language.
ZH_DAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]

_DAY_CHARS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_EN_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_CLOSED_WORDS = ("休息", "闭馆", "不开放", "关闭", "closed", "close", "-", "—")
_TIME = r"(\d{1,2})[:：.](\d{2})|(\d{1,2})\s*(?:点|时)(?:\s*(\d{1,2})\s*分?|半)?"


def empty_week() -> Week:
    return [[] for _day in range(7)]


def minutes(value: str) -> int:
    """'08:30' → 510; '24:00' → 1440."""
    hours, mins = value.split(":")
    return int(hours) * 60 + int(mins)


def hhmm(total: int) -> str:
    return f"{total // 60:02d}:{total % 60:02d}"


def to_time(total: int) -> dt.time:
    """Minutes after midnight as a time; 24:00 becomes 23:59:59.999999 (the end of the day)."""
    if total >= MINUTES_PER_DAY:
        return dt.time.max
    return dt.time(total // 60, total % 60)


def normalise_day(periods: list[Period]) -> list[Period]:
    """Sorted, each period valid; touching periods joined (8:30–12:00 + 12:00–14:00 = 8:30–14:00)."""
    cleaned: list[Period] = []
    for start, end in sorted(periods):
        if not (0 <= start < end <= MINUTES_PER_DAY):
            raise ValidationFailed(
                _("%(start)s–%(end)s is not a valid period: it must end after it starts, by 24:00.")
                % {"start": hhmm(start), "end": hhmm(min(end, MINUTES_PER_DAY))},
                code="bad_hours",
            )
        if cleaned and start < cleaned[-1][1]:
            raise ValidationFailed(
                _("The periods %(a)s and %(b)s overlap.")
                % {"a": period_text(cleaned[-1]), "b": period_text((start, end))},
                code="bad_hours",
            )
        if cleaned and start == cleaned[-1][1]:
            cleaned[-1] = (cleaned[-1][0], end)
        else:
            cleaned.append((start, end))
    return cleaned


def from_json(value) -> Week:
    """The stored JSON as a week of (start, end) minutes; anything malformed counts as closed."""
    week = empty_week()
    if not isinstance(value, list):
        return week
    for day, periods in enumerate(value[:7]):
        try:
            week[day] = [(minutes(a), minutes(b)) for a, b in periods]
        except (TypeError, ValueError):
            week[day] = []
    return week


def to_json(week: Week) -> list[list[list[str]]]:
    return [[[hhmm(a), hhmm(b)] for a, b in normalise_day(list(day))] for day in week]


def period_text(period: Period) -> str:
    return f"{hhmm(period[0])}–{hhmm(period[1])}"


def day_text(periods: list[Period]) -> str:
    """'08:30-12:00, 14:00-21:00' — the format of the form's per-day fields."""
    return ", ".join(f"{hhmm(a)}-{hhmm(b)}" for a, b in periods)


def open_minutes(week: Week, weekday: int) -> int:
    return sum(end - start for start, end in week[weekday])


def _time_value(match: re.Match) -> int:
    if match.group(1) is not None:
        hour, minute = int(match.group(1)), int(match.group(2))
    else:
        hour = int(match.group(3))
        if match.group(4) is not None:
            minute = int(match.group(4))
        else:
            minute = 30 if match.group(0).endswith("半") else 0
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        raise ValidationFailed(_("“%(t)s” is not a time of day.") % {"t": match.group(0)}, code="bad_hours")
    return hour * 60 + minute


def parse_periods(text: str) -> list[Period]:
    """'8:30-12:00、14:00-21:00' → [(510, 720), (840, 1260)]; '' or '休息' → []."""
    text = (text or "").strip()
    if not text or text.lower() in _CLOSED_WORDS:
        return []
    times = list(re.finditer(_TIME, text))
    rest = re.sub(_TIME, "", text)
    # What may sit between the times: dashes and words for "to", and list separators.
    if re.sub(r"[\s\-–—~～至到,，、;；/和及]+", "", rest):
        raise ValidationFailed(
            _("“%(text)s” is not a list of periods like 08:30-12:00, 14:00-21:00.") % {"text": text},
            code="bad_hours",
        )
    if not times or len(times) % 2:
        raise ValidationFailed(
            _("“%(text)s”: every period needs a start and an end, like 08:30-12:00.") % {"text": text},
            code="bad_hours",
        )
    values = [_time_value(m) for m in times]
    return normalise_day([(values[i], values[i + 1]) for i in range(0, len(values), 2)])


def _parse_days(spec: str) -> list[int]:
    spec = spec.strip().lower()
    if spec in ("每天", "每日", "全天", "全周", "daily", "every day"):
        return list(range(7))
    if spec in ("工作日", "weekdays"):
        return list(range(5))
    if spec in ("周末", "双休日", "weekends", "weekend"):
        return [5, 6]
    days: list[int] = []
    for part in re.split(r"[、,，/和及\s]+", spec):
        if not part:
            continue
        bounds = re.split(r"至|到|-|–|—|~|～", part)
        if len(bounds) > 2:
            raise ValidationFailed(_("“%(spec)s” is not a list of weekdays.") % {"spec": spec}, code="bad_hours")
        numbers = [_day_number(b) for b in bounds]
        if len(numbers) == 1:
            days.append(numbers[0])
        else:
            first, last = numbers
            if last < first:
                raise ValidationFailed(_("“%(spec)s” is not a list of weekdays.") % {"spec": spec}, code="bad_hours")
            days.extend(range(first, last + 1))
    if not days:
        raise ValidationFailed(_("“%(spec)s” is not a list of weekdays.") % {"spec": spec}, code="bad_hours")
    return days


def _day_number(word: str) -> int:
    word = word.strip().lower()
    for prefix in ("星期", "礼拜", "周"):
        if word.startswith(prefix):
            word = word[len(prefix) :]
            break
    if word in _DAY_CHARS:
        return _DAY_CHARS[word]
    if word[:3] in _EN_DAYS:
        return _EN_DAYS[word[:3]]
    raise ValidationFailed(_("“%(word)s” is not a weekday.") % {"word": word}, code="bad_hours")


_DAY_WORD = r"(?:星期|礼拜|周)?[一二三四五六日天七]|mon\w*|tue\w*|wed\w*|thu\w*|fri\w*|sat\w*|sun\w*"
_DAYS_PREFIX = re.compile(
    rf"^\s*((?:每天|每日|全周|工作日|周末|双休日|daily|weekdays|weekends?|"
    rf"(?:{_DAY_WORD})(?:\s*(?:至|到|-|–|~|～|、|,|，|/|和)\s*(?:{_DAY_WORD}))*))\s*[:：]?\s*(.*)$",
    re.IGNORECASE,
)


def parse_week(text: str) -> Week:
    """Read opening hours as staff write them. Groups are separated by ；/; or new lines; a day
    named twice is an error (which of the two was meant?); days not named are closed."""
    week = empty_week()
    named: set[int] = set()
    text = (text or "").strip()
    if not text:
        return week
    for group in re.split(r"[;；\n]+", text):
        group = group.strip()
        if not group:
            continue
        match = _DAYS_PREFIX.match(group)
        if not match:
            raise ValidationFailed(
                _("“%(group)s” does not start with weekdays, like 周一至周五 08:30-12:00.") % {"group": group},
                code="bad_hours",
            )
        days = _parse_days(match.group(1))
        periods = parse_periods(match.group(2))
        for day in days:
            if day in named:
                raise ValidationFailed(
                    _("%(day)s is given twice in “%(text)s”.") % {"day": ZH_DAYS[day], "text": text}, code="bad_hours"
                )
            named.add(day)
            week[day] = list(periods)
    return week


def _groups(week: Week) -> list[tuple[list[int], list[Period]]]:
    """Consecutive days with the same periods, for compact text."""
    groups: list[tuple[list[int], list[Period]]] = []
    for day, periods in enumerate(week):
        if groups and groups[-1][1] == periods and groups[-1][0][-1] == day - 1:
            groups[-1][0].append(day)
        else:
            groups.append(([day], periods))
    return groups


def _days_label(days: list[int], names) -> str:
    if len(days) == 1:
        return str(names[days[0]])
    chinese = names is ZH_DAYS
    if len(days) == 2:
        return f"{names[days[0]]}{'、' if chinese else ', '}{names[days[1]]}"
    return f"{names[days[0]]}{'至' if chinese else '–'}{names[days[-1]]}"


def week_text(week: Week) -> str:
    """The Chinese form that ``parse_week`` reads back: '周一至周五 08:30-12:00、14:00-21:00；周六、周日 09:00-17:00'."""
    parts = []
    for days, periods in _groups(week):
        if periods:
            parts.append(f"{_days_label(days, ZH_DAYS)} " + "、".join(f"{hhmm(a)}-{hhmm(b)}" for a, b in periods))
    return "；".join(parts)


def week_display(week: Week) -> list[tuple[str, str]]:
    """[(days, periods)] in the interface language, closed days included, for pages."""
    closed = _("closed")
    return [
        (_days_label(days, WEEKDAY_NAMES), ", ".join(period_text(p) for p in periods) if periods else closed)
        for days, periods in _groups(week)
    ]


def is_within(week: Week, day: dt.date, start: int, end: int) -> bool:
    """Whether [start, end) minutes of ``day`` lie inside one opening period."""
    return any(a <= start and end <= b for a, b in week[day.weekday()])
