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
number and body answer with the same case, a refusal counts one more attempt)."""

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

log = logging.getLogger("onewindow.province")
PAGE_SIZE = 50

_client: httpx.Client | None = None


def _http() -> httpx.Client:
    global _client
    if _client is None:
        _client = httpx.Client(timeout=30.0)
    return _client


@dataclass
class PullResult:
    pages: int = 0
    received: int = 0
    refused: int = 0
    errors: list[str] = field(default_factory=list)


def pull(pages: int = 20) -> PullResult:
    """Read up to `pages` pages from the platform's download interface (nothing when no URL)."""
    url = getattr(settings, "ONEWINDOW_PROVINCE_PULL_URL", "")
    result = PullResult()
    if not url:
        return result
    state, _ = ProvincePull.objects.get_or_create(url=url[:300])
    headers = _headers()
    try:
        for _ in range(pages):
            reply = _http().get(
                url, params={"cursor": state.cursor, "limit": PAGE_SIZE}, headers=headers
            )
            reply.raise_for_status()
            page = reply.json()
            applications = page.get("applications") or []
            if not isinstance(applications, list):
                raise ValueError("applications 不是列表")
            results = [_take(data, url, result) for data in applications]
            if results:
                ack = _http().post(_ack_url(url), json={"results": results}, headers=headers)
                ack.raise_for_status()
            result.pages += 1
            cursor = page.get("next_cursor")
            moved = bool(cursor) and str(cursor) != state.cursor
            if moved:
                state.cursor = str(cursor)[:200]
            state.save(update_fields=["cursor"])
            if not applications or not moved:
                break
    except (httpx.HTTPError, ValueError, AttributeError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
        log.warning("provincial pull failed: %s", error)
        result.errors.append(error)
        state.last_error = error
    else:
        state.last_error = ""
        state.last_ok_at = timezone.now()
    state.last_run_at = timezone.now()
    state.received += result.received
    state.refused += result.refused
    state.save()
    return result


def _headers() -> dict[str, str]:
    token = getattr(settings, "ONEWINDOW_PROVINCE_PULL_TOKEN", "")
    return {"Authorization": f"Bearer {token}"} if token else {}


def _ack_url(url: str) -> str:
    return url.rstrip("/") + "/ack"


def _take(data, url: str, result: PullResult) -> dict:
    """One application through the intake; its line of the acknowledgement."""
    try:
        got = province.province_receive(
            data=data,
            read_file=lambda ref: _download(ref, url),
            source=settings.ONEWINDOW_PROVINCE_PULL_SOURCE,
            via=ProvinceApplication.Via.PULL,
        )
    except province.Refused as refusal:
        result.refused += 1
        return {
            "application_id": refusal.application_id,
            "status": "refused",
            "code": refusal.code,
            "detail": refusal.message,
        }
    result.received += 1
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
