"""Onboarding a county (机构人员导入, issue 19): its regions, units, sections, staff with their
logins, halls and window posts from one workbook, all or nothing, and the same workbook out.

- `sheets`: the workbook's sheets and columns (one shape for template, import and export);
- `reader`: an upload read into numbered rows of text;
- `load`: the checks (every problem with sheet, row, column and a Chinese reason) and the write;
- `export`: the template, the export and the first-passwords workbook."""

from onewindow.org.onboarding.export import passwords_workbook, rows_workbook, workbook
from onewindow.org.onboarding.load import Result, onboard, summary
from onewindow.org.onboarding.problems import OnboardingRefused, Problem
from onewindow.org.onboarding.reader import sheet_copies

__all__ = [
    "OnboardingRefused",
    "Problem",
    "Result",
    "onboard",
    "passwords_workbook",
    "rows_workbook",
    "sheet_copies",
    "summary",
    "workbook",
]
