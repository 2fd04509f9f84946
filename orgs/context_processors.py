from orgs.navigation import navigation_for
from orgs.roles import Cap
from orgs.selectors import community_list_for_user, current_community


def scope(request):
    s = getattr(request, "scope", None)
    if s is None or not s.is_authenticated or not s.is_staff_user:
        return {}

    def communities():
        return list(community_list_for_user(scope=s, cap=Cap.CONSOLE)[:500])

    community = current_community(request)
    return {
        "current_community": community,
        "switchable_communities": communities,
        "nav": navigation_for(s, community),
    }
