"""Diagnose known answer, no writes: every thread takes and drops references to None
("shared"), which is immortal from 3.12 on: reference counting skips it.

Expected diagnosis (3.12+): "shared" is immortal, nothing is written to its header. (Before
3.12 None is mortal and its ob_refcnt is written by every thread.)
"""
try:
    from ._references import References
except ImportError:  # run as a file: its folder is on sys.path
    from _references import References


class ImmortalObject(References):
    def make(self):
        return None


WORKLOAD = ImmortalObject
