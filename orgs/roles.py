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
    CITY_OFFICIAL = "city_official", _("City or district official")
    COMMUNITY_STAFF = "community_staff", _("Community staff")
    PARTY_SECRETARY = "party_secretary", _("Community party secretary")
    GRID_WORKER = "grid_worker", _("Grid worker")
    FUND_COMMITTEE = "fund_committee", _("Fund committee member")
    CHARITY_OFFICER = "charity_officer", _("Charity officer")
    AUDITOR = "auditor", _("Auditor")
    PARTNER_STAFF = "partner_staff", _("Partner staff")
    BOOKKEEPER = "bookkeeper", _("Bookkeeping agency")
    MERCHANT = "merchant", _("Merchant or employer")
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
    RECORD_VIEW = "record.view"  # service records (服务人次) of the community
    CATALOG_VIEW = "catalog.view"  # catalogue, price rules, menus, orders, enrolments
    CATALOG_MANAGE = "catalog.manage"  # edit the catalogue, price rules, menus; serve at the desk
    ORDER_PROXY = "order.proxy"  # order or enrol on behalf of a resident (grid worker, staff)
    FUND_VIEW = "fund.view"  # the fund's books, requests and documents (more than the public page)
    FUND_MANAGE = "fund.manage"  # set up the fund and its committee; record income and donations
    FUND_PROPOSE = "fund.propose"  # propose spending (the community party organisation)
    FUND_VOTE = "fund.vote"  # vote on spending requests (committee members; one vote each)
    FUND_APPROVE = "fund.approve"  # the hosting charity's approval of a spending request
    FUND_DISBURSE = "fund.disburse"  # pay out approved spending (the charity holds the money)
    AUDIT_EXPORT = "audit.export"  # export everything of a period as one archive
    ENTERPRISE_VIEW = "enterprise.view"  # a community enterprise's books, budget, requests
    ENTERPRISE_MANAGE = "enterprise.manage"  # record income, raise expense requests, rent invoices
    ENTERPRISE_APPROVE = "enterprise.approve"  # approve expense requests at the role's level
    ENTERPRISE_EXPORT = "enterprise.export"  # export statements (the bookkeeping agency)
    MARKET_VIEW = "market.view"
    MARKET_MANAGE = "market.manage"  # schedule markets, allocate stalls, record takings
    JOB_VIEW = "job.view"
    JOB_MANAGE = "job.manage"  # workshops, work records, wages, job fairs, placements
    VOLUNTEER_VIEW = "volunteer.view"
    VOLUNTEER_MANAGE = "volunteer.manage"  # teams, tasks, confirm hours, rewards
    MERCHANT_PORTAL = "merchant.portal"  # a merchant or employer: their own stalls and jobs only
    MATCHING_VIEW = "matching.view"  # needs, resources, projects
    MATCHING_MANAGE = "matching.manage"  # edit the three lists and projects
    WISH_POST = "wish.post"  # post a micro-wish for a resident, with their consent
    SNAPSHOT_VIEW = "snapshot.view"  # all snapshot reports of the community
    SNAPSHOT_HANDLE = "snapshot.handle"  # accept, handle and close reports (grid worker: their grid)
    INSIGHTS_VIEW = "insights.view"  # dashboards, the big screen and reports of the nodes in scope


