"""Phase one of an onboarding import: every row read, resolved against the file and the database,
and checked; every problem kept with its sheet, row and column (org.onboarding.load)."""

from collections import defaultdict

from django.core.exceptions import ValidationError

from onewindow.common import crypto
from onewindow.common.validators import (
    normalize_credit_code,
    normalize_mobile,
    validate_credit_code,
    validate_region_code,
)
from onewindow.org.models import Hall, Region, Section, Staff, Unit, User, WindowPost
from onewindow.org.onboarding import people
from onewindow.org.onboarding import sheets as S
from onewindow.org.onboarding.problems import Kind, Problem, problem
from onewindow.org.onboarding.reader import Rows

# Text columns checked against the model field's length, per sheet: column key -> field.
LENGTHS = {
    "regions": (Region, {"name": "name"}),
    "units": (Unit, {"name": "name", "short_name": "short_name"}),
    "sections": (
        Section,
        {"name": "name", "phone": "phone", "basis": "basis"},
    ),
    "staff": (
        Staff,
        {"name": "name", "title": "title", "exception": "establishment_exception"},
    ),
    "halls": (Hall, {"name": "name", "address": "address", "hours": "hours", "phone": "phone"}),
    "posts": (WindowPost, {"name": "name"}),
}


class Check:
    """Phase one: every row read, resolved against the file and the database, and checked."""

    def __init__(self, rows: dict[str, Rows]):
        self.rows = rows
        self.problems: list[Problem] = []
        self._db()

    # --- helpers ----------------------------------------------------------------------

    def add(self, sheet: S.Sheet, row: int, key: str, kind: str, message: str) -> None:
        header = sheet.col(key).header if key else ""
        self.problems.append(problem(sheet.title, row, header, kind, message))

    def choice(self, sheet: S.Sheet, row: int, data: dict, key: str, default: str = "") -> str:
        col = sheet.col(key)
        text = data[key]
        if not text:
            return default
        code = S.code_of(col, text)
        if code is None:
            self.add(
                sheet,
                row,
                key,
                Kind.CHOICE,
                f"“{text[:30]}”不是可选的{col.header}，可选："
                + "、".join(label for _c, label in col.choices)
                + "。",
            )
            return default
        return code

    def _db(self) -> None:
        self.db_regions = {r.code: r for r in Region.objects.all()}
        units = list(Unit.objects.all())
        self.db_units = {u.credit_code: u for u in units}
        self.db_unit_names = {u.name: u.credit_code for u in units}
        self.db_unit_cc = {u.pk: u.credit_code for u in units}
        self.db_sections = {(self.db_unit_cc[s.unit_id], s.name): s for s in Section.objects.all()}
        self.db_staff = {s.pk: s for s in Staff.objects.select_related("user")}
        self.db_staff_by_username = {
            s.user.username: s for s in self.db_staff.values() if s.user is not None
        }
        self.db_staff_by_digest: dict[str, list[Staff]] = defaultdict(list)
        for s in self.db_staff.values():
            self.db_staff_by_digest[s.mobile_digest].append(s)
        self.db_usernames = set(User.objects.values_list("username", flat=True))
        self.db_halls = {h.name: h for h in Hall.objects.all()}
        self.db_posts = {
            (p.hall.name, p.number.upper()): p
            for p in WindowPost.objects.select_related("hall").prefetch_related("units")
        }

    # --- sheets -----------------------------------------------------------------------

    def run(self) -> None:
        self.regions()
        self.units()
        self.sections()
        people.check_staff(self)
        self.unit_refs()
        self.section_heads()
        self.halls()
        people.check_posts(self)
        people.check_two_a_posts(self)
        self.lengths()

    def required(self, sheet: S.Sheet, number: int, data: dict) -> bool:
        ok = True
        for col in sheet.columns:
            if col.required and not data[col.key]:
                self.add(sheet, number, col.key, Kind.REQUIRED, f"请填写{col.header}。")
                ok = False
        return ok

    def lengths(self) -> None:
        for sheet in S.SHEETS:
            model, fields = LENGTHS[sheet.key]
            for number, data in self.rows.get(sheet.key, []):
                for key, name in fields.items():
                    limit = model._meta.get_field(name).max_length
                    if limit and len(data[key]) > limit:
                        self.add(
                            sheet,
                            number,
                            key,
                            Kind.FORMAT,
                            f"最多{limit}个字，当前{len(data[key])}个字。",
                        )

    def regions(self) -> None:
        sheet = S.REGIONS
        self.file_regions: dict[str, dict] = {}
        for number, data in self.rows.get("regions", []):
            if not self.required(sheet, number, data):
                continue
            code = data["code"]
            try:
                validate_region_code(code)
            except ValidationError as exc:
                self.add(sheet, number, "code", Kind.FORMAT, exc.messages[0])
                continue
            if code in self.file_regions:
                self.add(
                    sheet,
                    number,
                    "code",
                    Kind.DUPLICATE,
                    f"行政区划代码{code}与第{self.file_regions[code]['_row']}行重复。",
                )
                continue
            level = self.choice(sheet, number, data, "level")
            self.file_regions[code] = {**data, "level": level, "_row": number}
        for code, data in self.file_regions.items():
            parent = data["parent"]
            if parent and parent not in self.file_regions and parent not in self.db_regions:
                self.add(
                    sheet,
                    data["_row"],
                    "parent",
                    Kind.MISSING_REF,
                    f"上级区划代码{parent}在本表和系统中都没有，请先填写上级区划。",
                )
            if parent == code:
                self.add(sheet, data["_row"], "parent", Kind.RULE, "上级区划不能是本身。")

    def region_exists(self, code: str) -> bool:
        return code in self.file_regions or code in self.db_regions

    def units(self) -> None:
        sheet = S.UNITS
        self.file_units: dict[str, dict] = {}  # credit code -> row
        self.file_unit_names: dict[str, str] = {}
        for number, data in self.rows.get("units", []):
            if not self.required(sheet, number, data):
                continue
            code = normalize_credit_code(data["credit_code"])
            try:
                validate_credit_code(code)
            except ValidationError as exc:
                kind = Kind.CHECK_DIGIT if exc.code == "credit_code_checksum" else Kind.FORMAT
                self.add(sheet, number, "credit_code", kind, exc.messages[0])
                # Kept under a stand-in key, so rows naming the unit are not refused as well.
                code = f"!{number}"
            if code in self.file_units:
                self.add(
                    sheet,
                    number,
                    "credit_code",
                    Kind.DUPLICATE,
                    f"统一社会信用代码与第{self.file_units[code]['_row']}行重复。",
                )
                continue
            name = data["name"]
            if name in self.file_unit_names:
                first = self.file_units[self.file_unit_names[name]]["_row"]
                self.add(sheet, number, "name", Kind.DUPLICATE, f"单位名称与第{first}行重复。")
                continue
            other = self.db_unit_names.get(name)
            if (
                other is not None
                and other != code
                and other not in self.file_units
                and not code.startswith("!")
            ):
                self.add(
                    sheet,
                    number,
                    "name",
                    Kind.DUPLICATE,
                    f"系统中已有名为“{name}”的单位（统一社会信用代码{other}），"
                    "同一单位请填写相同的统一社会信用代码。",
                )
                continue
            if not self.region_exists(data["region"]):
                self.add(
                    sheet,
                    number,
                    "region",
                    Kind.MISSING_REF,
                    f"行政区划代码“{data['region'][:20]}”在“行政区划”表和系统中都没有。",
                )
            kind = self.choice(sheet, number, data, "kind")
            in_reform = self.choice(sheet, number, data, "in_reform", "1")
            self.file_units[code] = {
                **data,
                "credit_code": code,
                "kind": kind,
                "in_reform": in_reform == "1",
                "_row": number,
            }
            self.file_unit_names[name] = code

    def unit_code(self, name: str) -> str | None:
        """A unit's credit code by its full name, in the file or the database."""
        if name in self.file_unit_names:
            return self.file_unit_names[name]
        code = self.db_unit_names.get(name)
        if code is not None and code in self.file_units:
            return None  # renamed by this file: the old name is gone
        return code

    def unit_ref(self, sheet: S.Sheet, number: int, key: str, name: str) -> str | None:
        code = self.unit_code(name)
        if code is None:
            self.add(
                sheet,
                number,
                key,
                Kind.MISSING_REF,
                f"单位“{name[:40]}”在“单位”表和系统中都没有，请填写单位全称或先在“单位”表中添加。",
            )
        return code

    def sections(self) -> None:
        sheet = S.SECTIONS
        self.file_sections: dict[tuple[str, str], dict] = {}
        for number, data in self.rows.get("sections", []):
            if not self.required(sheet, number, data):
                continue
            unit = self.unit_ref(sheet, number, "unit", data["unit"])
            if unit is None:
                continue
            key = (unit, data["name"])
            if key in self.file_sections:
                first = self.file_sections[key]["_row"]
                self.add(sheet, number, "name", Kind.DUPLICATE, f"本单位的股室与第{first}行重复。")
                continue
            mode = self.choice(sheet, number, data, "mode", Section.Mode.ORDINARY)
            presence = self.choice(
                sheet, number, data, "hall_presence", Section.HallPresence.NOT_IN
            )
            if presence != Section.HallPresence.WHOLE and mode != Section.Mode.ORDINARY:
                for k in ("presence_reason", "presence_plan"):
                    if not data[k]:
                        self.add(
                            sheet,
                            number,
                            k,
                            Kind.REQUIRED,
                            f"审批服务股室未成建制进驻大厅时，必须填写{sheet.col(k).header}。",
                        )
            self.file_sections[key] = {
                **data,
                "unit": unit,
                "mode": mode,
                "hall_presence": presence,
                "_row": number,
            }

    def section_exists(self, unit: str, name: str) -> bool:
        return (unit, name) in self.file_sections or (unit, name) in self.db_sections

    def person(self, sheet: S.Sheet, number: int, key: str, text: str):
        """A person named by login name or mobile: the file row (dict) or database Staff."""
        if text in self.by_username:
            return self.by_username[text]
        mobile = normalize_mobile(text)
        if len(mobile) == 11 and mobile in self.by_mobile:
            return self.by_mobile[mobile]
        found = self.db_staff_by_username.get(text)
        if found is None and len(mobile) == 11:
            same = self.db_staff_by_digest.get(crypto.digest(mobile), [])
            found = same[0] if same else None
        if found is not None:
            return self.matched.get(found.pk, found)
        self.add(
            sheet,
            number,
            key,
            Kind.MISSING_REF,
            f"“{text[:30]}”不是“工作人员”表或系统中任何人的登录名或手机号码。",
        )
        return None

    def unit_name(self, code: str) -> str:
        if code in self.file_units:
            return self.file_units[code]["name"]
        return self.db_units[code].name

    def unit_of(self, person) -> str:
        return person["unit"] if isinstance(person, dict) else self.db_unit_cc[person.unit_id]

    @staticmethod
    def name_of(person) -> str:
        return person["name"] if isinstance(person, dict) else person.name

    def unit_refs(self) -> None:
        sheet = S.UNITS
        for code, data in self.file_units.items():
            number = data["_row"]
            lead = data["lead_section"]
            if lead and not self.section_exists(code, lead):
                self.add(
                    sheet,
                    number,
                    "lead_section",
                    Kind.WRONG_UNIT,
                    f"牵头股室“{lead[:30]}”不是本单位的股室，请先在“股室”表中填写。",
                )
            data["_leader"] = None
            if data["leader"]:
                person = self.person(sheet, number, "leader", data["leader"])
                if person is not None and self.unit_of(person) != code:
                    self.add(
                        sheet,
                        number,
                        "leader",
                        Kind.WRONG_UNIT,
                        f"分管领导{self.name_of(person)}不是本单位的工作人员。",
                    )
                data["_leader"] = person

    def section_heads(self) -> None:
        sheet = S.SECTIONS
        for (unit, _name), data in self.file_sections.items():
            data["_head"] = None
            if data["head"]:
                person = self.person(sheet, data["_row"], "head", data["head"])
                if person is not None and self.unit_of(person) != unit:
                    self.add(
                        sheet,
                        data["_row"],
                        "head",
                        Kind.WRONG_UNIT,
                        f"股长{self.name_of(person)}不是{self.unit_name(unit)}的工作人员。",
                    )
                data["_head"] = person

    def halls(self) -> None:
        sheet = S.HALLS
        self.file_halls: dict[str, dict] = {}
        for number, data in self.rows.get("halls", []):
            if not self.required(sheet, number, data):
                continue
            if data["name"] in self.file_halls:
                first = self.file_halls[data["name"]]["_row"]
                self.add(sheet, number, "name", Kind.DUPLICATE, f"大厅名称与第{first}行重复。")
                continue
            row = {**data, "_row": number, "kind": self.choice(sheet, number, data, "kind")}
            if not self.region_exists(data["region"]):
                self.add(
                    sheet,
                    number,
                    "region",
                    Kind.MISSING_REF,
                    f"行政区划代码“{data['region'][:20]}”在“行政区划”表和系统中都没有。",
                )
            row["owner"] = (
                self.unit_ref(sheet, number, "owner", data["owner"]) if data["owner"] else None
            )
            self.file_halls[data["name"]] = row
