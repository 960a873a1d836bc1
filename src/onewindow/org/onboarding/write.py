"""Phase two of an onboarding import: the checked rows written, parents first, each row created
or only its changed fields saved, every change logged (org.onboarding.load)."""

import secrets
from dataclasses import dataclass, field

from django.contrib.auth.hashers import Argon2PasswordHasher, get_hasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from onewindow.common import import_report
from onewindow.common.fields import EncryptedCharField
from onewindow.common.masking import mask_mobile
from onewindow.org.models import (
    Hall,
    Region,
    Role,
    Section,
    SetupChange,
    Staff,
    Unit,
    User,
    WindowPost,
)
from onewindow.org.onboarding import sheets as S
from onewindow.org.onboarding.checks import Check
from onewindow.org.onboarding.problems import Kind, OnboardingRefused, problem
from onewindow.org.setup import _snapshot as post_snapshot

# Links set when a row is made (a section's unit, a post's hall): resolved by the checks.
PARENTS = ("unit", "hall")
PASSWORD_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789"


class FirstPasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's minimum (19 MiB, 2 passes) for the random first passwords: 20 ms a
    hash instead of 180, so a county of 200 accounts imports in seconds within one request.
    The standard hasher verifies it (the parameters are in the hash) and re-hashes at full cost
    on the first sign-in, which is followed at once by the person's own new password."""

    time_cost = 2
    memory_cost = 19456
    parallelism = 1


def first_password_hash(raw: str) -> str:
    if get_hasher().algorithm == FirstPasswordHasher.algorithm:
        return make_password(raw, hasher=FirstPasswordHasher())
    return make_password(raw)  # whatever the site prefers (the tests' fast hasher)


def new_password() -> str:
    """A random first password that passes the configured password rules."""
    while True:
        word = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(12))
        try:
            validate_password(word)
        except ValidationError:
            continue
        return word


@dataclass
class Result:
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # sheet title -> counts
    # (name, unit, login name, first password) of every account made: shown once, never kept.
    passwords: list[tuple[str, str, str, str]] = field(default_factory=list)
    run_id: int | None = None

    @property
    def changed(self) -> int:
        return sum(c["created"] + c["updated"] for c in self.counts.values())


