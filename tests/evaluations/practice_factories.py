"""Builders for best practices (우수사례) and the pages' helpers to read them back."""

from __future__ import annotations

import re
from html import unescape

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from evaluations.models import BestPractice, BestPracticeAttachment, InnovationArea
from tests.factories import InstitutionFactory

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


class BestPracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BestPractice
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"시험 우수사례 {n}")
    summary = "시민 제안을 한 달 안에 반영했습니다."
    area = InnovationArea.SERVICE
    institution = factory.SubFactory(InstitutionFactory)
    year = 2024
    is_published = True


def attachment_of(practice: BestPractice, name: str = "사례 발표.pdf") -> BestPracticeAttachment:
    """A stored PDF attached to ``practice`` without the service (for read-side tests)."""
    attachment = BestPracticeAttachment(
        practice=practice, original_name=name, content_type="application/pdf", size=len(PDF)
    )
    attachment.file.save("fixture.pdf", SimpleUploadedFile("fixture.pdf", PDF), save=False)
    attachment.save()
    return attachment


_PRACTICE_TITLE = re.compile(
    r'<h2 class="project-card__title"[^>]*>\s*<a href="/evaluations/practices/\d+/">'
    r"(?P<title>[^<]+)</a>"
)


def listed_practices(html: str) -> list[str]:
    """Titles of the best practices in the list's results, in page order."""
    return [unescape(match["title"]) for match in _PRACTICE_TITLE.finditer(html)]
