"""Diagnose known answer for run-script: the script starts 2 threads of its own, each
incrementing its own 8-byte slot of the global bytearray ``buf``; the slots are adjacent in
one 64-byte line. No ftbench.watch() call: in diagnose mode the harness finds ``buf`` (and
``views[0]``, ``views[1]``) among the script's globals when it starts its first thread.

    python -m ftbench run-script adjacent_script.py [-- WRITES_PER_THREAD]   (default 20000)

Expected diagnosis: false sharing in ``buf``, written words ``base`` and ``base + 8``.
"""
import sys
import threading

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
LINE = 64


def _address(buf):
    try:
        import ctypes
    except ImportError:
        return None
    view = (ctypes.c_char * len(buf)).from_buffer(buf)
    address = ctypes.addressof(view)
    del view
    return address


def work(view, n):
    for _ in range(n):
        view[0] += 1


buf = bytearray(3 * LINE)
address = _address(buf)
base = 0 if address is None else (-address) % LINE
whole = memoryview(buf)
views = [whole[base + 8 * i:base + 8 * i + 8].cast("Q") for i in range(2)]
whole.release()
threads = [threading.Thread(target=work, args=(views[i], N)) for i in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
if [v[0] for v in views] != [N, N]:
    sys.exit("slots are {}, expected {} each".format([v[0] for v in views], N))
