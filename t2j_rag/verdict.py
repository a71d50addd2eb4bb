"""The verifier's records: the options a check takes and the report it gives.

They live apart from `verify` (which picks what to compare and dispatches to the entry check
or the program check) so that the checks can build reports without importing the dispatcher.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .equivalence import VerifyResult


@dataclass
class VerifyOptions:
    entry: str | None = None
    spec: dict | None = None
    rtol: float | None = None
    atol: float | None = None
    grad: bool = False
    train: bool = False
    timeout: float = 120.0
    memory_mb: int = 8192
    seed: int = 0
    # Files without get_inputs() (program checks, `program_check`): the cap and the capture budget.
    max_steps: int = 20
    max_seconds: float = 60.0
    capture_mb: float = 256.0


@dataclass
class VerifyReport(VerifyResult):
    """The verifier's verdict plus what was compared, the lint findings and the time taken."""

    entry: str | None = None
    findings: list = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        d = asdict(self)
        d["findings"] = [asdict(f) for f in self.findings]
        return d
