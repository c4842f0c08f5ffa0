"""What the experiment scripts share: running a refinevad tool as a user would and reading its JSON result."""
import json
import subprocess
import sys
from pathlib import Path

CONFIGS = Path(__file__).resolve().parents[1] / "configs"


def run_tool(name: str, *args) -> dict:
    proc = subprocess.run([sys.executable, "-m", f"refinevad.{name}", *map(str, args)], capture_output=True,
                          text=True)
    if proc.returncode != 0:
        sys.exit(f"refinevad.{name} failed:\n{proc.stderr}")
    return json.loads(proc.stdout)
