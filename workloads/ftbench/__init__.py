"""ftbench's Python harness: runs one workload per process, standalone or driven by the
orchestrator over a JSON-lines channel (see workloads/README.md and workloads/PROTOCOL.md).

Workloads only need :mod:`ftbench.workload`; this package import stays light on purpose
(nothing here may start a thread: the orchestrator attaches counters after ``hello``).
"""

from .watch import watch  # the function; the module stays sys.modules["ftbench.watch"]
from .workload import STRONG, WEAK, Workload

__version__ = "0.1.0"
__all__ = ["Workload", "STRONG", "WEAK", "watch"]
