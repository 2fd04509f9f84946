from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from orgs.navigation import navigation_for
from orgs.roles import Cap
from orgs.selectors import community_list_for_user, current_community


def scope(request):
    s = getattr(request, "scope", None)
    if s is None or not s.is_authenticated or not s.is_staff_user:
        return {}

    community = current_community(request)

    def options():
        """The switcher's options, drawn here rather than by the template: a city official's
        header lists all 384 communities on every console page (model instances and a template
        loop for them were most of a city dashboard's drawing, docs/benchmarks.md)."""
        rows = community_list_for_user(scope=s, cap=Cap.CONSOLE).values_list("pk", "name")[:500]
        chosen = community.pk if community else None
        return format_html_join(
            "", '<option value="{}"{}>{}</option>', ((pk, SELECTED if pk == chosen else "", name) for pk, name in rows)
        )

    return {
        "current_community": community,
        "switchable_options": options,
        "nav": navigation_for(s, community),
    }


SELECTED = mark_safe(" selected")  # nosec B308 B703: a constant
