"""`make lab` really serves JupyterLab: start it on a loopback port, ask, stop."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "lrcourse-smoke-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "jupyter").exists(), reason="needs `make lab` set-up")
def test_make_lab_serves_jupyterlab_api_status(tmp_path):
    port = _free_port()
    args = f"--no-browser --ServerApp.token={TOKEN} --ServerApp.runtime_dir={tmp_path}"
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "config"))
    log = open(tmp_path / "lab.log", "w")  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen(
        ["make", "-s", "lab", f"PORT={port}", f"LAB_ARGS={args}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        status = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                url = f"http://127.0.0.1:{port}/api/status?token={TOKEN}"
                with urllib.request.urlopen(url, timeout=2) as response:
                    status = json.loads(response.read())
                break
            except OSError:
                time.sleep(0.5)
        assert proc.poll() is None, "make lab exited early:\n" + (tmp_path / "lab.log").read_text()[-2000:]
        assert status is not None, "JupyterLab did not answer on /api/status within 120 s"
        assert "started" in status
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={TOKEN}", timeout=5) as r:
            assert r.status == 200
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        log.close()
