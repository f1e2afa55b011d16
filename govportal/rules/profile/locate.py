"""Where profiles are: the shipped ones (``govportal/profiles/<code>/``) and the installed ones, and the two
files of a profile folder."""

from __future__ import annotations

import os
import re
from pathlib import Path

PROFILES_DIR = Path(__file__).resolve().parents[2] / "profiles"


def installed_profiles_dir() -> Path:
    """Where profiles brought by ``govportal site-import`` are kept (a site moved from another platform, or
    a copy under a new code): ``$GOVPORTAL_PROFILES_DIR``, else ``$GOVPORTAL_HOME/profiles``. A code is
    looked up among the shipped profiles first, then here. Also where a provincial platform keeps the profiles
    of localities not shipped with the code (benchmarks/province_data.py writes its 1,000 there)."""
    configured = os.environ.get("GOVPORTAL_PROFILES_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("GOVPORTAL_HOME", PROFILES_DIR.parent.parent / "var")) / "profiles"


PROFILE_FILE = "profile.toml"
COLUMNS_FILE = "columns.tsv"

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def available_profiles(directory: Path | str | None = None) -> list[str]:
    """Codes of the profiles shipped (folders of ``govportal/profiles`` holding a profile.toml)."""
    base = Path(directory) if directory is not None else PROFILES_DIR
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if p.is_dir() and (p / PROFILE_FILE).is_file())


def profile_dir(code_or_path: str | Path) -> Path:
    if isinstance(code_or_path, str) and _SLUG.match(code_or_path):
        shipped = PROFILES_DIR / code_or_path
        installed = installed_profiles_dir() / code_or_path
        if not (shipped / PROFILE_FILE).is_file() and (installed / PROFILE_FILE).is_file():
            return installed
        return shipped
    p = Path(code_or_path)
    return p.parent if p.name == PROFILE_FILE else p
