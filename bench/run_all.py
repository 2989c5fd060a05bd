"""`make bench`: every benchmark in turn, each printing its figures (see README, Performance)."""
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

for script, args in [("pages.py", []), ("load.py", []), ("bench_workbook.py", [])]:
    print(f"\n### bench/{script}", flush=True)
    result = subprocess.run([sys.executable, str(HERE / script), *args], cwd=HERE.parent)
    if result.returncode:
        sys.exit(result.returncode)
