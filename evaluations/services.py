"""Every action that changes evaluation state (see CONVENTIONS.md: keyword-only, typed, one
transaction, a domain error the view turns into a message)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from agencies import uploads
from agencies.models import Institution, JointProject, User
from evaluations import permissions
from evaluations.models import BestPractice, BestPracticeAttachment, Campaign

# --- Questionnaires & campaign management (E1) ------------------------------------------------


# --- Public survey (E1b) ----------------------------------------------------------------------


# --- Scoring & lifecycle (E2a) ----------------------------------------------------------------


# --- Results & appeals (E2b) ------------------------------------------------------------------


# --- Best practices (E3) ----------------------------------------------------------------------


class BestPracticeError(Exception):
    """A change to a best practice that is refused. ``message`` is for the user (Korean
    source, translated); ``code`` tells views and tests which rule refused it."""

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


def _refuse_unless_manager(by: User) -> None:
    if not permissions.can_manage_practices(by):
        raise BestPracticeError(_("우수사례는 시 직원만 쓰고 고칠 수 있습니다."), code="forbidden")


def _checked_projects(
    *, institution: Institution, joint_projects: Iterable[JointProject]
) -> list[JointProject]:
    """Linked projects must be ones the institution leads or partners in."""
    projects = list(joint_projects)
    partnered = JointProject.partner_institutions.through.objects.filter(
        institution=institution
    ).values("jointproject_id")
    involved = set(
        JointProject.objects.filter(pk__in=[project.pk for project in projects])
        .filter(Q(lead_institution=institution) | Q(pk__in=partnered))
        .values_list("pk", flat=True)
    )
    strangers = [project.title for project in projects if project.pk not in involved]
    if strangers:
        raise BestPracticeError(
            _("%(institution)s이(가) 주관하거나 협력하지 않는 사업은 연결할 수 없습니다: "
              "%(titles)s")
            % {"institution": institution.name_ko, "titles": ", ".join(strangers)},
            code="joint_projects",
        )
    return projects


def _checked_campaign(*, campaign: Campaign | None, year: int) -> None:
    """A selecting campaign must be of the practice's year."""
    if campaign is not None and campaign.year != year:
        raise BestPracticeError(
            _("선정 평가의 연도(%(campaign_year)s)와 우수사례의 연도가 다릅니다.")
            % {"campaign_year": campaign.year},
            code="campaign",
        )


def best_practice_check_links(
    *,
    institution: Institution,
    year: int,
    campaign: Campaign | None,
    joint_projects: Iterable[JointProject],
) -> None:
    """The rules on what a best practice links to, for forms that write it directly (the
    admin): raise ``BestPracticeError`` as the create and update services would."""
    _checked_projects(institution=institution, joint_projects=joint_projects)
    _checked_campaign(campaign=campaign, year=year)


@transaction.atomic
def best_practice_create(
    *,
    by: User,
    title: str,
    summary: str,
    area: str,
    institution: Institution,
    year: int,
    body: str = "",
    campaign: Campaign | None = None,
    joint_projects: Iterable[JointProject] = (),
    is_published: bool = False,
) -> BestPractice:
    """Write a best practice of ``institution``. City staff only; linked joint projects must
    be the institution's own (led or partnered), a selecting campaign of the same year."""
    _refuse_unless_manager(by)
    projects = _checked_projects(institution=institution, joint_projects=joint_projects)
    _checked_campaign(campaign=campaign, year=year)
    practice = BestPractice.objects.create(
        title=title.strip(),
        summary=summary.strip(),
        body=body.strip(),
        area=area,
        institution=institution,
        year=year,
        campaign=campaign,
        is_published=is_published,
    )
    practice.joint_projects.set(projects)
    return practice


@transaction.atomic
def best_practice_update(
    *,
    practice: BestPractice,
    by: User,
    title: str,
    summary: str,
    area: str,
    institution: Institution,
    year: int,
    body: str = "",
    campaign: Campaign | None = None,
    joint_projects: Iterable[JointProject] = (),
    is_published: bool = False,
) -> BestPractice:
    """Change every field of a best practice at once (the edit form sends them all), with the
    same rules as ``best_practice_create``."""
    _refuse_unless_manager(by)
    projects = _checked_projects(institution=institution, joint_projects=joint_projects)
    _checked_campaign(campaign=campaign, year=year)
    practice = BestPractice.objects.select_for_update().get(pk=practice.pk)
    practice.title = title.strip()
    practice.summary = summary.strip()
    practice.body = body.strip()
    practice.area = area
    practice.institution = institution
    practice.year = year
    practice.campaign = campaign
    practice.is_published = is_published
    practice.save()
    practice.joint_projects.set(projects)
    return practice


def practice_attachment_storage_name(extension: str) -> str:
    """A server-made name: the uploaded name never reaches the file system."""
    return f"{uuid.uuid4().hex}.{extension}"


@transaction.atomic
def best_practice_attachment_add(
    *, practice: BestPractice, by: User, upload
) -> BestPracticeAttachment:
    """Check an uploaded file (``agencies.uploads``: type by name and content, size cap) and
    attach it under a server-made name. A refused file stores nothing."""
    _refuse_unless_manager(by)
    try:
        inspected = uploads.inspect_upload(upload)
    except uploads.UploadRejected as rejected:
        raise BestPracticeError(str(rejected), code="upload_rejected") from rejected
    attachment = BestPracticeAttachment(
        practice=practice,
        original_name=inspected.original_name,
        content_type=inspected.content_type,
        size=inspected.size,
    )
    attachment.file.save(
        practice_attachment_storage_name(inspected.extension), upload, save=False
    )
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def best_practice_attachment_remove(*, attachment: BestPracticeAttachment, by: User) -> None:
    """Take a file off a best practice; the stored file is deleted once the removal commits."""
    _refuse_unless_manager(by)
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
