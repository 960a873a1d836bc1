"""Applicant accounts: natural persons (实名注册), organisations (法人) with the people
authorised to act for them (经办人), mobile verification codes, and single sign-on links."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from onewindow.common import crypto
from onewindow.common.fields import EncryptedCharField
from onewindow.common.masking import mask_id_number, mask_mobile


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: the family name's first character only."""
    name = name or ""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


class Person(models.Model):
    """A natural person's identity behind a login. The ID number and the mobile are kept
    encrypted (the applying forms pre-fill them); their digests serve exact look-ups.

    `assurance` says how far the ID number is known to be the person's own: "mobile" (网上注册:
    only the mobile was proven, the ID number is self-declared), "hall" (a clerk checked the ID
    card at a desk) or "province" (the province's unified identity). Only hall and province
    persons are verified (accounts.identities.Identity.verified)."""

    class Source(models.TextChoices):
        REGISTERED = "registered", "网上注册（短信验证）"
        OIDC = "oidc", "省统一身份认证"

    class Assurance(models.TextChoices):
        MOBILE = "mobile", "手机验证（身份证号码未核验）"
        HALL = "hall", "政务服务中心现场核验"
        PROVINCE = "province", "省统一身份认证"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person"
    )
    name = models.CharField("姓名", max_length=30)
    id_number = EncryptedCharField("居民身份证号码", max_plain_length=18)
    # The same digest as User.identity_digest and Case.applicant_id_digest; unique, so two
    # registrations of one number at the same moment cannot both succeed.
    id_digest = models.CharField(max_length=64, unique=True, editable=False)
    mobile = EncryptedCharField("手机号码", max_plain_length=11, blank=True)
    mobile_digest = models.CharField(max_length=64, db_index=True, blank=True, editable=False)
    source = models.CharField("注册方式", max_length=12, choices=Source.choices)
    assurance = models.CharField(
        "实名核验程度", max_length=10, choices=Assurance.choices, default=Assurance.MOBILE
    )
    created_at = models.DateTimeField("注册时间")
    # The ID number was taken over by its verified owner (省统一身份认证): the number is gone
    # from this row (its digest no longer matches), the row stays as the record.
    released_at = models.DateTimeField("身份证号码释放时间", null=True, blank=True)
    # The digest the row had, so the old account's next sign-in attempt is told what happened.
    released_id_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "自然人账号"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Derived from the numbers, so no writer can let them drift. A released row keeps a
        # digest no number has (unique, matching nothing).
        if self.released_at is not None:
            self.id_digest = f"released-{self.pk}"
        else:
            self.id_digest = crypto.digest(self.id_number)
        self.mobile_digest = crypto.digest(self.mobile) if self.mobile else ""
        super().save(*args, **kwargs)

    @property
    def verified(self) -> bool:
        return self.released_at is None and self.assurance in (
            self.Assurance.HALL,
            self.Assurance.PROVINCE,
        )

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def mobile_masked(self) -> str:
        return mask_mobile(self.mobile)


class Organisation(models.Model):
    """A legal person (企业、社会组织等) registered by an applicant, its administrator. It is
    待核验 (unverified) until the province's unified identity vouches for the credit code (a
    legal-person claim) or a hall clerk checks the business licence; several unverified claims
    of one code may exist, one verified at most."""

    class Verification(models.TextChoices):
        PROVINCE = "province", "省统一身份认证（法人）"
        HALL = "hall", "政务服务中心核验营业执照"

    name = models.CharField("单位名称", max_length=100)
    credit_code = EncryptedCharField("统一社会信用代码", max_plain_length=18)
    credit_code_digest = models.CharField(max_length=64, db_index=True, editable=False)
    legal_rep_name = models.CharField("法定代表人", max_length=30)
    legal_rep_id = EncryptedCharField("法定代表人身份证号码", max_plain_length=18)
    legal_rep_id_digest = models.CharField(max_length=64, db_index=True, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间")
    verified_at = models.DateTimeField("核验时间", null=True, blank=True)
    verified_how = models.CharField(
        "核验方式", max_length=10, choices=Verification.choices, blank=True
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Another registration of the same credit code was verified: this pending claim ended (its
    # memberships revoked at that moment), kept so its members are told on 我的单位.
    superseded_at = models.DateTimeField("失效时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "法人单位"
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code_digest"],
                condition=Q(verified_at__isnull=False),
                name="organisation_verified_once",
            ),
            models.UniqueConstraint(
                fields=["credit_code_digest", "registered_by"],
                name="organisation_claim_once_per_user",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.credit_code_digest = crypto.digest(self.credit_code)
        self.legal_rep_id_digest = crypto.digest(self.legal_rep_id)
        super().save(*args, **kwargs)

    @property
    def verified(self) -> bool:
        return self.verified_at is not None

    @property
    def credit_code_masked(self) -> str:
        return mask_id_number(self.credit_code)

    @property
    def legal_rep_id_masked(self) -> str:
        return mask_id_number(self.legal_rep_id)


class Membership(models.Model):
    """Who may act for an organisation: its administrator (the person who registered it) and
    the operators (经办人) the administrator authorised. Revoked rows stay as the record."""

    class Role(models.TextChoices):
        ADMIN = "admin", "管理员"
        OPERATOR = "operator", "经办人"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("身份", max_length=10, choices=Role.choices)
    # An operator is invited until they accept on their own 我的单位 page (their name and ID
    # number are shown masked to the organisation until then); the administrator at once.
    accepted_at = models.DateTimeField("接受时间", null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField("授权时间")
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "单位授权"
        ordering = ["organisation", "granted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=Q(revoked_at__isnull=True),
                name="membership_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_role_display()}"

    @property
    def accepted(self) -> bool:
        return self.accepted_at is not None

    @property
    def shown_name(self) -> str:
        """The member's name as the organisation sees it: masked until they accept."""
        person = getattr(self.user, "person", None)
        name = person.name if person else str(self.user)
        return name if self.accepted_at is not None else mask_name(name)

    @property
    def shown_id(self) -> str:
        """The member's ID number as the organisation sees it: masked (more while invited)."""
        person = getattr(self.user, "person", None)
        if person is None or not person.id_number:
            return "—"
        if self.accepted_at is None:
            return person.id_number[:1] + "*" * 16 + person.id_number[-1:]
        return person.id_number_masked

    @property
    def state_label(self) -> str:
        if self.revoked_at is not None:
            return "已撤销"
        return "已生效" if self.accepted_at is not None else "待对方接受"


class PhoneCode(models.Model):
    """A verification code sent by SMS: only its salted keyed hash is kept; it expires, allows a
    few wrong tries, and is used once."""

    purpose = models.CharField(max_length=20, default="register")
    mobile_digest = models.CharField(max_length=64, db_index=True)
    salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "短信验证码"
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["expires_at"], name="phonecode_expires")]

    def __str__(self) -> str:
        return f"验证码 {self.pk}"


class OidcLink(models.Model):
    """An account reached through the province's unified identity: (issuer, sub) → user."""

    issuer = models.CharField(max_length=200)
    sub = models.CharField(max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_links"
    )
    created_at = models.DateTimeField()
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "统一身份认证关联"
        constraints = [models.UniqueConstraint(fields=["issuer", "sub"], name="oidc_link_once")]

    def __str__(self) -> str:
        return f"{self.issuer} {self.sub}"
