"""Code comments cite the project's own algorithm notes, and every section they cite exists.

Comments say why by pointing at docs/algorithms.md ("docs/algorithms.md §12.3"); a renumbered or deleted
section would leave them pointing nowhere, and a citation of any other numbering (the development notes the
project was built from, which users do not have) would mean nothing to a reader.
"""

from __future__ import annotations

import re
import subprocess

from conftest import REPO

ALGORITHMS = REPO / "docs" / "algorithms.md"
CITED = re.compile(r"docs/algorithms\.md §([\d.]+(?:\s*[–,]\s*§?[\d.]+)*)")
HEADING = re.compile(r"^#{2,4} (\d+(?:\.\d+)*)[. ]", re.M)
FOREIGN = re.compile(r"(?i)\bspec(?:'s)? ?§")


def _tracked_text_files():
    names = subprocess.run(["git", "-C", str(REPO), "ls-files"], capture_output=True, text=True,
                           check=True).stdout.split()
    for name in names:
        path = REPO / name
        if path.suffix in {".safetensors", ".png", ".arrow"} or name.endswith("tokenizer.json"):
            continue
        try:
            yield name, path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue


def _sections():
    return set(HEADING.findall(ALGORITHMS.read_text(encoding="utf-8")))


def test_the_heading_pattern_finds_the_documents_sections():
    sections = _sections()
    assert {"1", "5.2", "12.3", "17"} <= sections, sorted(sections)


def test_every_cited_section_exists():
    sections = _sections()
    missing = []
    for name, text in _tracked_text_files():
        for match in CITED.finditer(text):
            for number in re.findall(r"\d+(?:\.\d+)*", match.group(1)):
                if number not in sections:
                    missing.append(f"{name}: §{number}")
    assert not missing, "citations of sections docs/algorithms.md does not have:\n" + "\n".join(missing)


def test_nothing_cites_a_numbering_users_do_not_have():
    foreign = [f"{name}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}"
               for name, text in _tracked_text_files() if name != "docs/algorithms.md"
               for m in FOREIGN.finditer(text)]
    assert not foreign, "cite docs/algorithms.md instead:\n" + "\n".join(foreign)
