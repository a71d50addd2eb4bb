#!/usr/bin/env python3
"""Run an ablation grid over an evaluation suite (the same as `t2j-rag eval`).

Kept as a script so the ablation can be launched from a checkout without
installing the console entry point; every option is the `eval` command's, so
the two can never drift apart.

    python scripts/ablate.py --grid ci --backend replay --answers evals/replay/ci_answers.json -o runs/ci
    python scripts/ablate.py --grid default --backend hf -o runs/mistral-4bit
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from t2j_rag.cli import main  # noqa: E402

if __name__ == "__main__":
    main(["eval", *sys.argv[1:]], prog_name="ablate.py")