STAFF_ROLES = {
    Role.SUBDISTRICT_OFFICER,
    Role.CITY_OFFICIAL,
    Role.COMMUNITY_STAFF,
    Role.PARTY_SECRETARY,
    Role.GRID_WORKER,
    Role.FUND_COMMITTEE,
    Role.CHARITY_OFFICER,
    Role.AUDITOR,
    Role.PARTNER_STAFF,
    Role.BOOKKEEPER,
    Role.MERCHANT,
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
            Cap.RECORD_VIEW,
            Cap.CATALOG_VIEW,
            Cap.FUND_VIEW,
            Cap.ENTERPRISE_VIEW,
            Cap.MARKET_VIEW,
            Cap.JOB_VIEW,
            Cap.VOLUNTEER_VIEW,
            Cap.MATCHING_VIEW,
            Cap.SNAPSHOT_VIEW,
            Cap.INSIGHTS_VIEW,
            Cap.ENTERPRISE_APPROVE,
            Cap.ENTERPRISE_EXPORT,
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
            Cap.RECORD_VIEW,
            Cap.CATALOG_VIEW,
            Cap.FUND_VIEW,
            Cap.ENTERPRISE_VIEW,
            Cap.MARKET_VIEW,
            Cap.JOB_VIEW,
            Cap.VOLUNTEER_VIEW,
            Cap.MATCHING_VIEW,
            Cap.SNAPSHOT_VIEW,
            Cap.INSIGHTS_VIEW,
            Cap.CATALOG_MANAGE,
            Cap.ORDER_PROXY,
            Cap.FUND_MANAGE,
            Cap.FUND_PROPOSE,
            Cap.ENTERPRISE_MANAGE,
            Cap.ENTERPRISE_APPROVE,
            Cap.MARKET_MANAGE,
            Cap.JOB_MANAGE,
            Cap.VOLUNTEER_MANAGE,
            Cap.MATCHING_MANAGE,
            Cap.WISH_POST,
            Cap.SNAPSHOT_HANDLE,
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
            Cap.RECORD_VIEW,
            Cap.CATALOG_VIEW,
            Cap.FUND_VIEW,
            Cap.ENTERPRISE_VIEW,
            Cap.MARKET_VIEW,
            Cap.JOB_VIEW,
            Cap.VOLUNTEER_VIEW,
            Cap.MATCHING_VIEW,
            Cap.SNAPSHOT_VIEW,
            Cap.INSIGHTS_VIEW,
            Cap.CATALOG_MANAGE,
            Cap.ORDER_PROXY,
            Cap.FUND_MANAGE,
            Cap.FUND_PROPOSE,
            Cap.ENTERPRISE_MANAGE,
            Cap.MARKET_MANAGE,
            Cap.JOB_MANAGE,
            Cap.VOLUNTEER_MANAGE,
            Cap.MATCHING_MANAGE,
            Cap.WISH_POST,
            Cap.SNAPSHOT_HANDLE,
        }
    ),
    # A grid worker visits households: sees and reveals residents of their own grid only,
    # because the grant sits at the grid node (see Scope.filter_nodes).
    Role.GRID_WORKER: frozenset(
        {
            Cap.CONSOLE,
            Cap.RESIDENT_VIEW,
            Cap.RESIDENT_MANAGE,
            Cap.RESIDENT_REVEAL,
            Cap.ORDER_PROXY,
            Cap.MATCHING_VIEW,
            Cap.WISH_POST,
            Cap.SNAPSHOT_HANDLE,
        }
    ),
    # City and district officials compare communities and print their cases; they manage nothing.
    Role.CITY_OFFICIAL: frozenset({Cap.CONSOLE, Cap.INSIGHTS_VIEW}),
    Role.FUND_COMMITTEE: frozenset({Cap.CONSOLE, Cap.LEDGER_VIEW, Cap.PARTNER_VIEW, Cap.FUND_VIEW, Cap.FUND_VOTE}),
    Role.CHARITY_OFFICER: frozenset({Cap.CONSOLE, Cap.LEDGER_VIEW, Cap.FUND_VIEW, Cap.FUND_APPROVE, Cap.FUND_DISBURSE}),
    Role.AUDITOR: frozenset(
        {Cap.CONSOLE, Cap.LEDGER_VIEW, Cap.AUDIT_VIEW, Cap.AUDIT_EXPORT, Cap.SPACE_VIEW, Cap.PARTNER_VIEW}
        | {Cap.RECORD_VIEW, Cap.CATALOG_VIEW, Cap.FUND_VIEW, Cap.ENTERPRISE_VIEW, Cap.ENTERPRISE_EXPORT}
        | {Cap.MARKET_VIEW, Cap.JOB_VIEW, Cap.VOLUNTEER_VIEW, Cap.INSIGHTS_VIEW}
    ),
    # An outside bookkeeping agency keeps a community enterprise's accounts: read and export only.
    Role.BOOKKEEPER: frozenset({Cap.CONSOLE, Cap.ENTERPRISE_VIEW, Cap.ENTERPRISE_EXPORT}),
    # Partner staff reach only their own partner's records: the partners app narrows every
    # query by the user's partner membership on top of this community-level capability.
    Role.PARTNER_STAFF: frozenset({Cap.CONSOLE, Cap.PARTNER_PORTAL}),
    # A merchant at the markets or an employer at the job fair: their own stalls and jobs only,
    # narrowed by the markets and jobs apps the way the partner portal is.
    Role.MERCHANT: frozenset({Cap.CONSOLE, Cap.MERCHANT_PORTAL}),
    Role.VOLUNTEER: frozenset(),
    Role.RESIDENT: frozenset(),
}


def caps_of(role: str) -> frozenset[str]:
    return ROLE_CAPS.get(role, frozenset())


def roles_with(cap: str) -> set[str]:
    return {role for role, caps in ROLE_CAPS.items() if cap in caps}
