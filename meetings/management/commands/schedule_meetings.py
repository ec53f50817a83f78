from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from meetings.services import meeting_series_schedule


class Command(BaseCommand):
    help = (
        "Create a year's regular meetings (heads in even months, deputy heads in odd months) "
        "and invite every active institution. Safe to run again: it changes nothing the "
        "second time, and never moves a meeting that was moved by hand."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            type=int,
            default=None,
            help="The year to schedule (default: this year, Asia/Seoul).",
        )

    def handle(self, *args, year: int | None, **options):
        if year is None:
            year = timezone.localdate().year
        if not 2000 <= year <= 2100:
            raise CommandError("--year must be between 2000 and 2100.")
        outcome = meeting_series_schedule(year=year)
        for label, meetings in (
            ("created", outcome.created),
            ("moved back onto the rule", outcome.rescheduled),
            ("left alone (moved by hand)", outcome.kept_by_hand),
        ):
            for meeting in meetings:
                start = timezone.localtime(meeting.starts_at)
                self.stdout.write(f"  {label}: {start:%Y-%m-%d %a %H:%M}  {meeting.title}")
        for month, institutions in outcome.seats_empty.items():
            names = ", ".join(institution.name_ko for institution in institutions)
            self.stdout.write(
                self.style.WARNING(f"  {year}-{month:02d}: nobody to invite from {names}")
            )
        summary = (
            f"{year}: {len(outcome.created)} created, {len(outcome.rescheduled)} rescheduled, "
            f"{len(outcome.kept_by_hand)} moved by hand and kept, "
            f"{len(outcome.unchanged)} unchanged; {outcome.invitations_added} invitations added."
        )
        self.stdout.write(self.style.SUCCESS(summary))
