"""What linli/tests/test_access_control.py needs to check the insights endpoints: a dashboard
is an org node; side "a"'s is 康平社区, side "b"'s is 溡源社区."""

from __future__ import annotations

REGISTRY = {
    "insights_node_id": lambda w, s: w.community(s).pk,
}
