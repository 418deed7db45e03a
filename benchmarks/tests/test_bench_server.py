"""The servers answer the routes, count requests and always stop."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest
from bench import procs
from bench import server as servers
from bench.procs import run_measured


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # 127.0.0.1 only
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


KINDS = [False] + ([True] if servers.nginx_binary() else [])


@pytest.mark.parametrize("allow_nginx", KINDS, ids=lambda allow: "nginx" if allow else "python")
@pytest.mark.parametrize("delay_ms", [0, 5])
def test_routes_and_count(tmp_path: Path, allow_nginx: bool, delay_ms: int) -> None:
    with servers.running_server(tmp_path / "s", delay_ms, allow_nginx) as server:
        assert server.base_url.startswith("http://127.0.0.1:")
        assert server.kind == servers.server_kind(delay_ms, allow_nginx)
        status, body = get(f"{server.base_url}/ok/12")
        assert status == 200
        assert "<title>Digital strategy /ok/12</title>" in body
        assert "<h1>" in body
        assert get(f"{server.base_url}/dead/7")[0] == 404
        assert get(f"{server.base_url}/robots.txt")[0] == 404
        assert server.served() == 3
        port = server.base_url.rsplit(":", 1)[1]
    with pytest.raises(OSError):
        get(f"http://127.0.0.1:{port}/ok/1")


def test_nginx_delays_with_the_echo_module_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = tmp_path / "ngx_http_echo_module.so"
    module.touch()
    monkeypatch.setattr(servers, "ECHO_MODULES", (module,))
    delayed = servers.nginx_config(tmp_path, 8000, 20)
    assert "echo_sleep 0.020;" in delayed
    assert f"load_module {module};" in delayed
    assert "echo_sleep" not in servers.nginx_config(tmp_path, 8000, 0)
    monkeypatch.setattr(servers, "ECHO_MODULES", ())
    if servers.nginx_binary():
        assert servers.server_kind(20) == "python"
        assert servers.server_kind(0) == "nginx"


def test_measured_child(tmp_path: Path) -> None:
    grow = ["python3", "-c", "block = bytearray(80 * 1024 * 1024); block[::4096] = b'x' * len(block[::4096])"]
    measured = run_measured(grow, cwd=tmp_path, stdout=tmp_path / "o", stderr=tmp_path / "e", timeout=60)
    assert measured.exit_code == 0
    assert measured.rss_kib > 80 * 1024
    stuck = run_measured(
        ["sleep", "60"], cwd=tmp_path, stdout=tmp_path / "o", stderr=tmp_path / "e", timeout=0.2
    )
    assert stuck.timed_out
    assert stuck.exit_code < 0


@pytest.mark.skipif(procs.rss_method() != "time", reason="needs GNU time (/usr/bin/time)")
def test_peak_memory_is_the_child_s_own_not_the_harness_s(tmp_path: Path) -> None:
    """A large harness must not show up in a small child's figure (Linux counts a process's
    memory before exec, a copy of its parent after fork, in ru_maxrss)."""
    ballast = bytearray(300 * 1024 * 1024)
    ballast[::4096] = b"x" * len(ballast[::4096])  # touch every page: resident
    small = run_measured(
        ["python3", "-c", "pass"], cwd=tmp_path, stdout=tmp_path / "o", stderr=tmp_path / "e", timeout=60
    )
    assert small.exit_code == 0
    assert small.rss_kib < 100 * 1024
    del ballast
