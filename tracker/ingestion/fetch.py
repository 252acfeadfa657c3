"""Fetching a URL from the outside world without letting it reach inside.

Every hop (the first request and each redirect, which we follow ourselves) is
checked: http or https only, on an allowed port (80 and 443 unless
FETCH_ALLOWED_PORTS widens the list), and every address the host name resolves to
(with a time limit) must be a public one by our own explicit network lists, the
same on every Python version. The connection then goes to the address that was checked (the
URL is rewritten to the IP, the Host header and TLS SNI keep the name), so a
DNS answer that changes between check and connect cannot slip through. Bodies
are streamed, decompressed by us with a cap, and refused past a size limit, or
when they are binary whatever their declared type says.
"""

from __future__ import annotations

import concurrent.futures
import email.utils
import ipaddress
import socket
import time
import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx
from charset_normalizer import from_bytes
from django.conf import settings

from tracker.ingestion.sniff import binary_kind

ALLOWED_SCHEMES = {"http", "https"}
REDIRECT_CODES = {301, 302, 303, 307, 308}


class FetchError(Exception):
    """A fetch that failed; ``transient`` says whether trying again later may work."""

    transient = False

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class RefusedURL(FetchError):
    """The URL or an address it leads to is not one we fetch (scheme, private address...)."""


class TransientFetchError(FetchError):
    """A network error, a 5xx or a 429: worth retrying with backoff."""

    transient = True


@dataclass
class Fetched:
    url: str  # the final URL, after redirects
    status: int
    content_type: str
    body: bytes
    charset: str | None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        return decode_body(self.body, self.charset)


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    connect_timeout: float
    read_timeout: float
    max_redirects: int
    allow_private: (
        bool | tuple[str, ...]
    )  # True, or only these networks (the tests allow 127.0.0.0/8)
    allowed_content_types: tuple[str, ...]
    user_agent: str
    total_timeout: float = (
        60.0  # a server dripping bytes slower than the read timeout still stops here
    )
    allowed_ports: tuple[tuple[int, int], ...] = ((80, 80), (443, 443))
    dns_timeout: float = 5.0

    @classmethod
    def from_settings(cls, **overrides) -> Limits:
        values = {
            "max_bytes": settings.FETCH_MAX_BYTES,
            "connect_timeout": settings.FETCH_CONNECT_TIMEOUT,
            "read_timeout": settings.FETCH_READ_TIMEOUT,
            "max_redirects": settings.FETCH_MAX_REDIRECTS,
            "allow_private": _allowance(settings.FETCH_ALLOW_PRIVATE_ADDRESSES),
            "allowed_content_types": tuple(settings.FETCH_ALLOWED_CONTENT_TYPES),
            "user_agent": settings.FETCH_USER_AGENT,
            "total_timeout": settings.FETCH_TOTAL_TIMEOUT,
            "allowed_ports": tuple(tuple(pair) for pair in settings.FETCH_ALLOWED_PORTS),
            "dns_timeout": settings.FETCH_DNS_TIMEOUT,
        }
        values.update(overrides)
        return cls(**values)


def fetch(
    url: str, *, headers: dict[str, str] | None = None, limits: Limits | None = None
) -> Fetched:
    """GET ``url`` safely, following up to ``max_redirects`` redirects, each one checked."""
    limits = limits or Limits.from_settings()
    request_headers = {
        "User-Agent": limits.user_agent,
        "Accept": "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
        "application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.1",
        "Accept-Encoding": "gzip, deflate",
        **(headers or {}),
    }
    timeout = httpx.Timeout(limits.read_timeout, connect=limits.connect_timeout)
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
        current = url
        for _hop in range(limits.max_redirects + 1):
            target = check_url(
                current,
                allow_private=limits.allow_private,
                allowed_ports=limits.allowed_ports,
                dns_timeout=limits.dns_timeout,
            )
            response = send_pinned(client, target, request_headers)
            if response.status_code in REDIRECT_CODES:
                location = response.headers.get("location")
                if not location:
                    raise FetchError(
                        f"{current} redirected without a Location header.",
                        status=response.status_code,
                    )
                current = urljoin(current, location.strip())
                continue
            return _finish(current, response, limits)
    raise FetchError(f"Too many redirects (more than {limits.max_redirects}) starting at {url}.")


