"""Find any case (查找办件, issue 17 item 1): by number (full, or the last digits a clerk reads
off a ticket), the applicant's name (exact or its beginning), their ID number or credit code,
the item, the unit, the state, the light and the received dates; scoped to what the user may
see, newest received first, 50 a page.

Every criterion is answered by an index in the page's order, so a page costs the same at a
million cases as at a thousand (bench/search_bench.py):

- the full number: the unique index on `number`;
- the tail: `case_number_tail`, an index on the reversed number, read as a range (numbers that
  end in 00012 are those whose reverse lies in ['21000', '21001'));
- the ID number or credit code: normalised, digested (`crypto.digest`) and matched against
  `applicant_id_digest` (`case_applicant`): the encrypted column is never read to search;
- the name: `case_name` (applicant_name, received_on, id); a beginning is a range on it;
- both ranges, and the indexes, compare by code point (`common.collation.CodePoint`, COLLATE
  "C" on PostgreSQL) whatever the database's locale: under en_US or zh_CN they would find
  nothing (':' sorts before the digits, Chinese by pinyin);
- the unit, the item and nothing at all: `case_unit`, `case_item`, `case_received`, each
  (…, received_on, id), walked backwards from the cursor (keyset: `?after=<date>,<id>`, no
  OFFSET, no COUNT over the table).

The page shows whether there is a next page, never a total: counting a million rows on each
search would cost what the index saves."""

import datetime
import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Reverse

from onewindow.cases.models import Case, CombinedCase
from onewindow.cases.workflow import Light, State
from onewindow.catalog.models import Item
from onewindow.common import crypto
from onewindow.common.collation import CodePoint
from onewindow.common.validators import (
    normalize_id_number,
    validate_credit_code,
    validate_id_number,
)
from onewindow.org.models import Unit, User
from onewindow.org.selectors import user_unit_id

PAGE = 50
NUMBER_LENGTH = 23  # region (6) + date (8) + unit (4) + sequence (5): see services.clock
MIN_TAIL = 4  # fewer digits match a large share of all cases and say little
MIN_PREFIX = 2  # a name's first character is mostly a surname: one case in ten


# A provincial application number: 8 to 64 letters, digits, "-" or "_", as the platform issues
# them (with a letter: all digits is one of ours; shorter is a typo of ours, answered as such).
PROVINCE_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{7,63}")


def _next_prefix(prefix: str) -> str:
    """The least string greater than every string that starts with `prefix` (its last
    character's successor): `prefix <= s < _next_prefix(prefix)` is "s starts with prefix"
    under a code-point order (SQLite's BINARY, PostgreSQL's C collations): compare `CodePoint`s."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _digits(value: str) -> str:
    """Full-width digits folded, spaces and dashes a clerk may copy along dropped."""
    folded = value.translate({c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)})
    return "".join(folded.split()).replace("-", "")


def parse_cursor(raw: str) -> tuple[datetime.date, int] | None:
    """`<received_on>,<id>` of the previous page's last row; anything else is the first page."""
    day, _, last = (raw or "").partition(",")
    try:
        return datetime.date.fromisoformat(day), int(last)
    except ValueError:
        return None


@dataclass(frozen=True)
class Criteria:
    number: str = ""  # the full number
    tail: str = ""  # or its last digits
    province_id: str = ""  # or the provincial platform's application number (省平台申报号)
    name: str = ""
    name_prefix: bool = False
    id_digest: str = ""
    item_id: int | None = None
    unit_id: int | None = None
    state: str = ""
    light: str | None = None  # "" is a criterion too (no light: not running)
    received_from: datetime.date | None = None
    received_to: datetime.date | None = None

    @property
    def empty(self) -> bool:
        return self == Criteria()


class DateInput(forms.DateInput):
    input_type = "date"


