"""Django admin for evaluations."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from agencies import uploads
from evaluations.models import BestPractice, BestPracticeAttachment
from evaluations.services import (
    BestPracticeError,
    best_practice_check_links,
    practice_attachment_storage_name,
)

# --- Questionnaires & campaign management (E1) ------------------------------------------------


# --- Public survey (E1b) ----------------------------------------------------------------------


# --- Scoring & lifecycle (E2a) ----------------------------------------------------------------


# --- Results & appeals (E2b) ------------------------------------------------------------------


# --- Best practices (E3) ----------------------------------------------------------------------


class BestPracticeAttachmentInlineForm(forms.ModelForm):
    """A file added in the admin passes the same checks as one added on the staff pages
    (``agencies.uploads``) and is stored under a server-made name."""

    class Meta:
        model = BestPracticeAttachment
        fields = ["file"]

    _inspected: uploads.InspectedUpload | None = None

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            try:
                self._inspected = uploads.inspect_upload(upload)
            except uploads.UploadRejected as rejected:
                raise ValidationError(str(rejected), code="upload_rejected") from rejected
            upload.name = practice_attachment_storage_name(self._inspected.extension)
        return upload

    def save(self, commit=True):
        if self._inspected is not None:
            self.instance.original_name = self._inspected.original_name
            self.instance.content_type = self._inspected.content_type
            self.instance.size = self._inspected.size
        return super().save(commit=commit)


class BestPracticeAttachmentInline(admin.TabularInline):
    model = BestPracticeAttachment
    form = BestPracticeAttachmentInlineForm
    fields = ["file", "original_name", "content_type", "size", "uploaded_at"]
    readonly_fields = ["original_name", "content_type", "size", "uploaded_at"]
    extra = 1


class BestPracticeAdminForm(forms.ModelForm):
    """The admin keeps the services' rules on linked projects and the selecting campaign."""

    class Meta:
        model = BestPractice
        fields = [
            "title",
            "summary",
            "body",
            "area",
            "institution",
            "campaign",
            "year",
            "joint_projects",
            "is_published",
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("institution") is None or cleaned.get("year") is None:
            return cleaned
        try:
            best_practice_check_links(
                institution=cleaned["institution"],
                year=cleaned["year"],
                campaign=cleaned.get("campaign"),
                joint_projects=cleaned.get("joint_projects") or [],
            )
        except BestPracticeError as error:
            field = error.code if error.code in ("joint_projects", "campaign") else None
            self.add_error(field, error.message)
        return cleaned


@admin.register(BestPractice)
class BestPracticeAdmin(admin.ModelAdmin):
    form = BestPracticeAdminForm
    list_display = ["title", "institution", "year", "area", "is_published"]
    list_filter = ["is_published", "area", "year"]
    search_fields = ["title", "summary", "institution__name_ko", "institution__code"]
    autocomplete_fields = ["institution", "joint_projects"]
    list_select_related = ["institution"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [BestPracticeAttachmentInline]