@dataclass(frozen=True)
class Target:
    url: str
    host: str
    address: str  # the checked IP we connect to


def _allowance(value) -> bool | tuple[str, ...]:
    if isinstance(value, list | tuple | set):
        return tuple(value)
    return bool(value)


def check_url(
    url: str,
    *,
    allow_private: bool | tuple[str, ...] = False,
    allowed_ports: tuple[tuple[int, int], ...] = ((80, 80), (443, 443)),
    dns_timeout: float = 5.0,
) -> Target:
    """Refuse what we never fetch; return the host and the checked address to connect to."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise RefusedURL(f"Not a valid URL: {url!r} ({exc}).") from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = f"{scheme}:" if scheme else "(none)"
        raise RefusedURL(f"Only http and https URLs can be fetched, not {shown} ({url[:200]}).")
    host = parts.hostname
    if not host:
        raise RefusedURL(f"The URL has no host name: {url[:200]}.")
    if parts.username or parts.password:
        raise RefusedURL("URLs with a user name or password are not fetched.")
    port = port or (443 if scheme == "https" else 80)
    if not any(low <= port <= high for low, high in allowed_ports):
        raise RefusedURL(
            f"Refused to fetch {url[:200]}: port {port} is not one the tracker fetches from "
            "(80 and 443; FETCH_ALLOWED_PORTS widens the list)."
        )
    addresses = _resolve(host, port, dns_timeout)
    if allow_private is not True:
        allowed = [ipaddress.ip_network(n, strict=False) for n in (allow_private or ())]
        for address in addresses:
            reason = non_public_reason(address)
            if reason and not any(address.version == n.version and address in n for n in allowed):
                shown = host if host == str(address) else f"{host} ({address})"
                raise RefusedURL(
                    f"Refused to fetch {shown}: it is a {reason} address, and the tracker only "
                    "fetches from the public internet."
                )
    return Target(url=url.strip(), host=host, address=str(addresses[0]))


# getaddrinfo has no timeout of its own; lookups run on a few threads and we stop waiting.
_resolver = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="dns")


def _resolve(
    host: str, port: int, timeout: float = 5.0
) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    lookup = _resolver.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        infos = lookup.result(timeout=timeout)
    except concurrent.futures.TimeoutError:
        lookup.cancel()
        raise TransientFetchError(
            f"The address {host} could not be found (DNS): no answer within {timeout:g} s."
        ) from None
    except (socket.gaierror, UnicodeError):
        raise FetchError(f"The address {host} could not be found (DNS).") from None
    addresses = []
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise FetchError(f"The address {host} could not be found (DNS).")
    return addresses


def _networks(
    *rows: tuple[str, str],
) -> list[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str]]:
    return [(ipaddress.ip_network(network), reason) for network, reason in rows]


# Our own lists (IANA special-purpose registries), not ipaddress's is_private/is_global, whose
# answers changed between Python 3.11 and 3.13: the same address is refused on every version.
_IPV4_NON_PUBLIC = _networks(
    ("0.0.0.0/8", "unspecified"),
    ("10.0.0.0/8", "private"),
    ("100.64.0.0/10", "private"),  # carrier-grade NAT
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"),
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "reserved"),
    ("192.0.2.0/24", "reserved"),
    ("192.88.99.0/24", "reserved"),
    ("192.168.0.0/16", "private"),
    ("198.18.0.0/15", "reserved"),
    ("198.51.100.0/24", "reserved"),
    ("203.0.113.0/24", "reserved"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),  # includes 255.255.255.255
)
_IPV6_NON_PUBLIC = _networks(
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("fe80::/10", "link-local"),
    ("fc00::/7", "private"),
    ("ff00::/8", "multicast"),
    ("2001:db8::/32", "reserved"),
    ("2001:2::/48", "reserved"),
    ("2001:10::/28", "reserved"),
    ("2001:20::/28", "reserved"),
)
_IPV6_GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")
_TEREDO = ipaddress.ip_network("2001::/32")
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")


def non_public_reason(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why ``address`` is not on the public internet ("private", "loopback"...), or None."""
    if isinstance(address, ipaddress.IPv4Address):
        return next((reason for net, reason in _IPV4_NON_PUBLIC if address in net), None)
    if address.ipv4_mapped is not None:
        return non_public_reason(address.ipv4_mapped)
    reason = next((reason for net, reason in _IPV6_NON_PUBLIC if address in net), None)
    if reason:
        return reason
    if address not in _IPV6_GLOBAL_UNICAST:
        return "reserved"  # IPv4-compatible, NAT64, discard and everything IANA has not given out
    # 6to4 and Teredo carry an IPv4 address inside; a private one there reaches the inside.
    embedded = []
    if address in _SIX_TO_FOUR:
        embedded.append(address.sixtofour)
    elif address in _TEREDO:
        embedded.extend(address.teredo)
    elif address in ipaddress.ip_network("2001::/23"):
        return "reserved"  # IETF protocol assignments
    for inner in embedded:
        reason = non_public_reason(inner)
        if reason:
            tunnel = "6to4" if address in _SIX_TO_FOUR else "Teredo"
            return f"{reason} IPv4 inside a {tunnel}"
    return None


