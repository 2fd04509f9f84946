"""Reading staff's Excel lists: one tolerant reader that every import uses.

Staff keep lists in Excel and type column titles in many ways. ``read_table`` finds the columns
by any of their accepted titles, skips blank rows, and turns every way a workbook can be broken
or disguised into one clear Chinese refusal, so each app's import only checks its own rows.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from linli.errors import ValidationFailed

logger = logging.getLogger(__name__)


def cell_text(value: Any) -> str:
    """A cell as the text the user typed: 13800001234.0 from Excel's number format becomes 13800001234."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def header_key(text: str) -> str:
    """Column titles compare without spaces, with full-width brackets folded, in lower case."""
    text = text.replace("（", "(").replace("）", ")").replace(" ", "").replace("\u3000", "")
    return text.lower()


def read_table(
    data: bytes,
    filename: str,
    *,
    columns: Mapping[str, Sequence[str]],
    required: Sequence[str],
    labels: Mapping[str, str],
    max_rows: int,
    empty_message: str,
) -> list[dict[str, Any]]:
    """Parse the first sheet of an .xlsx into ``[{"row": n, "values": {key: text}}]``.

    ``columns`` maps a key to the titles accepted for it; ``labels`` names keys in messages.
    Raises ValidationFailed (codes not_excel, empty, bad_header, too_many) and nothing else.
    """
    if not filename.lower().endswith((".xlsx", ".xlsm")) or not data.startswith(b"PK"):
        raise ValidationFailed(
            _("“%(name)s” is not an Excel file. Save it as .xlsx (Excel 2007 or later) and upload again.")
            % {"name": filename},
            code="not_excel",
        )
    try:
        rows = _parse(data, columns, required, labels, max_rows)
    except ValidationFailed:
        raise
    except Exception:
        # The file comes from outside: a damaged or disguised workbook can break openpyxl anywhere
        # (zip, XML, cell values), and in read-only mode also lazily, while the rows are read.
        # Every such failure means the same to the user: this is not a readable workbook.
        logger.info("Unreadable workbook %r", filename, exc_info=True)
        raise ValidationFailed(
            _("“%(name)s” could not be read as an Excel workbook. Open it in Excel, save as .xlsx and try again.")
            % {"name": filename},
            code="not_excel",
        ) from None
    if not rows:
        raise ValidationFailed(empty_message, code="empty")
    return rows


def _parse(data, columns, required, labels, max_rows) -> list[dict[str, Any]]:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        rows_iter = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows_iter, None)
        if header is None:
            raise ValidationFailed(_("The workbook is empty."), code="empty")
        accepted = {key: {header_key(name) for name in names} for key, names in columns.items()}
        positions: dict[str, int] = {}
        for index, title in enumerate(header):
            text = header_key(cell_text(title))
            for key, names in accepted.items():
                if text in names and key not in positions:
                    positions[key] = index
        missing = [labels[key] for key in required if key not in positions]
        if missing:
            raise ValidationFailed(
                _("The first row must hold the column titles; missing: %(cols)s. Download the template to see the layout.")
                % {"cols": "、".join(missing)},
                code="bad_header",
            )
        rows = []
        for number, raw in enumerate(rows_iter, start=2):
            values = {key: cell_text(raw[pos]) if pos < len(raw) else "" for key, pos in positions.items()}
            if not any(values.values()):
                continue
            rows.append({"row": number, "values": values})
            if len(rows) > max_rows:
                raise ValidationFailed(
                    _("At most %(n)s rows can be imported at once; split the file.") % {"n": max_rows}, code="too_many"
                )
        return rows
    finally:
        workbook.close()
