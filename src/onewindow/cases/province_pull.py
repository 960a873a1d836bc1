"""The job `province-pull`: for a platform that offers only a download interface, fetch the
applications it received, page by page, take each through the same intake as the push endpoint
(services.province), and acknowledge them.

The interface (`ONEWINDOW_PROVINCE_PULL_URL`, token `ONEWINDOW_PROVINCE_PULL_TOKEN`):

    GET  <url>?cursor=<c>&limit=<n>  → {"applications": [<6.2 record>, ...], "next_cursor": "..."}
    POST <url>/ack  {"results": [{"application_id", "status": "accepted", "case_id"} |
                                 {"application_id", "status": "refused", "code", "detail"}]}

Each material's file is `{"name", "url"}`, downloaded from the interface's own host (a URL
elsewhere is refused, not fetched; a file the platform cannot serve now stops the run before
the page is acknowledged, so the page comes again next time). The cursor of the next page is
kept in the database (ProvincePull) and moves only after the platform took the
acknowledgement: a page fetched again after a failure is received again harmlessly (the same
number and body answer with the same case, a refusal counts one more attempt).

A page whose `next_cursor` is empty (or the cursor it was asked with) is the end for now: the
cursor stays, and the job remembers which of the page's records it took and acknowledged
(ProvincePull.seen, each record's SHA-256), so the next run asks for the same page and takes
only what is new on it. One application that fails for an unforeseen reason (a defect, the
database) is not acknowledged: the others are, the cursor stays, and the run stops with the
error on the hall manager's page; the next run takes it again. The counters count new cases and
new refusals only, never a record taken again."""

import hashlib
import json
import logging
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from onewindow.cases.models import ProvinceApplication, ProvincePull
from onewindow.cases.services import province
from onewindow.cases.services.intake import max_upload_bytes
from onewindow.common.http_failures import Peer, describe

log = logging.getLogger("onewindow.province")
PAGE_SIZE = 50
HTTP_TIMEOUT = 30.0
PLATFORM = Peer(
    name="省平台",
    address="省平台下载接口",
    system="省平台",
    credential="拉取令牌（ONEWINDOW_PROVINCE_PULL_TOKEN）",
    request="拉取",
)

_client: httpx.Client | None = None


def _http() -> httpx.Client:
    global _client
    if _client is None:
        _client = httpx.Client(timeout=HTTP_TIMEOUT)
    return _client


@dataclass
class PullResult:
    pages: int = 0
    received: int = 0  # new cases
    refused: int = 0  # new refusals
    again: int = 0  # taken before (the same case, or one more attempt of the same refusal)
    errors: list[str] = field(default_factory=list)  # Chinese, as on the hall manager's page


def pull(pages: int = 20) -> PullResult:
    """Read up to `pages` pages from the platform's download interface (nothing when no URL)."""
    url = getattr(settings, "ONEWINDOW_PROVINCE_PULL_URL", "")
    result = PullResult()
    if not url:
        return result
    state, _ = ProvincePull.objects.get_or_create(url=url[:300])
    try:
        for _ in range(pages):
            if not _page(state, url, result):
                break
    except (httpx.HTTPError, ValueError, AttributeError) as exc:
        # The page and the row say it in Chinese; the technical detail goes to the log only.
        log.warning("provincial pull failed: %s: %s", type(exc).__name__, exc)
        result.errors.append(describe(exc, peer=PLATFORM, timeout=HTTP_TIMEOUT))
    now = timezone.now()
    if result.errors:
        state.last_error = result.errors[0][:300]
    else:
        state.last_error, state.last_ok_at = "", now
    state.last_run_at = now
    state.received += result.received
    state.refused += result.refused
    state.save()
    return result


