"""Every write of the jobs app: workshops (``workshops``) and gig jobs (``gigs``)."""

from jobs.services.gigs import (
    fair_add_job,
    fair_create,
    fairs_schedule_weekly,
    job_application_decide,
    job_apply,
    job_close,
    job_post,
    seeker_profile_save,
)
from jobs.services.workshops import (
    income_record,
    rate_add,
    statement_issue,
    statements_issue_for_period,
    work_record_enter,
    worker_add,
    workshop_create,
)

__all__ = [
    "fair_add_job",
    "fair_create",
    "fairs_schedule_weekly",
    "income_record",
    "job_application_decide",
    "job_apply",
    "job_close",
    "job_post",
    "rate_add",
    "seeker_profile_save",
    "statement_issue",
    "statements_issue_for_period",
    "work_record_enter",
    "worker_add",
    "workshop_create",
]
