"""The receiving address of a subscription: checked when it is given, and again before each send.

Only http(s). Intranet (RFC 1918 and other private) addresses are allowed: department systems
sit on the government network. Refused, whether written as an IP address or reached through a
host name: the machine itself (loopback, 127.0.0.0/8, ::1, localhost), link-local addresses
(169.254.0.0/16, fe80::/10, which hold a cloud host's metadata service), unspecified (0.0.0.0/8,
::), multicast and reserved addresses. ONEWINDOW_WEBHOOK_ALLOW_LOOPBACK allows loopback (tests,
a demo receiver on the same machine). An IPv4 address must be written the standard way (four
decimal numbers without leading zeros): `http://2852039166/`, `http://0x7f000001/`,
`http://127.1/` and `http://0177.0.0.1/` are refused, since the system's resolver would read
them as 169.254.169.254 and 127.0.0.1.

A host name is resolved when the subscription is made (refused if any of its addresses is) and
again before each send (DNS may have changed since: a name that now resolves to a refused
address fails the delivery with the reason). The send then connects to the address it checked,
not to whatever a second lookup would answer: the request goes to that IP with the name in the
Host header and as the TLS server name (SNI, and the certificate is checked against the name).
"""

import ipaddress
import re
import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError

from onewindow.webhooks.models import Subscription

IP = ipaddress.IPv4Address | ipaddress.IPv6Address
URL_MAX = Subscription._meta.get_field("url").max_length
# The last label is a number (decimal or 0x…): URL parsers and inet_aton read the host as IPv4.
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)
_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_ADVICE = "请填写部门系统所在服务器的地址。"


class Refused(Exception):
    """The address cannot receive deliveries; `str()` says why, in Chinese."""


def resolve(host: str, port: int) -> list[IP]:
    """The addresses `host` resolves to (the tests replace this function: no real DNS)."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[IP] = []
    for *_, sockaddr in found:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if ip not in addresses:
            addresses.append(ip)
    return addresses


def _embedded_v4(ip: IP) -> IP:
    """The IPv4 address an IPv6 one stands for (mapped ::ffff:a.b.c.d, NAT64, 6to4)."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip in _NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if ip.sixtofour is not None:
            return ip.sixtofour
    return ip


def refused_kind(ip: IP) -> str:
    """What kind of address refused `ip` is ("" when it may receive deliveries)."""
    ip = _embedded_v4(ip)
    if ip.is_loopback:
        if getattr(settings, "ONEWINDOW_WEBHOOK_ALLOW_LOOPBACK", False):
            return ""
        return "本机地址（localhost、127.0.0.0/8、::1）"
    if ip.is_link_local:
        return "链路本地地址（169.254.0.0/16、fe80::/10）"
    if ip.is_unspecified or ip in _THIS_NETWORK:
        return "未指定地址（0.0.0.0/8、::）"
    if ip.is_multicast:
        return "组播地址"
    if ip.is_reserved:
        return "保留地址"
    return ""


def literal(host: str) -> IP | None:
    """The IP address `host` is written as, None for a host name; Refused for an IPv4 address
    written in a non-standard form."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _NUMERIC_LABEL.match(host.rsplit(".", 1)[-1]):
        raise Refused(
            f"接收地址的主机“{host}”是非标准写法的IP地址；"
            "请写成标准的点分十进制（例如 10.1.2.3），或填写域名。"
        )
    if ":" in host:
        raise Refused(f"接收地址的主机“{host}”不是有效的IPv6地址。")
    return None


def _is_localhost(host: str) -> bool:
    host = host.lower()
    return host == "localhost" or host.endswith(".localhost")


@dataclass(frozen=True)
class Target:
    """Where one send goes: `url` with the checked IP in place of a host name, the name kept
    in the Host header and as the TLS server name."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    extensions: dict[str, str] = field(default_factory=dict)


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".")
    return host, parts.port or (443 if parts.scheme.lower() == "https" else 80)


def target(url: str, *, now: bool = False) -> Target:
    """The checked address to send to; Refused when it may not receive deliveries. `now`: the
    check before a send (the words say the name resolves differently than at subscription)."""
    host, port = _host_port(url)
    ip = literal(host)
    if ip is not None:
        kind = refused_kind(ip)
        if kind:
            raise Refused(f"接收地址不能是{kind}（{ip}）；{_ADVICE}")
        return Target(url)
    if _is_localhost(host) and not getattr(settings, "ONEWINDOW_WEBHOOK_ALLOW_LOOPBACK", False):
        raise Refused(f"接收地址不能是本机地址（localhost、127.0.0.0/8、::1）；{_ADVICE}")
    try:
        found = resolve(host, port)
    except (OSError, UnicodeError):
        found = []
    if not found:
        raise Refused(
            f"无法解析接收地址的主机名“{host}”（域名不存在或域名解析暂不可用），"
            "请检查地址是否正确。"
        )
    for ip in found:
        kind = refused_kind(ip)
        if kind and now:
            raise Refused(
                f"接收地址的主机名“{host}”现在解析到{kind}（{ip}），本次未推送；"
                "请部门系统的维护人员核对域名解析。"
            )
        if kind:
            raise Refused(f"接收地址的主机名“{host}”解析到{kind}（{ip}），不能接收推送；{_ADVICE}")
    try:
        given = httpx.URL(url)
        pinned = given.copy_with(host=str(found[0]))
    except httpx.InvalidURL:
        raise Refused("接收地址的格式无效。") from None
    name = given.raw_host.decode("ascii")  # an internationalised name as its A-label
    return Target(
        str(pinned),
        headers={"Host": given.netloc.decode("ascii")},
        extensions={"sni_hostname": name} if given.scheme == "https" else {},
    )


def check_url(url: str) -> str:
    """The address as it will be used, or ValidationError saying what is wrong with it."""
    url = (url or "").strip()
    if not url:
        raise ValidationError({"url": "请填写接收地址。"})
    if len(url) > URL_MAX:
        raise ValidationError({"url": f"接收地址不能超过{URL_MAX}个字符。"})
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise ValidationError({"url": "接收地址不能包含空格或控制字符。"})
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValidationError({"url": "接收地址的格式或端口无效。"}) from None
    if parts.scheme.lower() not in ("http", "https"):
        shown = parts.scheme or "无"
        raise ValidationError({"url": f"接收地址须以 http:// 或 https:// 开头（现为“{shown}”）。"})
    if not (parts.hostname or "").rstrip("."):
        raise ValidationError(
            {"url": "接收地址缺少主机名，例如 https://xt.example.gov.cn/onewindow/hooks。"}
        )
    if parts.username is not None or parts.password is not None:
        raise ValidationError({"url": "接收地址中不能包含用户名或密码；推送以签名证明来源。"})
    if parts.fragment:
        raise ValidationError({"url": "接收地址不能包含“#”及其后的片段。"})
    if port == 0:
        raise ValidationError({"url": "接收地址的端口无效。"})
    try:
        target(url)
    except Refused as exc:
        raise ValidationError({"url": str(exc)}) from None
    return url