class SearchForm(forms.Form):
    """The search's query string, validated with errors a clerk can act on."""

    number = forms.CharField(
        label="办件编号",
        required=False,
        max_length=64,
        help_text="完整的23位编号、编号的最后几位（至少4位），或省平台申报号",
    )
    name = forms.CharField(label="申请人", required=False, max_length=100)
    name_match = forms.ChoiceField(
        label="姓名匹配",
        required=False,
        choices=[("prefix", "开头一致"), ("exact", "完全一致")],
    )
    id_number = forms.CharField(label="证件号码或统一社会信用代码", required=False, max_length=40)
    unit = forms.TypedChoiceField(label="实施主体", required=False, coerce=int, empty_value=None)
    item = forms.TypedChoiceField(label="事项", required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *State.choices])
    light = forms.ChoiceField(
        label="预警灯",
        required=False,
        choices=[("", "全部"), *[(v or "none", label) for v, label in Light.choices]],
    )
    received_from = forms.DateField(
        label="收件日期从",
        required=False,
        widget=DateInput,
        error_messages={"invalid": "收件起始日期格式不对，请按2026-12-01的格式输入。"},
    )
    received_to = forms.DateField(
        label="收件日期至",
        required=False,
        widget=DateInput,
        error_messages={"invalid": "收件截止日期格式不对，请按2026-12-01的格式输入。"},
    )

    def __init__(self, data=None, *, units=(), items=()):
        super().__init__(data)
        self.fields["unit"].choices = [("", "全部"), *[(u.pk, u.name) for u in units]]
        self.fields["item"].choices = [("", "全部"), *items]
        self.fields["number"].error_messages["max_length"] = "办件编号为23位数字，输入太长了。"
        self.fields["name"].error_messages["max_length"] = "申请人姓名或名称最多100个字。"
        self.fields["id_number"].error_messages["max_length"] = "证件号码格式不对：输入太长了。"
        for name in ("unit", "item", "state", "light"):
            label = self.fields[name].label
            self.fields[name].error_messages["invalid_choice"] = (
                f"没有这个{label}，请从列表中选择。"
            )

    def clean_number(self) -> str:
        raw = self.cleaned_data["number"]
        number = _digits(raw)
        if not number:
            return ""
        if not (number.isascii() and number.isdigit()):
            folded = "".join(raw.translate({c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}).split())
            if PROVINCE_NUMBER.fullmatch(folded) and not folded.isdigit():
                return folded  # a number the provincial platform gave (letters and digits)
            raise ValidationError(
                "办件编号只能是数字：请输入完整的23位编号、编号的最后几位（至少4位），"
                "或省平台申报号。"
            )
        if len(number) > NUMBER_LENGTH:
            raise ValidationError(f"办件编号为23位数字，您输入了{len(number)}位，请核对。")
        if len(number) < MIN_TAIL:
            raise ValidationError(f"按尾号查找请至少输入编号的最后{MIN_TAIL}位。")
        return number

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_id_number(self) -> str:
        """The digest of the normalised ID number or credit code (the number itself is not
        kept past this point)."""
        raw = self.cleaned_data["id_number"]
        value = normalize_id_number(raw).replace("-", "")
        if not value:
            return ""
        if len(value) != 18:
            raise ValidationError(
                f"证件号码格式不对：身份证号码和统一社会信用代码都是18位，您输入了{len(value)}位。"
            )
        problems = []
        for check in (validate_id_number, validate_credit_code):
            try:
                check(value)
            except ValidationError as exc:
                problems.append(exc.messages[0])
            else:
                return crypto.digest(value)
        looks_like_id = value[:17].isdigit() and value[:1] not in "9Y5"
        raise ValidationError(f"证件号码格式不对：{problems[0 if looks_like_id else 1]}")

    def clean(self):
        data = super().clean()
        name = data.get("name")
        if name and data.get("name_match") != "exact" and len(name) < MIN_PREFIX:
            self.add_error(
                "name",
                f"按开头查找申请人请至少输入{MIN_PREFIX}个字，或把“姓名匹配”改为“完全一致”。",
            )
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", "收件日期的起始日不能晚于截止日。")
        return data

    def criteria(self) -> Criteria:
        d = self.cleaned_data
        number = d.get("number", "")
        light = d.get("light") or None
        ours = number.isdigit()
        return Criteria(
            number=number if ours and len(number) == NUMBER_LENGTH else "",
            tail=number if ours and len(number) < NUMBER_LENGTH else "",
            province_id="" if ours else number,
            name=d.get("name", ""),
            name_prefix=d.get("name_match") != "exact",
            id_digest=d.get("id_number", ""),
            item_id=d.get("item"),
            unit_id=d.get("unit"),
            state=d.get("state", ""),
            light="" if light == "none" else light,
            received_from=d.get("received_from"),
            received_to=d.get("received_to"),
        )


def visible_scope(user: User) -> Q | None:
    """Which cases the user may see, as one filter without joins (so the indexes serve it):
    what `selectors.case_list_for_user` reads. None: every case; Q(pk__in=[]): none."""
    if user.sees_all_units:
        return None
    own = user_unit_id(user)
    if own is None:
        return Q(pk__in=[])
    from onewindow.cases.selectors import posts_of

    posts, served = set(), set()
    for post_id, unit_id in posts_of(user).values_list("pk", "units"):
        posts.add(post_id)
        if unit_id is not None:
            served.add(unit_id)
    scope = Q(unit_id=own)
    if posts:
        scope |= Q(window_post_id__in=sorted(posts))
    if served:
        scope |= Q(state=State.RECEIVED, window_post__isnull=True, unit_id__in=sorted(served))
    return scope


