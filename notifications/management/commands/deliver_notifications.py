import time

from django.core.management.base import BaseCommand, CommandError

from notifications import services


class Command(BaseCommand):
    help = (
        "Send the notifications that are due (the embedded mode has no beat: run this from "
        "cron every minute, or with --loop). With --plan, re-plan upcoming meetings' reminders "
        "and this week's digest first. Safe to run twice at once: each notification is sent "
        "once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--plan",
            action="store_true",
            help="Re-plan meeting notifications and this week's digest before sending.",
        )
        parser.add_argument(
            "--loop",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Keep running, every SECONDS (at least 10), until interrupted.",
        )

    def handle(self, *args, plan: bool, loop: int, **options):
        if loop and loop < 10:
            raise CommandError("--loop must be at least 10 seconds.")
        while True:
            if plan:
                planned = services.meetings_notifications_plan()
                planned += services.weekly_digest_plan()
                self.stdout.write(
                    f"planned: {planned.created} created, {planned.updated} updated, "
                    f"{planned.dropped} dropped"
                )
            outcome = services.notifications_deliver_due()
            self.stdout.write(
                self.style.SUCCESS(f"delivered: {outcome.sent} sent, {outcome.failed} failed")
            )
            if not loop:
                return
            time.sleep(loop)
