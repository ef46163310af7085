"""Test workload for the nightly end-to-end test: the series knob.json can make slower
(see _compute.knob_extra)."""
from ._compute import Compute


class KnobCompute(Compute):
    knob = True


WORKLOAD = KnobCompute
