"""The rules package is plain Python: usable without Django."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_rules_import_without_django():
    code = (
        "import sys\n"
        "import govportal.rules.workdays, govportal.rules.frequency, govportal.rules.profile\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith(('django.', 'wagtail')))\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
