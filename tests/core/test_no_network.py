"""No test reaches the network: pytest-socket (pyproject's addopts) lets a socket connect to this machine only."""

import os
import socket
import threading

import pytest
from pytest_socket import SocketConnectBlockedError


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
@pytest.mark.parametrize("address", [("192.0.2.1", 80), ("8.8.8.8", 53), ("2001:db8::1", 443)])
def test_a_socket_to_another_host_is_refused_before_it_connects(address):
    family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock, pytest.raises(SocketConnectBlockedError):
        sock.connect(address)


def test_a_socket_to_this_machine_still_connects():
    """Dask's local cluster and anything else that talks to localhost keep working."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        accepted = threading.Thread(target=lambda: server.accept()[0].close())
        accepted.start()
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        accepted.join(timeout=5)


def test_the_hugging_face_hub_is_offline_for_every_test():
    """Set before any test module imports huggingface_hub, which reads it once (tests/conftest.py)."""
    import huggingface_hub.constants as hub

    assert os.environ["HF_HUB_OFFLINE"] == "1" and hub.HF_HUB_OFFLINE is True
