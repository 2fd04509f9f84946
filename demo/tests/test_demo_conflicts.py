"""The demo refuses to run where it could do harm, and then writes nothing: on a database whose
accounts already use its login names, and with DEBUG off (its logins share a public password).

Kept apart from test_demo.py, whose tests share one demo world for the whole module.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from accounts.services import user_create
from orgs.models import OrgNode
from residents.models import Resident, VulnerableTag


def run_demo(*args: str) -> None:
    with override_settings(DEBUG=True):
        call_command("demo", "--small", *args, stdout=io.StringIO())


@pytest.mark.django_db
def test_without_debug_the_command_refuses_unless_forced():
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        call_command("demo", "--small", stdout=io.StringIO())
    assert not OrgNode.objects.exists()
    call_command("demo", "--small", "--force", stdout=io.StringIO())
    assert OrgNode.objects.filter(name="康平社区").exists()


@pytest.mark.django_db
def test_taken_demo_username_stops_the_command_before_writing():
    user_create(username="admin", password=None)
    with pytest.raises(CommandError, match="admin"):
        run_demo()
    assert not OrgNode.objects.exists()
    assert not Resident.objects.exists()
    assert VulnerableTag.objects.exists()  # the migration's tags are untouched


@pytest.mark.django_db
def test_taken_demo_phone_stops_the_command():
    user_create(username="someone", password=None, phone="13953300082")
    with pytest.raises(CommandError, match="13953300082"):
        run_demo()
    assert not OrgNode.objects.exists()
