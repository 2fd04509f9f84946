from django import template

from insights import formatting
from insights.figures import BY_KEY, DERIVED_BY_KEY

register = template.Library()


@register.simple_tag
def figure(figures: dict, key: str) -> str:
    return formatting.show(key, figures)


@register.simple_tag
def figure_label(key: str) -> str:
    item = BY_KEY.get(key) or DERIVED_BY_KEY.get(key)
    return str(item.label) if item else key


@register.simple_tag
def figure_definition(key: str) -> str:
    item = BY_KEY.get(key) or DERIVED_BY_KEY.get(key)
    return str(item.definition) if item else ""


@register.simple_tag
def change(dashboard, key: str):
    return dashboard.change(key)


@register.filter
def is_base(key: str) -> bool:
    return key in BY_KEY