def send_pinned(
    client: httpx.Client,
    target: Target,
    headers: dict[str, str],
    *,
    method: str = "GET",
    content: bytes | None = None,
) -> httpx.Response:
    """Send the request to the checked address, keeping the name for Host and SNI (article
    fetching GETs; webhooks POST through the same door)."""
    url = httpx.URL(target.url)
    pinned = url.copy_with(host=target.address)
    host_header = url.netloc.decode("ascii")
    request = client.build_request(
        method,
        pinned,
        headers={**headers, "Host": host_header},
        content=content,
        extensions={"sni_hostname": target.host},
    )
    try:
        response = client.send(request, stream=True)
    except httpx.TimeoutException as exc:
        raise TransientFetchError(
            f"{target.url} did not answer in time ({type(exc).__name__})."
        ) from None
    except httpx.TransportError as exc:
        raise TransientFetchError(
            f"Network error fetching {target.url}: {exc or type(exc).__name__}."
        ) from None
    if response.status_code in REDIRECT_CODES:
        response.close()
    return response


def _finish(url: str, response: httpx.Response, limits: Limits) -> Fetched:
    try:
        status = response.status_code
        if status == 304:
            return Fetched(
                url=url,
                status=status,
                content_type="",
                body=b"",
                charset=None,
                headers=dict(response.headers),
            )
        if status == 429 or status >= 500:
            raise TransientFetchError(
                f"{url} answered {status} {response.reason_phrase}.",
                status=status,
                retry_after=parse_retry_after(response.headers.get("retry-after")),
            )
        if status >= 400:
            raise FetchError(f"{url} answered {status} {response.reason_phrase}.", status=status)
        if status != 200:
            raise FetchError(
                f"{url} answered {status}, which is not a page we can ingest.", status=status
            )
        content_type, charset = _content_type(response.headers.get("content-type", ""))
        if content_type not in limits.allowed_content_types:
            raise FetchError(
                f"{url} is {content_type or 'of no declared type'}; the tracker ingests only "
                f"{', '.join(limits.allowed_content_types)}."
            )
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limits.max_bytes:
            raise FetchError(
                f"{url} is {int(declared):,} bytes; the limit is {limits.max_bytes:,} bytes."
            )
        body = _read_body(url, response, limits.max_bytes, time.monotonic() + limits.total_timeout)
        if not body.strip():
            raise FetchError(f"{url} answered with an empty body.")
        kind = binary_kind(body)
        if kind:
            raise FetchError(
                f"{url} says it is {content_type} but sends {kind}; the tracker expected an "
                "HTML page, plain text or a feed."
            )
        return Fetched(
            url=url,
            status=status,
            content_type=content_type,
            body=body,
            charset=charset,
            headers=dict(response.headers),
        )
    except httpx.TimeoutException:
        raise TransientFetchError(
            f"{url} stopped sending in the middle of the page (read timeout)."
        ) from None
    except httpx.TransportError as exc:
        raise TransientFetchError(
            f"Network error reading {url}: {exc or type(exc).__name__}."
        ) from None
    finally:
        response.close()


