"""Checks a report page in headless Chromium: tests/browser/check_report.mjs, driven from pytest.

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
CHECK_SCRIPT = BROWSER_DIR / "check_report.mjs"
ARTIFACTS = REPO / "build" / "test-artifacts"


def _chromium() -> str:
    return os.environ.get("CHROMIUM", "/usr/bin/chromium")


def check_report(index_html: Path, screenshot: Path, hover_screenshot: Path | None = None,
                 timeout: int = 300) -> dict:
    """Opens `index_html` offline in Chromium and checks every chart, the hover tooltips and the network silence.

    Keeps a full-page screenshot at `screenshot` (and the receiver-score chart with its tooltip at
    `hover_screenshot`); returns the script's JSON summary; fails the test with the script's message otherwise.
    """
    missing = [name for name, ok in (("chromium", Path(_chromium()).exists()), ("node", shutil.which("node")))
               if not ok]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not installed: `make browser` installs them")
    if not (BROWSER_DIR / "node_modules" / "playwright-core").is_dir():
        pytest.fail("playwright-core is not installed: run `make browser` (npm ci in tests/browser)")
    command = ["node", str(CHECK_SCRIPT), str(index_html), str(screenshot)]
    if hover_screenshot is not None:
        command += ["--hover-screenshot", str(hover_screenshot)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=REPO,
                            env={**os.environ, "CHROMIUM": _chromium()})
    if result.returncode != 0:
        pytest.fail(f"browser check of {index_html} failed (exit {result.returncode}):\n"
                    f"{result.stderr.strip()}\n{result.stdout[-4000:]}")
    return json.loads(result.stdout)
