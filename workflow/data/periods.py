"""Months and reporting periods: one place for the calendar arithmetic of monitoring."""

from __future__ import annotations

import re
from datetime import date

from workflow.data import formatting
from workflow.errors import MouError
from workflow.i18n import _

ROMAN = ("I", "II", "III", "IV")


def month_of(text: str) -> date:
    """'2025-07' -> 1 July 2025."""
    try:
        year, month = text.split("-")
        return date(int(year), int(month), 1)
    except ValueError as err:
        raise MouError(_("{text} is not a month, expected YYYY-MM such as 2025-07").format(text=repr(text))) from err


def add_months(d: date, months: int) -> date:
    """The first day of the month ``months`` after ``d``'s month."""
    m = d.month - 1 + months
    return date(d.year + m // 12, m % 12 + 1, 1)


def end_of_month(d: date) -> date:
    """The last day of ``d``'s month."""
    return date.fromordinal(add_months(d, 1).toordinal() - 1)


def period_bounds(text: str) -> tuple[date, date, str]:
    """'2025-Q3' -> (1 Juli 2025, 30 September 2025, 'Triwulan III Tahun 2025'); '2025-07' -> one month."""
    quarter = re.fullmatch(r"(\d{4})-Q([1-4])", text)
    month = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if quarter:
        year, q = int(quarter.group(1)), int(quarter.group(2))
        start = date(year, 3 * q - 2, 1)
        return start, end_of_month(add_months(start, 2)), f"Triwulan {ROMAN[q - 1]} Tahun {year}"
    if month and 1 <= int(month.group(2)) <= 12:
        year, m = int(month.group(1)), int(month.group(2))
        start = date(year, m, 1)
        return start, end_of_month(start), f"Bulan {formatting.nama_bulan(m)} Tahun {year}"
    raise MouError(_("{text} is not a period, expected YYYY-Qn (2025-Q3) or YYYY-MM (2025-07)").format(text=repr(text)))
