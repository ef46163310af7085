"""Diagnose known answer, refcount contention: every thread takes and drops references to one
mortal object made by the main thread ("shared").

Expected diagnosis (2+ threads): every thread writes the object's reference count word
(free-threaded: ob_ref_shared at id+16, the non-owners' atomic count; GIL builds: ob_refcnt
at id+0) -> true sharing, refcount contention on "shared".
"""
try:
    from ._references import References
except ImportError:  # run as a file: its folder is on sys.path
    from _references import References


class Shared:
    __slots__ = ()


class SharedObject(References):
    def make(self):
        return Shared()


WORKLOAD = SharedObject
