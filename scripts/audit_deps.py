"""Check the pinned dependencies (requirements.lock) against PyPI's vulnerability data.

Fails (exit 1) when any pinned version has a known vulnerability. pip-audit asks PyPI's JSON
API; a version the service does not know (a private mirror's build, or a service out of reach)
cannot be audited, and this script says how many were — it does not pretend they were checked.
"""

from __future__ import annotations

import json
import subprocess  # nosec B404
import sys
from pathlib import Path

LOCK = Path(__file__).resolve().parent.parent / "requirements.lock"


def main() -> int:
    audit = Path(sys.executable).with_name("pip-audit")
    cmd = [str(audit), "-r", str(LOCK), "--no-deps", "--disable-pip", "--progress-spinner", "off", "-f", "json"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)  # nosec B603
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        print("pip-audit could not reach its vulnerability service; dependencies NOT audited:")
        print(proc.stderr.strip()[-2000:])
        return 0
    deps = report.get("dependencies", [])
    vulnerable = [d for d in deps if d.get("vulns")]
    skipped = [d for d in deps if d.get("skip_reason")]
    audited = len(deps) - len(skipped)
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
            print(f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})")
    print(
        f"pip-audit: {audited} of {len(deps)} pinned packages audited, {len(vulnerable)} vulnerable; "
        f"{len(skipped)} unknown to the vulnerability service (not audited)"
    )
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
