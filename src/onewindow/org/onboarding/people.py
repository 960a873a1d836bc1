"""The checks of the people and the posts they hold: staff rows (login names, mobiles, roles),
references to people (by login name or mobile), window posts and the one-A-post rule."""

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from onewindow.common import crypto
from onewindow.common.validators import normalize_mobile, validate_mobile
from onewindow.org.models import Staff, User, WindowPost
from onewindow.org.onboarding import sheets as S
from onewindow.org.onboarding.problems import Kind
from onewindow.org.roles import RoleCode
from onewindow.org.setup import NUMBER

if TYPE_CHECKING:
    from onewindow.org.onboarding.checks import Check


def check_staff(c: "Check") -> None:
    sheet = S.STAFF
    c.file_staff: list[dict] = []
    c.by_username: dict[str, dict] = {}
    c.by_mobile: dict[str, dict] = {}
    c.matched: dict[int, dict] = {}  # database staff id -> the row updating it
    role_codes = dict((label, code) for code, label in S.STAFF_ROLES)
    role_codes.update({code: code for code, _l in S.STAFF_ROLES})
    for number, data in c.rows.get("staff", []):
        if not c.required(sheet, number, data):
            continue
        row = {**data, "_row": number}
        mobile = normalize_mobile(data["mobile"])
        try:
            validate_mobile(mobile)
        except ValidationError as exc:
            c.add(sheet, number, "mobile", Kind.FORMAT, exc.messages[0])
            # Kept under a stand-in key, so rows naming the person by login name still resolve.
            mobile = f"!{number}"
        row["mobile"] = mobile
        if mobile in c.by_mobile:
            first = c.by_mobile[mobile]["_row"]
            c.add(sheet, number, "mobile", Kind.DUPLICATE, f"手机号码与第{first}行重复。")
            continue
        username = data["username"]
        if username:
            try:
                User.username_validator(username)
                if len(username) > 150:
                    raise ValidationError("登录名最多150个字符。")
            except ValidationError:
                c.add(
                    sheet,
                    number,
                    "username",
                    Kind.FORMAT,
                    "登录名只能由字母、数字和@.+-_组成，最多150个字符。",
                )
                continue
            if username in c.by_username:
                first = c.by_username[username]["_row"]
                c.add(sheet, number, "username", Kind.DUPLICATE, f"登录名与第{first}行重复。")
                continue
        # The database person this row updates: by login name, else by mobile.
        existing = c.db_staff_by_username.get(username) if username else None
        if existing is None:
            same = c.db_staff_by_digest.get(crypto.digest(mobile), [])
            existing = same[0] if same else None
            if existing is not None and username and existing.user is not None:
                c.add(
                    sheet,
                    number,
                    "mobile",
                    Kind.DUPLICATE,
                    f"手机号码已是系统中{existing.name}（登录名{existing.user.username}）的号码，"
                    "同一人请填写原登录名，不同的人请核对手机号码。",
                )
                continue
        elif crypto.digest(mobile) != existing.mobile_digest:
            others = [
                s
                for s in c.db_staff_by_digest.get(crypto.digest(mobile), [])
                if s.pk != existing.pk and s.pk not in c.matched
            ]
            if others:
                c.add(
                    sheet,
                    number,
                    "mobile",
                    Kind.DUPLICATE,
                    f"手机号码与系统中的工作人员{others[0].name}重复。",
                )
                continue
        if username and existing is None and username in c.db_usernames:
            c.add(
                sheet,
                number,
                "username",
                Kind.DUPLICATE,
                f"登录名“{username}”已被系统中的其他账号使用，请换一个。",
            )
            continue
        if existing is not None:
            if existing.pk in c.matched:
                first = c.matched[existing.pk]["_row"]
                c.add(
                    sheet,
                    number,
                    "mobile",
                    Kind.DUPLICATE,
                    f"与第{first}行是系统中的同一人（{existing.name}）。",
                )
                continue
            c.matched[existing.pk] = row
        row["_existing"] = existing
        roles = []
        for text in S.split_list(data["roles"]):
            code = role_codes.get(text)
            if text in (RoleCode.SYSADMIN.value, str(RoleCode.SYSADMIN.label)):
                c.add(
                    sheet,
                    number,
                    "roles",
                    Kind.CHOICE,
                    "“系统管理员”角色不能通过导入授予，请由系统管理员在用户管理中设置。",
                )
            elif code is None:
                c.add(
                    sheet,
                    number,
                    "roles",
                    Kind.CHOICE,
                    f"“{text[:20]}”不是可选的角色，可选："
                    + "、".join(label for _c, label in S.STAFF_ROLES)
                    + "。",
                )
            elif code not in roles:
                roles.append(code)
        row["roles"] = roles
        if roles and not username:
            c.add(sheet, number, "username", Kind.REQUIRED, "有角色的人员须填写登录名才能登录。")
        unit = c.unit_ref(sheet, number, "unit", data["unit"])
        row["unit"] = unit
        if unit and data["section"] and not c.section_exists(unit, data["section"]):
            c.add(
                sheet,
                number,
                "section",
                Kind.WRONG_UNIT,
                f"“{data['section'][:30]}”不是{data['unit']}的股室（“股室”表和系统中都没有）。",
            )
        row["establishment"] = c.choice(
            sheet, number, data, "establishment", Staff.Establishment.ESTABLISHED
        )
        row["active"] = c.choice(sheet, number, data, "active", "1") == "1"
        c.file_staff.append(row)
        c.by_mobile[mobile] = row
        if username:
            c.by_username[username] = row


