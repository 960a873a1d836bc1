"""What the provincial platform sent (services/province.py): each application number and body
received, and the pull job's place in the platform's download interface. Models of the cases app
(imported by cases.models)."""

from django.db import models
from django.db.models import Q

from onewindow.common.fields import EncryptedJSONField


class ProvinceApplication(models.Model):
    """What became of an application received from the provincial platform (省平台申请接收记录):
    pushed to the endpoint or pulled by the job. One row per application number and body: the
    accepted one points at its case (the same body again answers with that case); a refused one
    keeps the reason for the hall manager, without the applicant's numbers."""

    class Via(models.TextChoices):
        PUSH = "push", "省平台推送"
        PULL = "pull", "定时拉取"

    application_id = models.CharField("省平台申报号", max_length=64)
    # SHA-256 of the application as received (its fields and each file's SHA-256).
    digest = models.CharField("内容摘要", max_length=64)
    via = models.CharField("接收方式", max_length=10, choices=Via.choices)
    source = models.CharField("提交系统", max_length=50)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name="办件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    code = models.CharField("拒收代码", max_length=30, blank=True)
    reason = models.CharField("拒收原因", max_length=300, blank=True)
    item_code = models.CharField("事项实施编码", max_length=60, blank=True)
    applicant_name = models.CharField("申请人", max_length=100, blank=True)
    # The GB/T 39046 6.2 record of an accepted application beyond what the case row holds
    # (address, legal representative, 申报来源, application time, materials as declared):
    # personal data, so encrypted; a refused application keeps none of it.
    record = EncryptedJSONField("申请信息", default=dict, blank=True)
    attempts = models.PositiveIntegerField("接收次数", default=1)
    first_at = models.DateTimeField("首次接收时间")
    last_at = models.DateTimeField("最近接收时间")

    class Meta:
        verbose_name = verbose_name_plural = "省平台申请接收记录"
        ordering = ["-last_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application_id", "digest"], name="province_application_body"
            ),
        ]
        indexes = [
            # The hall manager's list of refused applications, newest first.
            models.Index(
                fields=["-last_at"], condition=Q(case__isnull=True), name="province_refused"
            ),
            models.Index(fields=["case"], condition=Q(case__isnull=False), name="province_case"),
        ]

    def __str__(self) -> str:
        return self.application_id


class ProvincePull(models.Model):
    """The pull job's place in the platform's download interface (one row per URL): the cursor
    of the next page, and when it last ran and last succeeded, for the hall manager's page."""

    url = models.CharField("下载接口地址", max_length=300, unique=True)
    cursor = models.CharField("游标", max_length=200, blank=True)
    last_run_at = models.DateTimeField("最近运行时间", null=True, blank=True)
    last_ok_at = models.DateTimeField("最近成功时间", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=300, blank=True)
    received = models.PositiveIntegerField("累计接收", default=0)
    refused = models.PositiveIntegerField("累计拒收", default=0)
    # The records of the page at `cursor` already taken and acknowledged (their SHA-256), when
    # the platform gave no next cursor: asked for again, the page's new records only are taken.
    seen = models.JSONField("本页已接收", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "省平台申请拉取进度"

    def __str__(self) -> str:
        return self.url
