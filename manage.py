#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    # A checkout with no configuration at all is a developer's machine: run as development
    # (SQLite, DEBUG). Any deployment sets a secret key, and then DEBUG stays off unless asked.
    if not any(os.environ.get(name) for name in ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY_FILE", "DATABASE_URL")):
        os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
