"""Settings for the benchmark's bare view: the project's settings with no middleware and a
URLconf of one view, so the comparison measures what the full stack adds."""

from linli.settings import *  # noqa: F403

MIDDLEWARE: list[str] = []
ROOT_URLCONF = "catalog.bench.urls_bare"
