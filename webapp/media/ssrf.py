"""SSRF guard for video origins: only http(s) to public addresses, unless a host is allow-listed.

The same check runs when an admin saves a source and on every connection the relay opens
(`GuardedAdapter` connects to the very address it checked, so DNS cannot change in between).
"""
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from requests.adapters import HTTPAdapter

from webapp.media.reasons import Reason

ALLOWED_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UnsafeTarget(Exception):
    """A URL we refuse to fetch; the message is safe to show to the admin who entered it."""


@dataclass(frozen=True)
class Target:
    """A checked destination: the URL's host and port and the address to connect to."""

    scheme: str
    hostname: str
    port: int
    address: str


def is_public_address(ip) -> bool:
    """True for globally routable unicast addresses (IPv4-mapped and embedded IPv4 unwrapped)."""
    if ip.version == 6:
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public_address(embedded)
    return ip.is_global and not (
        ip.is_multicast or ip.is_private or ip.is_loopback or ip.is_link_local
        or ip.is_reserved or ip.is_unspecified
    )


def is_allowed_host(hostname: str, port: int, allowed_hosts=None) -> bool:
    """True when `host` or `host:port` is listed in VIDEO_SOURCE_ALLOWED_HOSTS."""
    if allowed_hosts is None:
        allowed_hosts = current_app.config.get("VIDEO_SOURCE_ALLOWED_HOSTS") or []
    host = f"[{hostname}]" if ":" in hostname else hostname
    entries = {entry.strip().lower() for entry in allowed_hosts}
    return host in entries or f"{host}:{port}" in entries


def resolve(hostname: str, port: int) -> list:
    """All addresses the host name resolves to (an IP literal resolves to itself)."""
    try:
        infos = socket.getaddrinfo(hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeTarget(Reason("host_not_found", host=hostname)) from None
    addresses = []
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise UnsafeTarget(Reason("host_not_found", host=hostname))
    return addresses


def check_url(url: str, allowed_hosts=None) -> Target:
    """Check a URL's scheme and where its host resolves; return the address to connect to."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeTarget(Reason("url_invalid")) from None
    if parts.scheme not in ALLOWED_SCHEMES:
        raise UnsafeTarget(Reason("scheme_not_allowed"))
    hostname = (parts.hostname or "").rstrip(".")
    if not hostname:
        raise UnsafeTarget(Reason("url_no_host"))
    port = port or DEFAULT_PORTS[parts.scheme]
    addresses = resolve(hostname, port)
    if not is_allowed_host(hostname, port, allowed_hosts):
        if not all(is_public_address(ip) for ip in addresses):
            raise UnsafeTarget(Reason("host_private", host=hostname))
    return Target(parts.scheme, hostname, port, str(addresses[0]))


class GuardedAdapter(HTTPAdapter):
    """A transport adapter that checks every connection's target and connects to the checked IP.

    TLS still verifies the certificate against the URL's host name (server_hostname), and the
    Host header keeps the name, so virtual hosts and HTTPS origins work as usual. The checked
    target is left on the request (`request.checked_target`, so `response.request.checked_target`)
    for callers that hand the connection on (nginx's offload connects to the same address).
    """

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        target = check_url(request.url)
        request.checked_target = target
        host_params["host"] = target.address
        if target.scheme == "https":
            pool_kwargs["server_hostname"] = target.hostname
            pool_kwargs["assert_hostname"] = target.hostname
        return host_params, pool_kwargs

    def add_headers(self, request, **kwargs):
        """The connection goes to an IP address: name the virtual host explicitly."""
        netloc = urlsplit(request.url).netloc.rpartition("@")[2]
        request.headers["Host"] = netloc
