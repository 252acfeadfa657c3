"""Fetching refuses the inside network, odd schemes and hostile bodies, and names what went wrong."""

from __future__ import annotations

import socket
import zlib

import pytest
from django.conf import settings as django_settings

from tests.ingestion.conftest import (
    EPHEMERAL_PORTS,
    Reply,
    fixture_bytes,
    gzip_bomb,
    html_reply,
)
from tracker.ingestion import fetch as fetch_module
from tracker.ingestion.fetch import (
    FetchError,
    Limits,
    RefusedURL,
    TransientFetchError,
    backoff_seconds,
    decode_body,
    fetch,
    parse_retry_after,
)

PAGE = "<html><head><title>T</title></head><body><p>Hello from the local server.</p></body></html>"


def test_private_addresses_are_refused_unless_a_test_turns_that_off():
    assert django_settings.FETCH_ALLOW_PRIVATE_ADDRESSES is False
    assert Limits.from_settings().allow_private is False


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://127.0.0.1/", "loopback"),
        ("http://10.0.0.1/", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::1]/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://224.0.0.1/", "multicast"),
        ("http://240.0.0.1/", "reserved"),
        ("http://192.168.1.1/admin", "private"),
    ],
)
def test_it_refuses_non_public_addresses(url, kind):
    with pytest.raises(RefusedURL) as refused:
        fetch(url)
    assert f"it is a {kind} address" in str(refused.value)
    assert "only fetches from the public internet" in str(refused.value)


def test_it_refuses_a_host_name_that_resolves_to_a_private_address(http_server, settings):
    settings.FETCH_ALLOWED_PORTS = EPHEMERAL_PORTS
    http_server.routes["/page"] = html_reply(PAGE)
    url = http_server.url("/page").replace("127.0.0.1", "localhost")
    with pytest.raises(
        RefusedURL, match=r"Refused to fetch localhost \(.*\): it is a loopback address"
    ):
        fetch(url)
    assert http_server.requests == []


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.1/internal",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "file:///etc/passwd",
    ],
)
def test_it_refuses_a_redirect_to_a_private_address(http_server, allow_loopback, target):
    http_server.routes["/go"] = Reply(302, b"", {"Location": target})
    with pytest.raises(RefusedURL) as refused:
        fetch(http_server.url("/go"))
    assert http_server.hits("/go") == 1
    message = str(refused.value)
    assert "only fetches from the public internet" in message or "Only http and https" in message


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.org/file.txt",
        "gopher://example.org/1",
        "javascript:alert(1)",
        "data:text/html,<p>x</p>",
        "example.org/no-scheme",
    ],
)
def test_it_refuses_odd_schemes(url):
    with pytest.raises(RefusedURL, match="Only http and https URLs can be fetched"):
        fetch(url)


def test_it_refuses_urls_with_credentials():
    with pytest.raises(RefusedURL, match="user name or password"):
        fetch("http://user:secret@example.org/")


def test_it_connects_to_the_address_it_checked_and_keeps_the_host_name(
    http_server, allow_loopback, monkeypatch
):
    """A DNS answer that changes after the check (rebinding) is never asked for: we connect to the IP."""
    http_server.routes["/page"] = html_reply(PAGE)
    answers = iter(["127.0.0.1", "10.255.255.1", "10.255.255.1"])
    calls = []

    def rebinding_resolver(host, port, *args, **kwargs):
        if host == "127.0.0.1" or host == b"127.0.0.1":
            address = "127.0.0.1"  # an IP literal resolves to itself, as with the real resolver
        else:
            calls.append(host)
            address = next(answers)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(fetch_module.socket, "getaddrinfo", rebinding_resolver)
    port = http_server.server_address[1]
    result = fetch(f"http://news.rebind.test:{port}/page")
    assert result.status == 200 and b"Hello from the local server" in result.body
    assert calls == ["news.rebind.test"]
    assert http_server.requests[0]["headers"]["Host"] == f"news.rebind.test:{port}"


def test_it_sends_a_user_agent_naming_the_tracker(http_server, allow_loopback):
    http_server.routes["/page"] = html_reply(PAGE)
    fetch(http_server.url("/page"))
    assert "security-guarantee-tracker" in http_server.requests[0]["headers"]["User-Agent"]


def test_it_follows_redirects_itself_and_stops_after_the_limit(
    http_server, allow_loopback, settings
):
    settings.FETCH_MAX_REDIRECTS = 2
    http_server.routes["/a"] = Reply(301, b"", {"Location": "/b"})
    http_server.routes["/b"] = Reply(302, b"", {"Location": http_server.url("/page")})
    http_server.routes["/page"] = html_reply(PAGE)
    assert fetch(http_server.url("/a")).url == http_server.url("/page")
    http_server.routes["/loop"] = Reply(302, b"", {"Location": "/loop"})
    with pytest.raises(FetchError, match=r"Too many redirects \(more than 2\)"):
        fetch(http_server.url("/loop"))
    assert http_server.hits("/loop") == 3


