"""Demo data for insights: the rollups of everything the other apps' demos wrote (loaded last)."""

from insights.services import rollups


def load_demo(stdout=None) -> None:
    rows = rollups.rebuild()
    if stdout is not None:
        stdout.write(f"insights: {rows} figure rollups")
