from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

# The namespace of cached public fragments that show institutions and bureaus.
INSTITUTIONS_CONTENT = "institutions"


def _institutions_changed(**kwargs) -> None:
    from portal.content_cache import bump_content_version

    bump_content_version(INSTITUTIONS_CONTENT)


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = _("기관과 사람")

    def ready(self) -> None:
        # Admin edits and services alike go through save/delete, so signals catch them all.
        for model_name in ("Institution", "Bureau", "PredecessorBody"):
            model = self.get_model(model_name)
            for signal in (post_save, post_delete):
                signal.connect(
                    _institutions_changed,
                    sender=model,
                    dispatch_uid=f"institutions-content-{model_name}-{id(signal)}",
                )
