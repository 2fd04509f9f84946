"""Exit 0 if the PostgreSQL server behind the given URL accepts connections, 1 otherwise."""

import sys

import psycopg

url = sys.argv[1]
# Connect to the maintenance database: the test database does not exist yet.
base, _, _name = url.rpartition("/")
try:
    with psycopg.connect(f"{base}/postgres", connect_timeout=3):
        pass
except Exception:
    sys.exit(1)
sys.exit(0)
