"""What a run records about where it ran, as the seed's `start_experiment` logs it."""

from __future__ import annotations

import os
import platform
import socket
import subprocess
import sys
from typing import Any


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, cwd=os.getcwd(), check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = out.stdout.strip()
    return commit if out.returncode == 0 and len(commit) == 40 else None


def system_info() -> dict[str, Any]:
    """Runtime (Python and its version), platform, git commit of the working directory, host."""
    return {
        "runtime": f"python {platform.python_version()}",
        "platform": f"{sys.platform} {platform.machine()}",
        "gitCommit": _git_commit(),
        "host": socket.gethostname(),
    }
