"""`serve` imports only what it serves: the migration and .docx libraries wait for their use."""

from __future__ import annotations

import subprocess
import sys


def test_the_site_imports_neither_alembic_nor_python_docx() -> None:
    # A fresh interpreter: this test process has imported everything already.
    found = subprocess.run(
        [sys.executable, "-c", "import sys, vendorwatch.web; "
         "print(sorted({m.split('.')[0] for m in sys.modules} & {'alembic', 'docx'}))"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert found.stdout.strip() == "[]"
