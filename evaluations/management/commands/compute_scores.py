from django.core.management.base import BaseCommand, CommandError

from evaluations.models import Campaign
from evaluations.scoring import ScoringError, compute_scores, current_snapshot


class Command(BaseCommand):
    help = (
        "Compute a closed campaign's scores now (the same service the closing task runs) and "
        "print the ranking. Safe to run again: unchanged data keeps the current snapshot."
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="The campaign's slug.")

    def handle(self, *args, campaign: str, **options):
        try:
            found = Campaign.objects.get(slug=campaign)
        except Campaign.DoesNotExist:
            raise CommandError(f"No campaign with the slug {campaign!r}.") from None
        before = current_snapshot(found)
        try:
            snapshot = compute_scores(campaign=found)
        except ScoringError as error:
            raise CommandError(str(error.message)) from None
        scores = snapshot.scores.select_related("institution").order_by(
            "rank", "institution__code"
        )
        for score in scores:
            rank = score.rank if score.rank is not None else "-"
            note = " (insufficient sample)" if score.insufficient_sample else ""
            tier = f" incentive tier {score.incentive_tier}" if score.incentive_tier else ""
            self.stdout.write(
                f"  {rank!s:>3}  {score.institution.code:<10} composite {score.composite}  "
                f"grade {score.grade or '-'}  citizens n={score.citizen_n}{note}{tier}"
            )
        if before is not None and before.pk == snapshot.pk:
            outcome = "unchanged: the current snapshot was kept"
        else:
            outcome = "a new snapshot is now current"
        self.stdout.write(
            self.style.SUCCESS(
                f"{found.slug}: {scores.count()} institutions scored; {outcome} "
                f"(#{snapshot.pk}, hash {snapshot.content_hash[:12]})."
            )
        )
