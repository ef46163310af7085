"""Test workload for the nightly end-to-end test: the same work as knob_compute, never changed,
so its series must stay quiet while knob_compute's moves."""
from ._compute import Compute


class SteadyCompute(Compute):
    pass


WORKLOAD = SteadyCompute
