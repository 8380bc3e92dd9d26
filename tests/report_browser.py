"""The project's pages checked in headless Chromium: tests/browser/check_report.mjs and check_head_view.mjs,
driven from pytest.

`make browser` installs what this needs (Chromium, and playwright-core from tests/browser/package-lock.json).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO

BROWSER_DIR = REPO / "tests" / "browser"
ARTIFACTS = REPO / "build" / "test-artifacts"


def _chromium() -> str:
    return os.environ.get("CHROMIUM", "/usr/bin/chromium")


def run_page_check(script: str, page: Path, *args: str, timeout: int = 300) -> dict:
    """Runs one of tests/browser's page checks (`node <script> <page> ...`) on the system Chromium: its JSON
    summary, or the test failed with the script's message. `make test` installs Chromium, node and playwright-core
    (`make browser`), so a missing one fails the test with the command that installs it rather than skipping."""
    missing = [name for name, ok in (("chromium", Path(_chromium()).exists()), ("node", shutil.which("node")))
               if not ok]
    if missing:
        pytest.fail(f"{' and '.join(missing)} not installed: run `make browser`")
    if not (BROWSER_DIR / "node_modules" / "playwright-core").is_dir():
        pytest.fail("playwright-core is not installed: run `make browser` (npm ci in tests/browser)")
    result = subprocess.run(["node", str(BROWSER_DIR / script), str(page), *args], capture_output=True, text=True,
                            timeout=timeout, cwd=REPO, env={**os.environ, "CHROMIUM": _chromium()})
    if result.returncode != 0:
        pytest.fail(f"browser check of {page} failed (exit {result.returncode}):\n"
                    f"{result.stderr.strip()}\n{result.stdout[-4000:]}")
    return json.loads(result.stdout)


def check_report(index_html: Path, screenshot: Path, hover_screenshot: Path | None = None,
                 timeout: int = 300) -> dict:
    """Opens `index_html` offline in Chromium and checks every chart, the hover tooltips and the network silence
    (check_report.mjs).

    Keeps a full-page screenshot at `screenshot` (and the receiver-score chart with its tooltip at
    `hover_screenshot`); returns the script's JSON summary; fails the test with the script's message otherwise.
    """
    extra = ["--hover-screenshot", str(hover_screenshot)] if hover_screenshot is not None else []
    return run_page_check("check_report.mjs", index_html, str(screenshot), *extra, timeout=timeout)