class Writer:
    """Phase two: the checked rows written, parents first, in one transaction."""

    def __init__(self, check: Check, *, acting_user, initial_password: str | None):
        self.c = check
        self.user = acting_user
        self.initial_password = initial_password
        self.result = Result()
        self.log: list[list] = []  # [sheet, key, action, [[field, old, new], ...]]
        self.regions: dict[str, Region] = dict(check.db_regions)
        self.units: dict[str, Unit] = dict(check.db_units)
        self.sections: dict[tuple[str, str], Section] = dict(check.db_sections)
        self.staff_for: dict[int, Staff] = {}  # id(file row) -> Staff
        self.halls: dict[str, Hall] = dict(check.db_halls)
        self.roles = {r.code: r for r in Role.objects.all()}

    def count(self, sheet: S.Sheet, action: str) -> None:
        counts = self.result.counts.setdefault(
            sheet.title, {"created": 0, "updated": 0, "unchanged": 0}
        )
        counts[action] += 1

    def save(self, sheet: S.Sheet, row: int, obj, data: dict, label: str) -> str:
        """Create `obj` or save the fields of `data` that differ, validated first; log the
        change. Returns "created", "updated" or "unchanged"."""
        created = obj.pk is None
        changes, related = [], []
        for name, value in data.items():
            f = obj._meta.get_field(name)
            if f.is_relation:
                # Compared by id (no query); resolved by the checks, so not validated again.
                related.append(name)
                same = not created and getattr(obj, f.attname) == (value.pk if value else None)
            else:
                same = not created and getattr(obj, name) == value
            if not same:
                old = "" if created else _shown(getattr(obj, name))
                new = _shown(value)
                if isinstance(f, EncryptedCharField):  # the run's log is not encrypted
                    old, new = mask_mobile(old), mask_mobile(new)
                changes.append([str(f.verbose_name), old, new, name])
                setattr(obj, name, value)
        if not created and not changes:
            return "unchanged"
        try:
            # Uniqueness (names, codes, numbers) was checked against the file and the database.
            obj.full_clean(
                exclude=["mobile_digest", "number_key", *related, *PARENTS],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            raise OnboardingRefused(_field_problems(sheet, row, exc)) from None
        if created:
            obj.save()
        else:
            obj.save(update_fields=[c[3] for c in changes])
        action = "created" if created else "updated"
        self.log.append([sheet.title, label, action, [c[:3] for c in changes]])
        return action

    def run(self) -> Result:
        self.write_regions()
        self.write_units()
        self.write_sections()
        self.write_staff()
        self.write_links()
        self.write_halls()
        self.write_posts()
        return self.result

    def person(self, ref) -> Staff | None:
        if ref is None:
            return None
        return self.staff_for[id(ref)] if isinstance(ref, dict) else ref

    def write_regions(self) -> None:
        pending = dict(self.c.file_regions)
        while pending:
            ready = [c for c, d in pending.items() if not d["parent"] or d["parent"] not in pending]
            if not ready:  # a loop of parents: reported on the first row of it
                d = next(iter(pending.values()))
                raise OnboardingRefused(
                    [
                        problem(
                            S.REGIONS.title,
                            d["_row"],
                            "上级区划代码",
                            Kind.RULE,
                            "上级区划形成循环，请核对。",
                        )
                    ]
                )
            for code in sorted(ready):
                d = pending.pop(code)
                region = self.regions.get(code) or Region(code=code)
                parent = self.regions.get(d["parent"]) if d["parent"] else None
                data = {"name": d["name"], "level": d["level"], "parent": parent}
                self.count(S.REGIONS, self.save(S.REGIONS, d["_row"], region, data, code))
                self.regions[code] = region

    def write_units(self) -> None:
        for code, d in self.c.file_units.items():
            unit = self.units.get(code) or Unit(credit_code=code)
            data = {
                "name": d["name"],
                "short_name": d["short_name"],
                "region": self.regions[d["region"]],
                "kind": d["kind"],
                "in_reform": d["in_reform"],
            }
            d["_action"] = self.save(S.UNITS, d["_row"], unit, data, code)
            self.units[code] = unit

    def write_sections(self) -> None:
        for (code, name), d in self.c.file_sections.items():
            section = self.sections.get((code, name)) or Section(unit=self.units[code], name=name)
            data = {
                k: d[k]
                for k in (
                    "mode",
                    "phone",
                    "duties",
                    "hall_presence",
                    "presence_reason",
                    "presence_plan",
                    "basis",
                )
            }
            d["_action"] = self.save(
                S.SECTIONS, d["_row"], section, data, f"{self.units[code].name}·{name}"
            )
            self.sections[(code, name)] = section

    def write_staff(self) -> None:
        for d in self.c.file_staff:
            staff = d["_existing"] or Staff()
            section = self.sections[(d["unit"], d["section"])] if d["section"] else None
            data = {
                "name": d["name"],
                "mobile": d["mobile"],
                "unit": self.units[d["unit"]],
                "section": section,
                "title": d["title"],
                "establishment": d["establishment"],
                "establishment_exception": d["exception"],
                "active": d["active"],
            }
            label = d["username"] or d["mobile"][:3] + "****" + d["mobile"][-4:]
            action = self.save(S.STAFF, d["_row"], staff, data, label)
            self.staff_for[id(d)] = staff
            if d["username"] and self.account(staff, d) and action == "unchanged":
                action = "updated"
            self.count(S.STAFF, action)

    def account(self, staff: Staff, d: dict) -> bool:
        """The person's login: made with a first password when new, its name and roles kept
        as the file says. Whether anything changed."""
        user = staff.user
        changed = new = user is None
        if new:
            password = self.initial_password or new_password()
            user = User(username=d["username"], display_name=d["name"])
            if self.initial_password is None:
                user.password = first_password_hash(password)
                user.password_change_required = True
            else:
                user.set_password(password)
            user.save()
            staff.user = user
            staff.save(update_fields=["user"])
            self.result.passwords.append((d["name"], str(staff.unit), d["username"], password))
            self.log.append([S.STAFF.title, d["username"], "account", []])
        elif user.display_name != d["name"]:
            user.display_name = d["name"]
            user.save(update_fields=["display_name"])
            changed = True
        wanted = set(d["roles"])
        held = set() if new else set(user.roles.values_list("code", flat=True))
        kept = held - FILE_ROLES  # the administrator's role: a file neither gives nor takes it
        have = held & FILE_ROLES
        if wanted != have:
            if new:  # nothing to compare with
                user.roles.add(*[self.roles[c] for c in wanted])
            else:
                user.roles.set([self.roles[c] for c in wanted | kept])
            self.log.append(
                [S.STAFF.title, d["username"], "roles", [["角色", _roles(have), _roles(wanted)]]]
            )
            changed = True
        return changed

    @staticmethod
    def merged(first: str, second: str) -> str:
        if first == "created":
            return first
        return "updated" if "updated" in (first, second) else "unchanged"

    def write_links(self) -> None:
        """Section heads and unit leadership: they name people, who exist only now."""
        for (code, name), d in self.c.file_sections.items():
            section = self.sections[(code, name)]
            data = {"head": self.person(d["_head"])}
            action = self.save(
                S.SECTIONS, d["_row"], section, data, f"{self.units[code].name}·{name}"
            )
            self.count(S.SECTIONS, self.merged(d["_action"], action))
        for code, d in self.c.file_units.items():
            lead = self.sections[(code, d["lead_section"])] if d["lead_section"] else None
            data = {"lead_section": lead, "leader_in_charge": self.person(d["_leader"])}
            action = self.save(S.UNITS, d["_row"], self.units[code], data, code)
            self.count(S.UNITS, self.merged(d["_action"], action))

    def write_halls(self) -> None:
        for name, d in self.c.file_halls.items():
            hall = self.halls.get(name) or Hall(name=name)
            data = {
                "kind": d["kind"],
                "region": self.regions[d["region"]],
                "owner_unit": self.units[d["owner"]] if d["owner"] else None,
                "address": d["address"],
                "hours": d["hours"],
                "phone": d["phone"],
            }
            self.count(S.HALLS, self.save(S.HALLS, d["_row"], hall, data, name))
            self.halls[name] = hall

    def write_posts(self) -> None:
        for (hall_name, number), d in self.c.file_posts.items():
            hall = self.halls[hall_name]
            post = self.c.db_posts.get((hall_name, number))
            created = post is None
            units = [self.units[code] for code in d["units"]]
            if created:
                post = WindowPost(hall=hall, number=d["number"])
                before, old_units = {}, set()
            else:
                old = list(post.units.all())
                before, old_units = post_snapshot(post, old), {u.pk for u in old}
            data = {
                "name": d["name"],
                "kind": d["kind"],
                "staff_a": self.person(d["_a"]),
                "staff_b": self.person(d["_b"]),
                "active": d["active"],
            }
            action = self.save(S.POSTS, d["_row"], post, data, f"{hall_name}{d['number']}号窗口")
            if created or old_units != {u.pk for u in units}:
                post.units.set(units)
            after = post_snapshot(post, units)
            changes = [[k, before.get(k, ""), v] for k, v in after.items() if before.get(k) != v]
            if changes and action == "unchanged":
                action = "updated"
            self.count(S.POSTS, action)
            if changes:
                SetupChange(
                    hall=hall,
                    post=post,
                    action=SetupChange.Action.CREATED if created else SetupChange.Action.EDITED,
                    changes=changes,
                    by=self.user,
                    by_name=(str(self.user) if self.user else "机构人员导入")[:50],
                ).save()


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


FILE_ROLES = frozenset(code for code, _label in S.STAFF_ROLES)


def _roles(codes) -> str:
    return "、".join(sorted(str(dict(S.STAFF_ROLES).get(c, c)) for c in codes))


FIELD_COLUMNS = {
    "regions": {"code": "code", "name": "name", "level": "level", "parent": "parent"},
    "units": {
        "name": "name",
        "short_name": "short_name",
        "credit_code": "credit_code",
        "region": "region",
        "kind": "kind",
        "lead_section": "lead_section",
        "leader_in_charge": "leader",
    },
    "sections": {
        "name": "name",
        "mode": "mode",
        "head": "head",
        "phone": "phone",
        "duties": "duties",
        "hall_presence": "hall_presence",
        "presence_reason": "presence_reason",
        "presence_plan": "presence_plan",
        "basis": "basis",
    },
    "staff": {
        "name": "name",
        "mobile": "mobile",
        "unit": "unit",
        "section": "section",
        "title": "title",
        "establishment": "establishment",
        "establishment_exception": "exception",
    },
    "halls": {"name": "name", "kind": "kind", "region": "region", "owner_unit": "owner"},
    "posts": {"number": "number", "name": "name", "staff_a": "staff_a", "staff_b": "staff_b"},
}


def _field_problems(sheet: S.Sheet, row: int, exc: ValidationError) -> list:
    """A model's own refusal (the safety net behind the checks) as problems of the row."""
    columns = FIELD_COLUMNS.get(sheet.key, {})
    headers = {name: sheet.col(key).header for name, key in columns.items()}
    return import_report.from_validation_error(
        exc, sheet=sheet.title, row=row, headers=headers, kinds=dict.fromkeys(headers, Kind.RULE)
    )
