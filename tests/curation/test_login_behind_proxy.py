"""Login lockout counts per client address: X-Forwarded-For is trusted exactly AXES_PROXY_COUNT
hops deep, so a spoofed header dodges nothing and one client behind the proxy cannot lock out
everyone else."""

import pytest

from tracker.settings import axes_client_address

WRONG = {"username": "cora", "password": "wrong guess"}
RIGHT = {"username": "cora", "password": "correct horse battery"}
PROXY = "10.0.0.2"
CLIENT_A, CLIENT_B = "81.2.69.142", "2.125.160.216"


@pytest.fixture
def proxies(settings):
    def behind(count: int) -> None:
        settings.AXES_IPWARE_META_PRECEDENCE_ORDER, settings.AXES_IPWARE_PROXY_COUNT = (
            axes_client_address(count)
        )

    return behind


def login(client, data, forwarded_for=None, remote=PROXY):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post("/accounts/login/", data, headers=headers, REMOTE_ADDR=remote)


def test_the_real_stack_resolves_addresses_with_django_ipware():
    from axes import helpers

    assert helpers.IPWARE_INSTALLED


def test_without_a_proxy_a_spoofed_forwarded_for_does_not_dodge_the_lockout(
    client, curator, proxies
):
    proxies(0)
    for n in range(5):
        response = login(client, WRONG, f"198.18.0.{n}", remote=CLIENT_A)
    assert response.status_code == 429
    assert login(client, RIGHT, "198.18.0.99", remote=CLIENT_A).status_code == 429


def test_behind_one_proxy_one_clients_failures_do_not_lock_out_another(client, curator, proxies):
    proxies(1)
    for _ in range(5):
        response = login(client, WRONG, CLIENT_A)
    assert response.status_code == 429
    assert login(client, RIGHT, CLIENT_A).status_code == 429, "client A is locked out"
    assert login(client, RIGHT, CLIENT_B).status_code == 302, "client B is not"


def test_behind_one_proxy_addresses_the_client_adds_to_the_header_are_not_trusted(
    client, curator, proxies
):
    proxies(1)
    # The proxy appends the address it saw; whatever the client sent stays on the left.
    for n in range(5):
        response = login(client, WRONG, f"198.18.0.{n}, {CLIENT_A}")
    assert response.status_code == 429
    assert login(client, RIGHT, f"{CLIENT_B}, {CLIENT_A}").status_code == 429
    assert login(client, RIGHT, f"{CLIENT_A}, {CLIENT_B}").status_code == 302


def test_behind_two_proxies_the_client_is_the_second_address_from_the_right(
    client, curator, proxies
):
    proxies(2)
    for _ in range(5):
        login(client, WRONG, f"{CLIENT_B}, {CLIENT_A}, 10.0.0.9")
    assert login(client, RIGHT, f"{CLIENT_B}, {CLIENT_A}, 10.0.0.9").status_code == 429
    assert login(client, RIGHT, f"{CLIENT_A}, {CLIENT_B}, 10.0.0.9").status_code == 302
