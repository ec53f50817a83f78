from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from agencies import demo as agency_demo
from agencies import services as agency_services
from evaluations import demo as evaluation_demo
from meetings import demo as meeting_demo

DEFAULT_DEMO_PASSWORD = "donghaeng-demo-2024"  # noqa: S105 -- documented demo password


class Command(BaseCommand):
    help = (
        "Load the demo institutions, bureaus, accounts, joint projects with reports in "
        "every state, this year's regular meetings and the 2024 field dialogues. Safe to run "
        "again: it updates what is there instead of adding twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_DEMO_PASSWORD,
            help=f"Password for every demo account (default: {DEFAULT_DEMO_PASSWORD}).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even with DEBUG off. Demo accounts with a known password on a live "
            "site are a risk: use only on a staging copy.",
        )

    def handle(self, *args, password: str, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like a real deployment. Demo accounts share one "
                "known password. Run with --force only on a staging copy."
            )
        if len(password) < 8:
            raise CommandError("The demo password must be at least 8 characters long.")
        with transaction.atomic():
            bureaus = agency_services.bureaus_load()
            institutions = agency_services.institutions_load(bureaus=bureaus)
            accounts = agency_services.demo_accounts_ensure(
                password=password, institutions=institutions
            )
            projects = agency_demo.demo_projects_ensure(institutions=institutions)
            meetings = meeting_demo.demo_meetings_ensure(institutions=institutions)
            evaluation_demo.demo_best_practices_ensure(institutions=institutions)
            evaluations = evaluation_demo.demo_campaigns_ensure(institutions=institutions)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(bureaus)} bureaus, {len(institutions)} institutions, "
                f"{len(accounts)} demo accounts."
            )
        )
        by_state = ", ".join(
            f"{count} {state}" for state, count in projects.reports_by_state.items()
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(projects.projects)} joint projects ({projects.added} added this run), "
                f"{sum(projects.reports_by_state.values())} reports ({by_state}); "
                f"{projects.walked} of them walked through the workflow this run."
            )
        )
        series = meetings.series
        self.stdout.write(
            self.style.SUCCESS(
                f"{series.year} regular meetings: {len(series.created)} created this run, "
                f"{series.invitations_added} invitations added; "
                f"{len(meetings.field_dialogues)} field dialogues of 2024; "
                f"{meetings.held} past meetings marked held this run."
            )
        )
        self.stdout.write(
            self.style.SUCCESS(
                "Evaluations: "
                + ", ".join(f"{c.slug} ({c.get_status_display()})" for c in evaluations.campaigns)
                + f"; {evaluations.responses_added} responses added this run."
            )
        )
        self.stdout.write(f"Every demo account's password: {password}")
        width = max(len(account.username) for account in accounts)
        for account in accounts:
            self.stdout.write(
                f"  {account.username:<{width}}  {account.role}  {account.institution}"
            )
