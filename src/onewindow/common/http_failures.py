"""Why an HTTP exchange with another system failed, in Chinese a manager can act on.

Shared by the department webhooks (the platform posts to a department system), the provincial
push and the provincial pull: each names the other side once in a `Peer`, and `describe` turns
an exception or an unaccepted HTTP status into one sentence for the page and the row's
last error. No personal data is ever in the sentence (only the exception's type name, never its
text, which may carry a URL with a query string).

    PROVINCE = Peer(name="省平台", address="省平台地址", system="省平台", credential="接入凭证",
                    request="推送")
    row.last_error = describe(exc, peer=PROVINCE, timeout=10)
"""

from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class Peer:
    """How the other side is named in the sentences.

    name: the side that answers (接收方, 省平台); address: what was called (接收地址);
    system: whose maintainers to contact (部门系统); credential: what a 401/403 points at
    (签名密钥); request: what the platform did (推送, 拉取).
    """

    name: str
    address: str
    system: str
    credential: str
    request: str


def describe(
    exc: BaseException | None = None,
    status: int | None = None,
    *,
    peer: Peer,
    timeout: float | None = None,
) -> str:
    """One sentence: why the request failed. Give the exception raised while sending (an
    `httpx.HTTPStatusError` counts as its status), or the status of an unaccepted answer."""
    if isinstance(exc, httpx.HTTPStatusError):
        exc, status = None, exc.response.status_code
    if isinstance(exc, httpx.TimeoutException):
        within = f"{timeout:g}秒内" if timeout is not None else "在时限内"
        return f"{peer.name}{within}未应答（超时），请检查{peer.system}是否正常运行。"
    if isinstance(exc, httpx.ConnectError):
        return (
            f"无法连接{peer.address}（连接被拒绝或网络不通），"
            f"请检查{peer.system}是否已启动、地址是否正确。"
        )
    if isinstance(exc, (ValueError, KeyError, TypeError, AttributeError)):
        # The answer came but is not what was agreed (not JSON, a field missing).
        return f"{peer.name}的应答格式不符（{type(exc).__name__}），请联系{peer.system}的维护人员。"
    if exc is not None:
        return f"{peer.request}请求出错（{type(exc).__name__}），请检查{peer.address}和网络。"
    if status in (401, 403):
        return (
            f"{peer.name}拒绝了{peer.request}（HTTP {status}），"
            f"请检查{peer.system}配置的{peer.credential}。"
        )
    if status is not None and 300 <= status < 400:
        return (
            f"{peer.name}要求重定向（HTTP {status}）；{peer.request}不跟随重定向，"
            f"请登记最终的{peer.address}。"
        )
    if status is not None and status >= 500:
        return f"{peer.name}服务器出错（HTTP {status}），请联系{peer.system}的维护人员。"
    return f"{peer.name}未接受{peer.request}（HTTP {status}），请联系{peer.system}的维护人员。"
