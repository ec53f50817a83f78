from django.contrib import admin

from meetings.models import (
    ActionItem,
    ActionItemUpdate,
    CalendarFeed,
    Decision,
    DifficultyHeard,
    DiscussionTopic,
    FieldDialogueAttendee,
    Invitation,
    Meeting,
    MeetingKind,
    Minutes,
)
from meetings.services import field_dialogue_attendees_fill
from notifications.services import meeting_notifications_plan


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    autocomplete_fields = ["user", "institution"]
    fields = ["user", "institution", "rsvp", "delegate_name", "attended"]


class FieldDialogueAttendeeInline(admin.TabularInline):
    """A field dialogue's attendees by role; the four the programme names are filled in when
    the dialogue is saved (``meetings.services.field_dialogue_attendees_fill``)."""

    model = FieldDialogueAttendee
    extra = 0
    autocomplete_fields = ["user", "institution", "bureau"]
    fields = ["position", "role", "name", "user", "institution", "bureau"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "starts_at", "place", "status", "moved_by_hand"]
    list_filter = ["kind", "status", "series_year", "moved_by_hand"]
    search_fields = ["title", "place", "host", "visited_institution__name_ko"]
    date_hierarchy = "starts_at"
    readonly_fields = ["series_year", "series_month"]
    fields = [
        "kind", "title", "visited_institution", "starts_at", "ends_at", "place", "host",
        "status", "description", "topics_deadline", "reminder_days_before",
        "series_year", "series_month", "moved_by_hand",
    ]
    autocomplete_fields = ["visited_institution"]
    inlines = [InvitationInline, FieldDialogueAttendeeInline]

    def save_model(self, request, obj, form, change):
        # A series meeting moved here is the city's decision: the series must keep it.
        if change and obj.is_series_meeting and {"starts_at", "ends_at"} & set(form.changed_data):
            obj.moved_by_hand = True
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the inline rows, so a role someone entered by hand is kept as entered.
        if form.instance.kind == MeetingKind.FIELD_DIALOGUE:
            field_dialogue_attendees_fill(meeting=form.instance)
        # After the invitations: moved, cancelled or newly invited, the reminders follow.
        meeting_notifications_plan(meeting=form.instance)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["meeting", "institution", "user", "rsvp", "delegate_name", "attended"]
    list_filter = ["rsvp", "attended", "meeting__kind"]
    search_fields = ["meeting__title", "institution__name_ko", "user__name", "user__username"]
    list_select_related = ["meeting", "institution", "user"]
    autocomplete_fields = ["meeting", "user", "institution"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        meeting_notifications_plan(meeting=obj.meeting)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Administrators revoke a feed by setting its revoked time; they never see the token
    in a list."""

    list_display = ["user", "created_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "user__name"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    fields = ["user", "token", "revoked_at"]
    readonly_fields = ["token"]

    def has_add_permission(self, request):
        return False  # feeds are issued by their owners (meetings.services.calendar_feed_issue)


@admin.register(DifficultyHeard)
class DifficultyHeardAdmin(admin.ModelAdmin):
    list_display = ["__str__", "meeting", "recorded_at"]
    list_filter = ["meeting__visited_institution"]
    search_fields = ["text", "meeting__title", "meeting__visited_institution__name_ko"]
    list_select_related = ["meeting"]
    autocomplete_fields = ["meeting"]
    fields = ["meeting", "text", "recorded_by", "recorded_at"]
    readonly_fields = ["recorded_by", "recorded_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


class ActionItemUpdateInline(admin.TabularInline):
    """The timeline is written by ``meetings.services.action_item_update`` only."""

    model = ActionItemUpdate
    extra = 0
    fields = ["at", "by", "from_status", "to_status", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["__str__", "owner_institution", "owner_bureau", "due_on", "status"]
    list_filter = ["status", "owner_institution", "owner_bureau"]
    search_fields = ["description", "outcome_summary", "owner_institution__name_ko"]
    list_select_related = ["owner_institution", "owner_bureau"]
    autocomplete_fields = [
        "difficulty", "meeting", "decision", "owner_institution", "owner_bureau"
    ]
    fields = [
        "description", "difficulty", "meeting", "decision", "owner_institution",
        "owner_bureau", "due_on", "status", "outcome_summary", "created_at", "updated_at",
    ]
    readonly_fields = ["status", "created_at", "updated_at"]
    inlines = [ActionItemUpdateInline]

    def has_add_permission(self, request):
        # Opened by ``meetings.services.action_item_create`` (city staff's page), so that
        # the timeline starts with the opening.
        return False


@admin.register(ActionItemUpdate)
class ActionItemUpdateAdmin(admin.ModelAdmin):
    """Read-only history of action items."""

    list_display = ["item", "at", "by", "from_status", "to_status"]
    list_filter = ["to_status"]
    search_fields = ["item__description", "note"]
    list_select_related = ["item", "by"]
    fields = ["item", "at", "by", "from_status", "to_status", "note"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DiscussionTopic)
class DiscussionTopicAdmin(admin.ModelAdmin):
    """Proposals and the agenda. The curation page (city staff) keeps the agenda's order
    dense; here the database's constraints refuse an inconsistent row."""

    list_display = ["title", "meeting", "institution", "status", "agenda_position"]
    list_filter = ["status", "meeting__kind"]
    search_fields = ["title", "background", "meeting__title", "institution__name_ko"]
    list_select_related = ["meeting", "institution"]
    autocomplete_fields = ["meeting", "institution", "merged_into"]
    fields = [
        "meeting", "institution", "title", "background", "request", "status", "merged_into",
        "decline_reason", "agenda_position", "proposed_by", "decided_by", "decided_at",
        "created_at", "updated_at",
    ]
    readonly_fields = ["proposed_by", "decided_by", "decided_at", "created_at", "updated_at"]


@admin.register(Minutes)
class MinutesAdmin(admin.ModelAdmin):
    list_display = ["meeting", "published_at", "updated_at"]
    list_filter = ["published_at"]
    search_fields = ["meeting__title", "summary"]
    list_select_related = ["meeting"]
    autocomplete_fields = ["meeting"]
    fields = ["meeting", "summary", "published_at", "written_by", "updated_at"]
    readonly_fields = ["written_by", "updated_at"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "meeting", "position", "topic"]
    list_filter = ["meeting__kind"]
    search_fields = ["text", "meeting__title"]
    list_select_related = ["meeting", "topic"]
    autocomplete_fields = ["meeting", "topic"]
    fields = ["meeting", "position", "text", "topic", "recorded_by", "recorded_at"]
    readonly_fields = ["recorded_by", "recorded_at"]