def _page(state: ProvincePull, url: str, result: PullResult) -> bool:
    """One page taken and acknowledged; True when the cursor moved to a next page to read."""
    headers = _headers()
    reply = _http().get(url, params={"cursor": state.cursor, "limit": PAGE_SIZE}, headers=headers)
    reply.raise_for_status()
    page = reply.json()
    applications = page.get("applications") or []
    if not isinstance(applications, list):
        raise ValueError("applications 不是列表")
    seen, handled, lines, failed = set(state.seen), [], [], False
    for data in applications:
        key = _key(data)
        if key not in seen:  # else taken and acknowledged by an earlier run at this cursor
            line = _take(data, url, result)
            if line is None:
                failed = True
                continue
            lines.append(line)
        handled.append(key)
    if lines:
        ack = _http().post(_ack_url(url), json={"results": lines}, headers=headers)
        ack.raise_for_status()
    result.pages += 1
    cursor = str(page.get("next_cursor") or "")[:200]
    moved = bool(cursor) and cursor != state.cursor and not failed
    if moved:
        state.cursor, state.seen = cursor, []
    else:
        state.seen = handled  # the end for now, or a failure: the same page next time
    state.save(update_fields=["cursor", "seen"])
    return moved and bool(applications)


def _key(data) -> str:
    """A record as the platform sent it (its files by reference), to know it on the same page."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _headers() -> dict[str, str]:
    token = getattr(settings, "ONEWINDOW_PROVINCE_PULL_TOKEN", "")
    return {"Authorization": f"Bearer {token}"} if token else {}


def _ack_url(url: str) -> str:
    return url.rstrip("/") + "/ack"


def _take(data, url: str, result: PullResult) -> dict | None:
    """One application through the intake; its line of the acknowledgement, or None when it
    failed for an unforeseen reason (not acknowledged: taken again next run)."""
    try:
        got = province.province_receive(
            data=data,
            read_file=lambda ref: _download(ref, url),
            source=settings.ONEWINDOW_PROVINCE_PULL_SOURCE,
            via=ProvinceApplication.Via.PULL,
        )
    except province.Refused as refusal:
        if refusal.new:
            result.refused += 1
        else:
            result.again += 1
        return {
            "application_id": refusal.application_id,
            "status": "refused",
            "code": refusal.code,
            "detail": refusal.message,
        }
    except httpx.HTTPError:
        raise  # a file the platform cannot serve now: the page waits for the next run
    except Exception as exc:
        number = str(data.get("application_id", ""))[:64] if isinstance(data, dict) else ""
        # The type only: the message of an unforeseen error may hold what the applicant sent.
        log.error("provincial pull: application %s not taken: %s", number, type(exc).__name__)
        result.errors.append(
            f"省平台申报号“{number}”的申请处理出错（{type(exc).__name__}），未确认接收，"
            "下次拉取时重试；如反复出现，请联系系统维护人员（详情见日志）。"
        )
        return None
    if got.created:
        result.received += 1
    else:
        result.again += 1
    return {
        "application_id": got.case.province_application_id,
        "status": "accepted",
        "case_id": got.case.pk,
    }


def _download(ref: province.ProvinceFileIn, base: str) -> SimpleUploadedFile:
    """The file, from the interface's own host, read no further than the size limit."""
    if not ref.url:
        raise province.Refused("file_missing", f"文件“{ref.name}”没有下载地址。")
    target = urljoin(base, ref.url)
    if _origin(target) != _origin(base):
        raise province.Refused(
            "file_url", f"文件“{ref.name}”的下载地址不在省平台下载接口的主机上，未下载。"
        )
    limit = max_upload_bytes()
    chunks, size = [], 0
    with _http().stream("GET", target, headers=_headers()) as reply:
        if reply.status_code in (404, 410):
            raise province.Refused(
                "file_missing", f"文件“{ref.name}”在省平台上不存在（答复{reply.status_code}）。"
            )
        reply.raise_for_status()  # anything else may pass: the page waits for the next run
        for chunk in reply.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise province.Refused(
                    "file_too_large",
                    f"文件“{ref.name}”超过上限{limit // 1048576}MB，未接收。",
                )
            chunks.append(chunk)
    return SimpleUploadedFile(ref.name, b"".join(chunks))


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc
