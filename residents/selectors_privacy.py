"""Reads of consent records and deletion requests, inside the asker's scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from linli.errors import NotFound
from orgs.models import OrgNode
from orgs.roles import Cap
from orgs.scope import Scope
from residents.models import ConsentPurpose, ConsentRecord, DeletionRequest, DeletionStatus, Resident


@dataclass(frozen=True)
class ConsentState:
    purpose: str
    label: str
    latest: ConsentRecord | None

    @property
    def granted(self) -> bool:
        # No record is no consent: optional uses need a yes (PIPL art. 14).
        return self.latest is not None and self.latest.granted


def consent_states(resident: Resident) -> list[ConsentState]:
    """The current choice for every purpose: the latest record for it, or none yet."""
    latest: dict[str, ConsentRecord] = {}
    for record in resident.consents.select_related("recorded_by").order_by("-at", "-id"):
        latest.setdefault(record.purpose, record)
    return [ConsentState(value, str(label), latest.get(value)) for value, label in ConsentPurpose.choices]


def consent_latest(resident: Resident, purpose: str) -> ConsentRecord | None:
    """The resident's current choice for ``purpose``: the latest record, a consent or a withdrawal."""
    return resident.consents.filter(purpose=purpose).order_by("-at", "-id").first()


def consent_granted(resident: Resident, purpose: str) -> bool:
    """Has the resident (or their guardian) consented to ``purpose``, as of now?"""
    record = consent_latest(resident, purpose)
    return record is not None and record.granted


def consent_history(resident: Resident) -> QuerySet[ConsentRecord]:
    return resident.consents.select_related("recorded_by").order_by("-at", "-id")


def _scoped_requests(scope: Scope) -> QuerySet[DeletionRequest]:
    return scope.filter(
        DeletionRequest.objects.all(),
        Cap.RESIDENT_MANAGE,
        community_field="community_id",
        path_field="resident__grid__path",
    )


def deletion_request_list_for_user(*, scope: Scope, community: OrgNode, status: str = "") -> QuerySet[DeletionRequest]:
    qs = _scoped_requests(scope).filter(community=community)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("resident", "resident__grid", "decided_by").order_by("-requested_at", "-id")


def deletion_request_get_for_user(*, scope: Scope, deletion_request_id: int) -> DeletionRequest:
    found = _scoped_requests(scope).select_related("resident", "resident__grid").filter(pk=deletion_request_id).first()
    if found is None:
        raise NotFound()
    return found


def deletion_requests_for_self(*, user) -> QuerySet[DeletionRequest]:
    return DeletionRequest.objects.filter(resident__user=user).order_by("-requested_at", "-id")


def has_open_deletion_request(*, user) -> bool:
    return DeletionRequest.objects.filter(resident__user=user, status=DeletionStatus.OPEN).exists()
