"""Reading an uploaded onboarding workbook into numbered rows of text, sheet by sheet."""

import datetime
import io
import zipfile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from onewindow.common.import_report import ERROR_COLUMN, SheetCopy
from onewindow.org.onboarding.problems import Kind, OnboardingRefused, Problem, problem
from onewindow.org.onboarding.sheets import SHEETS, Sheet

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000

Rows = list[tuple[int, dict[str, str]]]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a mobile number typed into a number cell
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).strip()


def _refused(message: str) -> OnboardingRefused:
    return OnboardingRefused([problem("文件", 0, "", Kind.FILE, message)])


def _sheet_rows(wb, sheet: Sheet, problems: list[Problem]) -> Rows:
    if sheet.title not in wb.sheetnames:
        return []  # a file may carry only some kinds (e.g. only staff)
    rows = wb[sheet.title].iter_rows()
    header = [_text(c.value) for c in next(rows, ())]
    while header and header[-1] in ("", ERROR_COLUMN):
        header.pop()  # a corrected error workbook comes back with its 错误说明 column
    expected = [c.header for c in sheet.columns]
    missing = [h for h in expected if h not in header]
    extra = [h for h in header if h and h not in expected]
    if missing or extra or len(set(header)) != len(header):
        parts = []
        if missing:
            parts.append("缺少列：" + "、".join(missing))
        if extra:
            parts.append("无法识别的列：" + "、".join(extra))
        if len(set(header)) != len(header):
            parts.append("有重复的列名")
        problems.append(
            problem(
                sheet.title,
                1,
                "",
                Kind.HEADER,
                "表头与导入模板不一致（" + "；".join(parts) + "），请使用下载的模板。",
            )
        )
        return []
    keys = {c.header: c.key for c in sheet.columns}
    out: Rows = []
    for number, cells in enumerate(rows, start=2):
        if number > MAX_ROWS:
            problems.append(
                problem(sheet.title, number, "", Kind.FORMAT, f"超过{MAX_ROWS}行上限，请分批导入。")
            )
            break
        raw: dict[str, str] = {}
        for head, cell in zip(header, cells, strict=False):
            if not head:
                continue
            if cell.data_type == "f":
                problems.append(
                    problem(
                        sheet.title, number, head, Kind.FORMAT, "单元格含有公式，请直接填写文字。"
                    )
                )
                raw[keys[head]] = ""
                continue
            raw[keys[head]] = _text(cell.value)
        if any(raw.values()):
            out.append((number, {c.key: raw.get(c.key, "") for c in sheet.columns}))
    return out


def read_workbook(data: bytes) -> dict[str, Rows]:
    """Rows of each sheet by sheet key; OnboardingRefused when the file cannot be read."""
    if len(data) > MAX_BYTES:
        raise _refused(f"文件超过{MAX_BYTES // 1048576}MB上限，请分批导入。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
    except zipfile.BadZipFile:
        raise _refused("不是有效的XLSX文件，请用Excel或WPS另存为“.xlsx”格式后再导入。") from None
    if unpacked > 10 * MAX_BYTES:
        raise _refused("表格解压后内容过大，请分批导入。")
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (InvalidFileException, KeyError, ValueError, OSError):
        raise _refused("无法读取该XLSX文件，请确认由导入模板填写并保存为“.xlsx”格式。") from None
    problems: list[Problem] = []
    try:
        if not any(s.title in wb.sheetnames for s in SHEETS):
            raise _refused(
                "文件中没有可导入的工作表，应有："
                + "、".join(s.title for s in SHEETS)
                + "（请使用下载的模板）。"
            )
        rows = {s.key: _sheet_rows(wb, s, problems) for s in SHEETS}
    finally:
        wb.close()
    if problems:
        raise OnboardingRefused(problems)
    return rows


def sheet_copies(data: bytes) -> list[SheetCopy]:
    """The uploaded sheets as they are, for the error workbook (read again only on refusal)."""
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # a file that cannot be read at all has no rows to copy
        return []
    copies = []
    try:
        for sheet in SHEETS:
            if sheet.title not in wb.sheetnames:
                continue
            rows = wb[sheet.title].iter_rows(values_only=True)
            header = [_text(v) for v in next(rows, ())]
            while header and header[-1] in ("", ERROR_COLUMN):
                header.pop()
            body = [
                (n, [_text(v) for v in values[: len(header)]])
                for n, values in enumerate(rows, start=2)
                if n <= MAX_ROWS and any(v not in (None, "") for v in values)
            ]
            copies.append(SheetCopy(sheet.title, header, body))
    finally:
        wb.close()
    return copies
