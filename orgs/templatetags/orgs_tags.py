from django import template

from orgs.roles import Role

register = template.Library()


@register.filter
def role_label(value: str) -> str:
    try:
        return Role(value).label
    except ValueError:
        return value
