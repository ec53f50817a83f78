from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _results_changed(**kwargs) -> None:
    """Cached public results (``selectors.published_campaign``) are stale: bump their version
    now, and again once the transaction commits, so a request that read the old rows in the
    meantime cannot keep them cached under the new version."""
    from evaluations.selectors import RESULTS_CONTENT
    from portal.content_cache import bump_content_version

    bump_content_version(RESULTS_CONTENT)
    transaction.on_commit(lambda: bump_content_version(RESULTS_CONTENT))


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("평가와 보상")

    def ready(self) -> None:
        # Publication, a new snapshot, and admin edits all go through save/delete.
        for model_name in ("Campaign", "ScoreSnapshot", "InstitutionScore"):
            model = self.get_model(model_name)
            for signal in (post_save, post_delete):
                signal.connect(
                    _results_changed,
                    sender=model,
                    dispatch_uid=f"evaluation-results-{model_name}-{id(signal)}",
                )
