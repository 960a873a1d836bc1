"""The shared sentence for a failed HTTP exchange names the other side as its caller says."""

import httpx

from onewindow.common.http_failures import Peer, describe

PROVINCE = Peer(
    name="省平台", address="省平台地址", system="省平台", credential="接入凭证", request="拉取"
)


def test_each_kind_of_failure_names_the_peer():
    request = httpx.Request("GET", "http://province.invalid/pull?token=x")
    assert describe(httpx.ReadTimeout("t", request=request), peer=PROVINCE, timeout=7.5) == (
        "省平台7.5秒内未应答（超时），请检查省平台是否正常运行。"
    )
    assert describe(httpx.ConnectError("refused"), peer=PROVINCE).startswith("无法连接省平台地址")
    assert "请检查省平台配置的接入凭证" in describe(status=401, peer=PROVINCE)
    assert "拉取不跟随重定向，请登记最终的省平台地址" in describe(status=302, peer=PROVINCE)
    assert describe(ValueError("x"), peer=PROVINCE).startswith("省平台的应答格式不符（ValueError）")
    assert describe(status=422, peer=PROVINCE) == (
        "省平台未接受拉取（HTTP 422），请联系省平台的维护人员。"
    )


def test_a_status_error_counts_as_its_status_and_never_shows_the_exception_text():
    request = httpx.Request("GET", "http://province.invalid/pull?id_number=430902199001011234")
    response = httpx.Response(503, request=request)
    exc = httpx.HTTPStatusError("bad 430902199001011234", request=request, response=response)
    text = describe(exc, peer=PROVINCE)
    assert text == "省平台服务器出错（HTTP 503），请联系省平台的维护人员。"
    other = describe(httpx.RemoteProtocolError("430902199001011234"), peer=PROVINCE)
    assert "430902199001011234" not in other and "RemoteProtocolError" in other
