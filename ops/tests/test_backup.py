"""Back up a running instance with data from several apps; restore into an empty one; find it all.

Source and destination are scratch instances (ops/tests/instances.py) driven through
``manage.py`` in subprocesses, as an operator would: on SQLite temporary files, on PostgreSQL
scratch databases ``linli_ops_restore_<random>_…`` dropped afterwards.
"""

from __future__ import annotations

import json
import tarfile

from ops.instances import scratch_instances, suite_vendor


def test_backup_and_restore_into_an_empty_instance(tmp_path, templates):
    """On the suite's database: temporary SQLite files, or scratch PostgreSQL databases."""
    vendor = suite_vendor()
    template = templates.get(vendor)
    with scratch_instances(tmp_path, vendor, "src+", "dst", prefix="linli_ops_restore", migrated_from=template) as (
        src,
        dst,
    ):
        made = json.loads(src.run("-m", "ops.tests.seed", "seed").stdout.strip().splitlines()[-1])

        out = src.manage("backup", str(tmp_path / "backups")).stdout
        archive = tmp_path / "backups" / out.splitlines()[0].rsplit("/", 1)[-1]
        with tarfile.open(archive) as tar:
            names = tar.getnames()
            manifest = json.load(tar.extractfile("manifest.json"))
        assert manifest["vendor"] == vendor
        assert manifest["tables"]["catalog_order"] == 1
        assert manifest["tables"]["ledger_transaction"] == made["transactions"]
        assert manifest["ledger_books"] and all(b["head_seq"] > 0 for b in manifest["ledger_books"])
        # The fund's invoice (MEDIA_ROOT) and the snapshot photo (private storage) are in it.
        assert f"files/media/{made['payment'][3]}" in names
        assert f"files/private/{made['report'][1]}" in names

        restored = dst.manage("restore", str(archive)).stdout
        assert "restored and verified" in restored
        dst.run("-m", "ops.tests.seed", "check", json.dumps(made))

        # A database with tables is not overwritten by mistake…
        again = dst.manage("restore", str(archive), check=False)
        assert again.returncode != 0
        assert "not empty" in again.stderr
        # …only on purpose.
        assert "restored and verified" in dst.manage("restore", str(archive), "--force").stdout
        dst.run("-m", "ops.tests.seed", "check", json.dumps(made))