def check_posts(c: "Check") -> None:
    sheet = S.POSTS
    c.file_posts: dict[tuple[str, str], dict] = {}
    for number, data in c.rows.get("posts", []):
        if not c.required(sheet, number, data):
            continue
        hall = data["hall"]
        if hall not in c.file_halls and hall not in c.db_halls:
            c.add(
                sheet,
                number,
                "hall",
                Kind.MISSING_REF,
                f"大厅“{hall[:30]}”在“大厅”表和系统中都没有。",
            )
        if not NUMBER.match(data["number"]):
            c.add(
                sheet,
                number,
                "number",
                Kind.FORMAT,
                "窗口号只能由数字、字母和连字符组成，最多10位，例如“12”或“A3”。",
            )
            continue
        key = (hall, data["number"].upper())
        if key in c.file_posts:
            first = c.file_posts[key]["_row"]
            c.add(sheet, number, "number", Kind.DUPLICATE, f"同一大厅的窗口号与第{first}行重复。")
            continue
        row = {**data, "_row": number}
        row["kind"] = c.choice(sheet, number, data, "kind", WindowPost.Kind.DEPARTMENT)
        row["active"] = c.choice(sheet, number, data, "active", "1") == "1"
        units = []
        for name in S.split_list(data["units"]):
            code = c.unit_ref(sheet, number, "units", name)
            if code is not None and code not in units:
                units.append(code)
        row["units"] = units
        row["_a"] = c.person(sheet, number, "staff_a", data["staff_a"])
        row["_b"] = c.person(sheet, number, "staff_b", data["staff_b"]) if data["staff_b"] else None
        a, b = row["_a"], row["_b"]
        if a is not None and b is not None and a is b:
            c.add(
                sheet,
                number,
                "staff_b",
                Kind.RULE,
                "A岗和B岗不能是同一人：A岗请假时须由B岗顶岗，请另选B岗人员。",
            )
        for k, person, label in (("staff_a", a, "A岗"), ("staff_b", b, "B岗")):
            if person is None:
                continue
            if (
                row["kind"] == WindowPost.Kind.DEPARTMENT
                and units
                and c.unit_of(person) not in units
            ):
                c.add(
                    sheet,
                    number,
                    k,
                    Kind.WRONG_UNIT,
                    f"{label}人员{c.name_of(person)}不是本窗口服务单位的人员："
                    "部门业务窗口的A岗、B岗须由所服务的单位派驻。",
                )
            established, exception, active = (
                (person["establishment"], person["exception"], person["active"])
                if isinstance(person, dict)
                else (person.establishment, person.establishment_exception, person.active)
            )
            if not active and row["active"]:
                c.add(
                    sheet,
                    number,
                    k,
                    Kind.RULE,
                    f"{label}人员{c.name_of(person)}已不在岗（“在岗”为否），不能安排到启用的窗口。",
                )
            if established != Staff.Establishment.ESTABLISHED and not exception.strip():
                c.add(
                    sheet,
                    number,
                    k,
                    Kind.RULE,
                    f"{label}人员{c.name_of(person)}为非在编人员：窗口人员原则上在编在岗，"
                    "须在“工作人员”表填写上岗例外说明（谁批准、为什么）。",
                )
        c.file_posts[key] = row


def check_two_a_posts(c: "Check") -> None:
    """A person holds at most one A post among the active posts after the import: the
    file's, and the database's that the file does not name."""
    holders: dict[int, tuple[str, int | None]] = {}  # id(person) -> (post, row)
    for (hall, number), post in c.db_posts.items():
        if (hall, number) in c.file_posts or not post.active:
            continue
        person = c.db_staff.get(post.staff_a_id)
        person = c.matched.get(person.pk, person) if person else None
        if person is not None:
            holders[id(person)] = (f"{hall}{post.number}号窗口", None)
    for (hall, _n), row in c.file_posts.items():
        a = row["_a"]
        if a is None or not row["active"]:
            continue
        if id(a) in holders:
            where, first = holders[id(a)]
            c.add(
                S.POSTS,
                row["_row"],
                "staff_a",
                Kind.TWO_A_POSTS,
                f"{c.name_of(a)}已是{where}"
                + (f"（第{first}行）" if first else "（系统中已有）")
                + "的A岗，一人不能同时任两个窗口的A岗，请另选A岗人员或改为B岗。",
            )
        else:
            holders[id(a)] = (f"{hall}{row['number']}号窗口", row["_row"])
