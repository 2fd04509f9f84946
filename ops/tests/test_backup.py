"""Back up a running instance with data from several apps; restore into an empty one; find it all.

Source and destination are scratch instances (ops/tests/instances.py) driven through
``manage.py`` in subprocesses, as an operator would: on SQLite temporary files, on PostgreSQL
scratch databases ``linli_ops_restore_<random>_…`` dropped afterwards.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile

from ops.instances import BASE, scratch_instances, suite_vendor


def test_backup_and_restore_into_an_empty_instance(tmp_path, templates):
    """On the suite's database: temporary SQLite files, or scratch PostgreSQL databases."""
    vendor = suite_vendor()
    template = templates.get(vendor)
    with scratch_instances(tmp_path, vendor, "src+", "dst", prefix="linli_ops_restore", migrated_from=template) as (
        src,
        dst,
    ):
        made = json.loads(src.run("-m", "ops.tests.seed", "seed").stdout.strip().splitlines()[-1])

        # The app keeps writing (donations to community B's fund, each a ledger posting) while
        # the backup runs: the restore's check against the manifest shows the copy is of one moment.
        writer = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "ops.tests.seed", "write", "8"],
            cwd=BASE,
            env=src.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        if writer.stdout.readline().strip() != "writing":
            raise AssertionError(writer.communicate(timeout=60)[1][-2000:])
        out = src.manage("backup", str(tmp_path / "backups")).stdout
        written, errors = writer.communicate(timeout=120)
        assert writer.returncode == 0, errors
        assert int(written.strip().splitlines()[-1]) > 0
        archive = tmp_path / "backups" / out.splitlines()[0].rsplit("/", 1)[-1]
        with tarfile.open(archive) as tar:
            names = tar.getnames()
            manifest = json.load(tar.extractfile("manifest.json"))
        assert manifest["vendor"] == vendor
        assert manifest["tables"]["catalog_order"] == 1
        assert manifest["tables"]["ledger_transaction"] >= made["transactions"]
        assert max(b["head_seq"] for b in manifest["ledger_books"]) > 0
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
