"""``accounts.sessions``: Django's database sessions with the read compiled once — the same
answers as Django's own store, an expired or unknown session refused, the log-in kept."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_engine_is_in_use():
    assert settings.SESSION_ENGINE == "accounts.sessions"


def test_reads_what_was_saved_and_what_djangos_store_reads():
    store = SessionStore()
    store["who"] = "张丽君"
    store.create()
    again = SessionStore(session_key=store.session_key)
    assert again["who"] == "张丽君"
    assert again.load() == DjangoStore(session_key=store.session_key).load()


def test_an_expired_or_unknown_session_is_empty_and_forgets_its_key():
    store = SessionStore()
    store["who"] = "x"
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    expired = SessionStore(session_key=store.session_key)
    assert expired.load() == {} and expired.session_key is None
    assert DjangoStore(session_key=store.session_key).load() == {}  # as Django's own store
    unknown = SessionStore(session_key="x" * 32)
    assert unknown.load() == {} and unknown.session_key is None


def test_a_logged_in_page_keeps_working(client, world):
    client.force_login(world.user("resident_a"))
    assert client.get("/me/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    r = client.get("/me/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
