import time

from django.core.management.base import BaseCommand

from citygen.generate import PRESETS, build_city


class Command(BaseCommand):
    help = "Build a synthetic city (first slice: org tree and residents)."

    def add_arguments(self, parser):
        parser.add_argument("--communities", type=int, default=4)
        parser.add_argument("--months", type=int, default=12, help="Not used yet.")
        parser.add_argument("--preset", choices=sorted(PRESETS), default="ci")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **opts):
        start = time.perf_counter()
        r = build_city(communities=opts["communities"], preset=opts["preset"], seed=opts["seed"])
        took = time.perf_counter() - start
        self.stdout.write(f"{r.nodes} nodes, {r.communities} communities, {r.residents} residents in {took:.1f} s")
