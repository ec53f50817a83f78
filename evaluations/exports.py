"""Anonymised exports of a campaign's responses for city staff: CSV (UTF-8 with a BOM, so
Excel reads Korean) and XLSX (openpyxl's write-only mode).

One row per response, one column per question. Nothing that could point to a person is
written: no IP or device hash, no answer fingerprint, the submission to the day only. The
rows are read a page of responses at a time (keyset paging on the primary key) with their
answers, so memory stays flat however many answers there are (see ``bench/export_memory.py``).
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from evaluations.models import (
    CHOICE_QUESTION_TYPES,
    AgeBand,
    Answer,
    Campaign,
    District,
    Question,
    RespondentType,
    Response,
    ResponseChannel,
)

CHUNK_SIZE = 2000
# Rows are sent in pieces of about this many characters, not one network write per row.
CSV_PIECE_CHARACTERS = 64 * 1024
MULTIPLE_CHOICE_SEPARATOR = "; "
# A cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportColumn:
    question_id: int
    question_type: str
    heading: str


def question_columns(campaign: Campaign) -> list[ExportColumn]:
    """The campaign's questions in questionnaire order, numbered "section-question"."""
    questions = (
        Question.objects.filter(section__questionnaire_id=campaign.questionnaire_id)
        .select_related("section")
        .order_by("section__position", "position")
    )
    return [
        ExportColumn(
            question_id=question.pk,
            question_type=question.question_type,
            heading=f"{question.section.position}-{question.position}. {question.text}",
        )
        for question in questions
    ]


def header(columns: list[ExportColumn]) -> list[str]:
    return [
        _("응답 번호"), _("기관 코드"), _("기관명"), _("응답자 유형"), _("응답 경로"),
        _("제출일"), _("연령대"), _("거주 지역"), _("의심 표시"), _("점수 제외"),
        *(column.heading for column in columns),
    ]


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def response_rows(campaign: Campaign, columns: list[ExportColumn]) -> Iterator[list]:
    """The rows of the export, streamed a chunk of responses at a time."""
    position = {column.question_id: index for index, column in enumerate(columns)}
    choice_columns = {
        column.question_id
        for column in columns
        if column.question_type in CHOICE_QUESTION_TYPES
    }
    respondent_types = _labels(RespondentType.choices)
    channels = _labels(ResponseChannel.choices)
    age_bands = _labels(AgeBand.choices)
    districts = _labels(District.choices)
    yes, no = _("예"), _("아니요")
    local_zone = timezone.get_current_timezone()
    for chunk in _response_chunks(campaign):
        cells_of: dict[int, list] = {row[0]: [None] * len(columns) for row in chunk}
        # The page's primary keys are one range: its answers are one index range scan.
        answers = (
            Answer.objects.filter(response_id__gte=chunk[0][0], response_id__lte=chunk[-1][0])
            .order_by("response_id", "question_id", "choice__position")
            .values_list("response_id", "question_id", "value", "choice__label", "text")
        )
        for response_id, question_id, value, choice_label, text in answers.iterator(
            chunk_size=CHUNK_SIZE * 8
        ):
            cells = cells_of.get(response_id)
            index = position.get(question_id)
            if cells is None or index is None:
                continue  # another campaign's response within the range
            if question_id in choice_columns:
                previous = cells[index]
                cells[index] = (
                    choice_label
                    if previous is None
                    else previous + MULTIPLE_CHOICE_SEPARATOR + choice_label
                )
            elif value is not None:
                cells[index] = value
            else:
                cells[index] = text
        for (
            pk, code, name, respondent_type, channel, submitted_at, age_band, district, flags,
            excluded,
        ) in chunk:
            yield [
                pk,
                code,
                name,
                respondent_types.get(respondent_type, respondent_type),
                channels.get(channel, channel),
                submitted_at.astimezone(local_zone).date(),
                age_bands.get(age_band, ""),
                districts.get(district, ""),
                flags,
                yes if excluded else no,
                *cells_of[pk],
            ]


def _response_chunks(campaign: Campaign) -> Iterator[list[tuple]]:
    """The campaign's responses in pages of ``CHUNK_SIZE``, by primary key (keyset paging).

    Not a server-side cursor: the settings turn those off (PgBouncer in transaction mode),
    and a plain cursor would hold the whole result in the client. Two queries per page
    (responses, then their answers) keep memory flat at any size."""
    last_pk = 0
    while True:
        chunk = list(
            Response.objects.filter(campaign=campaign, pk__gt=last_pk)
            .order_by("pk")
            .values_list(
                "pk", "institution__code", "institution__name_ko", "respondent_type",
                "channel", "submitted_at", "age_band", "district", "flag_reasons", "excluded",
            )[:CHUNK_SIZE]
        )
        if not chunk:
            return
        yield chunk
        last_pk = chunk[-1][0]


def _safe_text(value) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_pieces(header_row: list[str], rows: Iterable[list]) -> Iterator[str]:
    """The CSV in pieces of about ``CSV_PIECE_CHARACTERS``, starting with a BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(header_row)
    for row in rows:
        writer.writerow(
            [
                "" if value is None else _safe_text(value) if value.__class__ is str else value
                for value in row
            ]
        )
        if buffer.tell() >= CSV_PIECE_CHARACTERS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_file(header_row: list[str], rows: Iterable[list], *, title: str):
    """A temporary file holding the workbook. Write-only mode writes each row to disk as it
    comes (strings inline, no shared-string table), so memory stays flat."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(header_row)
    for row in rows:
        sheet.append([_safe_text(value) for value in row])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 -- closed by the FileResponse
    workbook.save(handle)
    handle.seek(0)
    return handle

