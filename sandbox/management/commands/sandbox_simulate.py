import time

from django.core.management.base import BaseCommand

from sandbox.simulation import simulate_step


class Command(BaseCommand):
    help = "Run respondent simulation steps in this process (without Celery)."

    def add_arguments(self, parser):
        parser.add_argument("--steps", type=int, default=1)
        parser.add_argument("--interval", type=float, default=0.0, help="Seconds between steps.")

    def handle(self, *args, **options):
        for step in range(options["steps"]):
            summary = simulate_step()
            completes = sum(r["completes"] for r in summary["target_groups"].values())
            self.stdout.write(
                f"step {step + 1}: {len(summary['target_groups'])} live target groups, {completes} completes, "
                f"{len(summary['completed'])} completed, {summary.get('webhooks_sent', 0)} webhooks sent"
            )
            if options["interval"] and step + 1 < options["steps"]:
                time.sleep(options["interval"])
