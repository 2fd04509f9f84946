"""SIGKILL the server in the middle of bursts of orders, payments and disbursements.

Runs ``manage.py fault_run`` (ops/faults.py) against a scratch copy of a migrated database of the
suite's kind — SQLite on the SQLite run, PostgreSQL on the PostgreSQL run — with gunicorn and
2 workers, and demands that nothing acknowledged is lost, nothing is half-written and every
ledger book verifies after each kill and after the client's retries. Bounded: 3 bursts of 2 s.
"""

from __future__ import annotations

import json

from ops.instances import scratch_instances, suite_vendor


def test_sigkill_mid_burst_loses_nothing(tmp_path, templates, capsys):
    vendor = suite_vendor()
    with scratch_instances(tmp_path, vendor, "faults+", migrated_from=templates.get(vendor)) as (instance,):
        result = instance.manage("fault_run", "--bursts", "3", "--seconds", "2", check=False, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    with capsys.disabled():
        print(f"\nfault run: {json.dumps(figures)}")
    assert figures["vendor"] == vendor
    assert figures["lost"] == 0
    assert figures["processes_killed"] >= 3 * 3  # master and 2 workers, each round
    # The kill landed inside the bursts: some answers were acknowledged, some never came.
    assert figures["acknowledged"] > 0
    assert figures["killed_mid_flight"] > 0
