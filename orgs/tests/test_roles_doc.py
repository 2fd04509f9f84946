"""The access model document lists every capability the code defines, and the roles that hold it."""

import re
from pathlib import Path

from django.conf import settings

from orgs.roles import ROLE_CAPS, Cap

DOC = Path(settings.BASE_DIR) / "docs" / "access-model.md"


def test_every_capability_is_documented():
    defined = {v for k, v in vars(Cap).items() if k.isupper()}
    documented = set(re.findall(r"^\| `([a-z._]+)` \|", DOC.read_text(encoding="utf-8"), re.M))
    assert defined - documented == set(), "add these capabilities to docs/access-model.md"
    assert documented - defined == set(), "docs/access-model.md lists capabilities the code lacks"
    assert set().union(*ROLE_CAPS.values()) <= defined
