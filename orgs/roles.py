"""Roles people hold at an org node, and what each role may do.

A grant at a node covers that node and everything below it: a subdistrict officer granted at
辛店街道 acts in 康平社区 and 溡源社区. Capabilities are the unit of permission that selectors
and services ask about; roles are bundles of them, kept here in one table so a reviewer can see
the whole access model at once (docs/access-model.md explains it).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SUBDISTRICT_OFFICER = "subdistrict_officer", _("Subdistrict officer")
    COMMUNITY_STAFF = "community_staff", _("Community staff")
    PARTY_SECRETARY = "party_secretary", _("Community party secretary")
    GRID_WORKER = "grid_worker", _("Grid worker")
    FUND_COMMITTEE = "fund_committee", _("Fund committee member")
    CHARITY_OFFICER = "charity_officer", _("Charity officer")
    AUDITOR = "auditor", _("Auditor")
    PARTNER_STAFF = "partner_staff", _("Partner staff")
    VOLUNTEER = "volunteer", _("Volunteer")
    RESIDENT = "resident", _("Resident")


class Cap:
    """Capability names. Strings, so apps added later can define their own next to these."""

    CONSOLE = "console"  # open the staff console for a community
    ORG_MANAGE = "org.manage"  # edit grids, buildings, grant roles
    RESIDENT_VIEW = "resident.view"  # list residents (masked)
    RESIDENT_MANAGE = "resident.manage"  # create, edit, import residents
    RESIDENT_REVEAL = "resident.reveal"  # see a full ID or phone number (logged)
    RESIDENT_EXPORT = "resident.export"
    LEDGER_VIEW = "ledger.view"  # read books, statements, verify chains
    LEDGER_POST = "ledger.post"
    AUDIT_VIEW = "audit.view"  # read history and reveal logs
    SPACE_VIEW = "space.view"  # rooms, bookings, utilisation
    SPACE_MANAGE = "space.manage"  # edit rooms, book, cancel and move bookings
    PARTNER_VIEW = "partner.view"  # partners, applications, agreements
    PARTNER_MANAGE = "partner.manage"  # recruit, review, sign, evaluate partners
    PARTNER_PORTAL = "partner.portal"  # a partner's own staff: their partner only (see partners app)


STAFF_ROLES = {
    Role.SUBDISTRICT_OFFICER,
    Role.COMMUNITY_STAFF,
    Role.PARTY_SECRETARY,
    Role.GRID_WORKER,
    Role.FUND_COMMITTEE,
    Role.CHARITY_OFFICER,
    Role.AUDITOR,
    Role.PARTNER_STAFF,
}

ROLE_CAPS: dict[str, frozenset[str]] = {
    Role.SUBDISTRICT_OFFICER: frozenset(
        {
            Cap.CONSOLE,
            Cap.ORG_MANAGE,
            Cap.RESIDENT_VIEW,
            Cap.RESIDENT_EXPORT,
            Cap.LEDGER_VIEW,
            Cap.AUDIT_VIEW,
            Cap.SPACE_VIEW,
            Cap.PARTNER_VIEW,
        }
    ),
    Role.PARTY_SECRETARY: frozenset(
        {
            Cap.CONSOLE,
            Cap.ORG_MANAGE,
            Cap.RESIDENT_VIEW,
            Cap.RESIDENT_MANAGE,
            Cap.RESIDENT_REVEAL,
            Cap.RESIDENT_EXPORT,
            Cap.LEDGER_VIEW,
            Cap.LEDGER_POST,
            Cap.AUDIT_VIEW,
            Cap.SPACE_VIEW,
            Cap.SPACE_MANAGE,
            Cap.PARTNER_VIEW,
            Cap.PARTNER_MANAGE,
        }
    ),
    Role.COMMUNITY_STAFF: frozenset(
        {
            Cap.CONSOLE,
            Cap.RESIDENT_VIEW,
            Cap.RESIDENT_MANAGE,
            Cap.RESIDENT_REVEAL,
            Cap.RESIDENT_EXPORT,
            Cap.LEDGER_VIEW,
            Cap.LEDGER_POST,
            Cap.SPACE_VIEW,
            Cap.SPACE_MANAGE,
            Cap.PARTNER_VIEW,
            Cap.PARTNER_MANAGE,
        }
    ),
    # A grid worker visits households: sees and reveals residents of their own grid only,
    # because the grant sits at the grid node (see Scope.filter_nodes).
    Role.GRID_WORKER: frozenset({Cap.CONSOLE, Cap.RESIDENT_VIEW, Cap.RESIDENT_MANAGE, Cap.RESIDENT_REVEAL}),
    Role.FUND_COMMITTEE: frozenset({Cap.CONSOLE, Cap.LEDGER_VIEW, Cap.PARTNER_VIEW}),
    Role.CHARITY_OFFICER: frozenset({Cap.CONSOLE, Cap.LEDGER_VIEW}),
    Role.AUDITOR: frozenset({Cap.CONSOLE, Cap.LEDGER_VIEW, Cap.AUDIT_VIEW, Cap.SPACE_VIEW, Cap.PARTNER_VIEW}),
    # Partner staff reach only their own partner's records: the partners app narrows every
    # query by the user's partner membership on top of this community-level capability.
    Role.PARTNER_STAFF: frozenset({Cap.CONSOLE, Cap.PARTNER_PORTAL}),
    Role.VOLUNTEER: frozenset(),
    Role.RESIDENT: frozenset(),
}


def caps_of(role: str) -> frozenset[str]:
    return ROLE_CAPS.get(role, frozenset())


def roles_with(cap: str) -> set[str]:
    return {role for role, caps in ROLE_CAPS.items() if cap in caps}
