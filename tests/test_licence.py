"""The licence: Apache-2.0 in full, declared in pyproject.toml, and a NOTICE naming every data file the repository ships."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_SUFFIXES = {".npy", ".npz", ".yaml", ".png", ".jpg", ".ttf", ".otf", ".woff", ".woff2", ".svg", ".csv"}


def test_the_licence_is_apache_2_in_full():
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    for section in ("1. Definitions.", "4. Redistribution.", "9. Accepting Warranty or Additional Liability.",
                    "END OF TERMS AND CONDITIONS"):
        assert section in text


def test_pyproject_declares_the_licence_and_ships_its_files():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "Apache-2.0"
    assert set(project["license-files"]) == {"LICENSE", "NOTICE"}


def _shipped_data_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "registry", "static"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [name for name in listed.stdout.split() if Path(name).suffix.lower() in DATA_SUFFIXES]


def test_notice_names_every_data_file_the_package_ships():
    notice = (ROOT / "NOTICE").read_text()
    files = _shipped_data_files()
    assert files, "git ls-files found no data file: is this a git checkout?"
    unnamed = [name for name in files if name not in notice and f"{Path(name).parent}/*{Path(name).suffix}" not in notice]
    assert not unnamed, f"NOTICE does not say where these come from: {unnamed}"