def test_a_gzip_bomb_stops_at_the_size_limit(http_server, allow_loopback, settings):
    settings.FETCH_MAX_BYTES = 1024 * 1024
    bomb = gzip_bomb(200 * 1024 * 1024)
    assert len(bomb) < 300 * 1024
    http_server.routes["/bomb"] = Reply(
        200, bomb, {"Content-Type": "text/html", "Content-Encoding": "gzip"}
    )
    with pytest.raises(FetchError, match=r"larger than the limit of 1,048,576 bytes"):
        fetch(http_server.url("/bomb"))


def test_gzip_and_deflate_bodies_within_the_limit_are_decoded(http_server, allow_loopback):
    http_server.routes["/gz"] = Reply(
        200,
        zlib.compress(PAGE.encode()),
        {"Content-Type": "text/html", "Content-Encoding": "deflate"},
    )
    assert b"Hello from the local server" in fetch(http_server.url("/gz")).body


def test_a_50_mb_response_is_refused_whether_or_not_it_declares_its_length(
    http_server, allow_loopback
):
    fifty_mb = 50 * 1024 * 1024

    def streaming(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        chunk = b"<p>" + b"x" * 65533
        try:
            for _ in range(fifty_mb // len(chunk)):
                handler.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        return None

    http_server.routes["/declared"] = Reply(
        200, b"", {"Content-Type": "text/html", "Content-Length": str(fifty_mb)}
    )
    http_server.routes["/streamed"] = streaming
    with pytest.raises(FetchError, match=r"52,428,800 bytes; the limit is 5,242,880 bytes"):
        fetch(http_server.url("/declared"))
    with pytest.raises(FetchError, match=r"larger than the limit of 5,242,880 bytes"):
        fetch(http_server.url("/streamed"))


def test_an_empty_response_is_a_clear_error(http_server, allow_loopback):
    http_server.routes["/empty"] = Reply(200, b"", {"Content-Type": "text/html"})
    with pytest.raises(FetchError, match="answered with an empty body"):
        fetch(http_server.url("/empty"))


def test_a_server_that_answers_slowly_times_out(http_server, allow_loopback, settings):
    settings.FETCH_READ_TIMEOUT = 1
    http_server.routes["/slow"] = Reply(200, PAGE.encode(), {"Content-Type": "text/html"}, delay=3)
    with pytest.raises(TransientFetchError, match="did not answer in time"):
        fetch(http_server.url("/slow"))


def test_other_content_types_are_refused(http_server, allow_loopback):
    http_server.routes["/img"] = Reply(200, b"\x89PNG....", {"Content-Type": "image/png"})
    with pytest.raises(FetchError, match="is image/png; the tracker ingests only text/html"):
        fetch(http_server.url("/img"))


def test_5xx_and_429_are_transient_with_retry_after_but_404_is_not(http_server, allow_loopback):
    http_server.routes["/busy"] = Reply(
        429, b"slow down", {"Retry-After": "7", "Content-Type": "text/plain"}
    )
    http_server.routes["/down"] = Reply(503, b"down", {"Content-Type": "text/plain"})
    with pytest.raises(TransientFetchError) as busy:
        fetch(http_server.url("/busy"))
    assert busy.value.retry_after == 7 and busy.value.status == 429
    with pytest.raises(TransientFetchError, match="503"):
        fetch(http_server.url("/down"))
    with pytest.raises(FetchError) as missing:
        fetch(http_server.url("/missing"))
    assert missing.value.status == 404 and not missing.value.transient


def test_backoff_grows_exponentially_with_jitter_and_respects_retry_after():
    assert all(0 <= backoff_seconds(0) <= 2 for _ in range(50))
    assert max(backoff_seconds(5) for _ in range(200)) > 2
    assert all(backoff_seconds(5) <= 64 for _ in range(50))
    assert backoff_seconds(0, retry_after=30) >= 30
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0
    assert parse_retry_after("soon") is None


def test_utf8_and_declared_charsets_are_decoded():
    assert decode_body("Sécurité".encode()) == "Sécurité"
    assert (
        decode_body("Sécurité collective".encode("latin-1"), "iso-8859-1") == "Sécurité collective"
    )


def test_a_cyrillic_page_mislabelled_as_latin_1_is_decoded_as_cyrillic():
    body = fixture_bytes("pages", "zakharova_cp1251.html")
    text = decode_body(body, "iso-8859-1")
    assert "Россия категорически отвергает" in text
    assert "Ð" not in text


def test_an_unlabelled_non_utf8_page_is_detected():
    text = decode_body(fixture_bytes("pages", "zakharova_cp1251.html"), None)
    assert "Мария Захарова" in text


# --- Ports, tunnelled addresses, one classification everywhere, DNS ---------------------------


def test_only_ports_80_and_443_are_fetched_by_default():
    assert Limits.from_settings().allowed_ports == ((80, 80), (443, 443))
    with pytest.raises(RefusedURL, match="port 8080 is not one the tracker fetches from"):
        fetch("http://example.org:8080/admin")
    with pytest.raises(RefusedURL, match="port 22 is not one"):
        fetch("https://example.org:22/")


def test_fetch_allowed_ports_widens_the_list(settings):
    settings.FETCH_ALLOWED_PORTS = [(80, 80), (443, 443), (8000, 8100)]
    # Past the port check, the private address is what refuses it.
    with pytest.raises(RefusedURL, match="it is a private address"):
        fetch("http://10.0.0.1:8080/")


def test_the_allowed_ports_setting_is_checked_at_start_up(monkeypatch):
    from tracker.config import ConfigError, envports

    monkeypatch.setenv("FETCH_ALLOWED_PORTS", "80, 443,8000-8100")
    assert envports("FETCH_ALLOWED_PORTS", ["80"]) == [(80, 80), (443, 443), (8000, 8100)]
    monkeypatch.setenv("FETCH_ALLOWED_PORTS", "80,http")
    with pytest.raises(ConfigError, match="FETCH_ALLOWED_PORTS"):
        envports("FETCH_ALLOWED_PORTS", ["80"])


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://[2002:7f00:1::1]/", "loopback IPv4 inside a 6to4"),
        ("http://[2002:a00:1::1]/", "private IPv4 inside a 6to4"),
        ("http://[2002:a9fe:a9fe::1]/", "link-local IPv4 inside a 6to4"),
        # Teredo: server 65.54.227.120, client 10.0.0.1 (stored inverted in the last 32 bits).
        ("http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/", "private IPv4 inside a Teredo"),
        ("http://[2001:0:7f00:1:8000:63bf:3fff:fdd2]/", "loopback IPv4 inside a Teredo"),
    ],
)
def test_6to4_and_teredo_addresses_around_a_private_ipv4_are_refused(url, kind):
    with pytest.raises(RefusedURL, match=f"it is a {kind} address"):
        fetch(url)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("8.8.8.8", None),
        ("2606:4700:4700::1111", None),
        ("2002:808:808::1", None),  # 6to4 around a public address
        ("100.64.0.1", "private"),  # carrier-grade NAT: is_private False before 3.12.4
        ("192.0.0.9", "reserved"),  # is_global True on 3.13, False on 3.11
        ("192.0.0.170", "reserved"),
        ("198.18.0.1", "reserved"),
        ("192.0.2.1", "reserved"),
        ("0.1.2.3", "unspecified"),
        ("255.255.255.255", "reserved"),
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:8.8.8.8", None),
        ("::10.0.0.1", "reserved"),  # IPv4-compatible, deprecated
        ("64:ff9b::a00:1", "reserved"),  # NAT64
        ("64:ff9b:1::1", "reserved"),
        ("100::1", "reserved"),  # discard-only
        ("2001:db8::1", "reserved"),
        ("2001:2::1", "reserved"),
        ("2001:20::1", "reserved"),
        ("fd00::1", "private"),
        ("fe80::1", "link-local"),
        ("fec0::1", "reserved"),  # old site-local
        ("ff02::1", "multicast"),
        ("::", "unspecified"),
        ("::1", "loopback"),
    ],
)
def test_addresses_are_classified_by_our_own_lists_on_every_python_version(
    monkeypatch, address, reason
):
    import ipaddress

    # ipaddress's own answers changed between 3.11 and 3.13: refuse to consult them at all.
    for cls in (ipaddress.IPv4Address, ipaddress.IPv6Address):
        for name in ("is_private", "is_global", "is_reserved", "is_loopback", "is_link_local"):
            monkeypatch.setattr(cls, name, property(lambda self: pytest.fail("consulted")))
    assert fetch_module.non_public_reason(ipaddress.ip_address(address)) == reason


def test_a_slow_dns_answer_times_out(monkeypatch, settings):
    settings.FETCH_DNS_TIMEOUT = 1

    def slow_resolver(*args, **kwargs):
        import time

        time.sleep(4)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(fetch_module.socket, "getaddrinfo", slow_resolver)
    import time

    started = time.monotonic()
    with pytest.raises(TransientFetchError, match=r"slow\.example\.org could not be found \(DNS\)"):
        fetch("https://slow.example.org/")
    assert time.monotonic() - started < 3


def test_an_unresolvable_host_is_named_without_the_raw_socket_error(monkeypatch):
    def no_such_host(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(fetch_module.socket, "getaddrinfo", no_such_host)
    with pytest.raises(FetchError) as failed:
        fetch("https://no-such-host.example.org/news")
    assert str(failed.value) == "The address no-such-host.example.org could not be found (DNS)."
