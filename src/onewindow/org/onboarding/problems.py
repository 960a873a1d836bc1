"""What an onboarding file is refused for: one problem per cell (sheet, row, column, kind and a
Chinese reason), in the shared import report's records (common.import_report: grouping by kind
with counts, the downloadable error workbook)."""

from onewindow.common.import_report import ImportRefused as OnboardingRefused
from onewindow.common.import_report import Problem

__all__ = ["Kind", "OnboardingRefused", "Problem", "problem"]


class Kind:
    """The kinds problems are grouped by, in the words the refusal shows."""

    FILE = "文件无法读取"
    HEADER = "表头与模板不一致"
    REQUIRED = "必填项为空"
    FORMAT = "格式不正确"
    CHECK_DIGIT = "统一社会信用代码校验位错误"
    CHOICE = "取值不在可选范围内"
    DUPLICATE = "重复"
    MISSING_REF = "引用的对象不存在"
    WRONG_UNIT = "不属于该单位"
    TWO_A_POSTS = "一人同时任两个A岗"
    RULE = "不符合设置规则"


def problem(sheet: str, row: int, column: str, kind: str, message: str) -> Problem:
    """A problem of `row` (the spreadsheet row; 0: the whole sheet or file) in `column` (its
    header; "": the whole row)."""
    return Problem(sheet, row, column, message, kind=kind)