def _read_body(url: str, response: httpx.Response, max_bytes: int, deadline: float) -> bytes:
    """Stream the raw body and decompress it ourselves, so a gzip bomb stops at ``max_bytes``."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding in {"", "identity"}:
        decoder = None
    elif encoding in {"gzip", "x-gzip"}:
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        decoder = zlib.decompressobj()
    else:
        raise FetchError(
            f"{url} is compressed with {encoding!r}, which the tracker does not accept."
        )
    too_big = FetchError(f"{url} is larger than the limit of {max_bytes:,} bytes.")
    chunks: list[bytes] = []
    size = 0
    raw_size = 0
    try:
        for raw in response.iter_raw(chunk_size=65536):
            if time.monotonic() > deadline:
                raise TransientFetchError(
                    f"{url} is sending too slowly (total time limit reached)."
                )
            raw_size += len(raw)
            if raw_size > max_bytes:
                raise too_big
            if decoder is None:
                out = raw
            else:
                out = decoder.decompress(raw, max_bytes - size + 1)
                # Whatever did not fit stays in unconsumed_tail: more than the limit, so stop.
                if decoder.unconsumed_tail:
                    raise too_big
            size += len(out)
            if size > max_bytes:
                raise too_big
            chunks.append(out)
        if decoder is not None:
            out = decoder.flush()
            size += len(out)
            if size > max_bytes:
                raise too_big
            chunks.append(out)
    except zlib.error as exc:
        raise FetchError(f"{url} sent a corrupt {encoding} body ({exc}).") from None
    return b"".join(chunks)


def _content_type(header: str) -> tuple[str, str | None]:
    main, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'").lower() or None
    return main.strip().lower(), charset


def decode_body(body: bytes, declared: str | None = None) -> str:
    """Bytes to text: BOMs and valid UTF-8 first, then the declared charset if the
    bytes agree with it, else charset-normalizer's best guess."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if body.startswith(bom):
            return body.decode(codec, errors="replace").lstrip("\ufeff")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(body[:200_000]).best()
    guessed = best.encoding if best is not None else None
    # A single-byte label (latin-1, cp1252) decodes anything, so it is trusted only when the
    # detector agrees that the text is Latin; a Cyrillic page labelled latin-1 is mislabelled.
    if (
        declared
        and declared not in {"utf-8", "utf8"}
        and _codec(declared)
        and (guessed is None or _same_family(declared, guessed))
    ):
        return body.decode(declared, errors="replace")
    if guessed:
        return body.decode(guessed, errors="replace")
    return body.decode("utf-8", errors="replace")


def _codec(name: str) -> str | None:
    import codecs

    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


_LATIN = {
    "latin_1",
    "iso8859_1",
    "cp1252",
    "iso8859_15",
    "ascii",
    "mac_roman",
    "cp1250",
    "iso8859_2",
}


def _same_family(declared: str, guessed: str) -> bool:
    a, b = _codec(declared), _codec(guessed)
    if a == b:
        return True
    return a in _LATIN and b in _LATIN


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def backoff_seconds(
    attempt: int, retry_after: float | None = None, *, base: float = 2.0, cap: float = 600.0
) -> float:
    """Exponential backoff with full jitter; a server's Retry-After wins when it asks for longer."""
    import random

    delay = random.uniform(0, min(cap, base * (2**attempt)))
    if retry_after is not None:
        delay = max(delay, min(retry_after, 3600.0))
    return delay
