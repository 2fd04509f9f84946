"""The open application form takes a few posts per address (linli/throttles.py)."""

import pytest
from django.test import Client, override_settings
from django.utils.translation import gettext

pytestmark = pytest.mark.django_db


@override_settings(LINLI_PUBLIC_FORM_RATE="2/h")
def test_the_open_application_form_takes_a_few_posts_per_address(pw):
    url = f"/c/partners/calls/{pw.call_a.pk}/apply/"
    client = Client(REMOTE_ADDR="10.0.0.9")
    # Incomplete posts count too: the limit is on posting, whatever is posted.
    assert [client.post(url, {"name": ""}).status_code for _ in range(2)] == [422, 422]
    refused = client.post(url, {"name": ""})
    assert refused.status_code == 429
    assert gettext("Too many submissions from your network. Please try again in an hour.") in refused.content.decode()
    assert client.get(url).status_code == 200  # reading the form is never limited
    assert Client(REMOTE_ADDR="10.0.0.10").post(url, {"name": ""}).status_code == 422