def search(
    criteria: Criteria,
    *,
    scope: Q | None,
    after: tuple[datetime.date, int] | None = None,
) -> QuerySet[Case]:
    """The matching cases the scope lets the user see, newest received first, from after the
    cursor; slice it (`[:size + 1]` tells whether there is a next page)."""
    qs = Case.objects.all()
    if scope is not None:
        qs = qs.filter(scope)
    c = criteria
    if c.province_id:
        qs = qs.filter(province_application_id=c.province_id)
    if c.number:
        qs = qs.filter(number=c.number)
    elif c.tail:
        rev = c.tail[::-1]
        qs = qs.alias(number_rev=CodePoint(Reverse("number"))).filter(
            number_rev__gte=rev, number_rev__lt=_next_prefix(rev)
        )
    if c.name:
        # Compared as `case_name` is built (by code point), the exact name too: PostgreSQL
        # uses an index only for the collation it was built with.
        qs = qs.alias(name_cp=CodePoint(F("applicant_name")))
    if c.name and c.name_prefix:
        qs = qs.filter(
            name_cp__gte=c.name,
            name_cp__lt=_next_prefix(c.name),
            applicant_name__startswith=c.name,
        )
    elif c.name:
        qs = qs.filter(name_cp=c.name)
    if c.id_digest:
        qs = qs.filter(applicant_id_digest=c.id_digest)
    if c.item_id is not None:
        qs = qs.filter(item_id=c.item_id)
    if c.unit_id is not None:
        qs = qs.filter(unit_id=c.unit_id)
    if c.state:
        qs = qs.filter(state=c.state)
    if c.light is not None:
        qs = qs.filter(light=c.light)
    if c.received_from:
        qs = qs.filter(received_on__gte=c.received_from)
    if c.received_to:
        qs = qs.filter(received_on__lte=c.received_to)
    if after is not None:
        qs = qs.filter(_before(*after))
    return qs.order_by("-received_on", "-id")


def _before(day: datetime.date, last: int) -> RawSQL:
    """(received_on, id) < (day, last) as one row comparison, which both engines read as a
    range of the (…, received_on, id) indexes: the page starts at the cursor, not at the top of
    the cursor's day (a busy county's day is thousands of rows to skip otherwise)."""
    q = connection.ops.quote_name
    table = q(Case._meta.db_table)
    sql = f"({table}.{q('received_on')}, {table}.{q('id')}) < (%s, %s)"
    return RawSQL(sql, [day, last], output_field=BooleanField())


def page(criteria: Criteria, *, user: User, after=None, size: int | None = None):
    """One page of results for the user and the cursor of the next page ("" when last)."""
    size = size or PAGE
    rows = list(
        search(criteria, scope=visible_scope(user), after=after).select_related("item", "unit")[
            : size + 1
        ]
    )
    more = ""
    if len(rows) > size:
        rows = rows[:size]
        more = f"{rows[-1].received_on.isoformat()},{rows[-1].pk}"
    return rows, more


def combined_by_number(number: str, *, user: User) -> CombinedCase | None:
    """The 一件事 with exactly this number, if the user may see it (numbers of 一件事 and of
    cases come from one counter, so a number is one or the other)."""
    from onewindow.cases.selectors import combined_list_for_user

    return combined_list_for_user(user=user).filter(number=number).first()


def units_for(user: User) -> list[Unit]:
    """The units offered as a filter: every unit for hall-wide roles, else the user's own and
    those their window posts serve."""
    qs = Unit.objects.order_by("name", "pk")
    if user.sees_all_units:
        return list(qs)
    from onewindow.cases.selectors import held

    own = user_unit_id(user)
    served = held(user).values("units")
    return list(qs.filter(Q(pk=own) | Q(pk__in=served)).distinct())


def items_for(units: list[Unit]) -> list[tuple[str, list[tuple[int, str]]]]:
    """The items offered as a filter, grouped by unit (option groups)."""
    ids = [u.pk for u in units]
    groups: dict[int, list[tuple[int, str]]] = {u.pk: [] for u in units}
    for pk, name, unit_id in (
        Item.objects.filter(unit_id__in=ids)
        .order_by("name", "pk")
        .values_list("pk", "name", "unit_id")
    ):
        groups[unit_id].append((pk, name))
    return [(u.name, groups[u.pk]) for u in units if groups[u.pk]]
