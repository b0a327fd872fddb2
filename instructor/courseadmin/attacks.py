"""Attacks on the verdict path: code a student could put in a solution cell to raise their own score.

Each attack is submitted through the real autograde command on top of wrong
answers (the corr2d of 01 flipped, or the untouched release) and must earn
no more than the same wrong answers without it. :mod:`.robustness` turns
each into a row of ``course robustness``, grouped by attack class.
"""
from __future__ import annotations

import dataclasses

# A report the grader would accept as a right answer, if it believed the kernel's word about anything.
FAKE_OK = "{'status': 'ok', 'value': None, 'verdict': 'passed', 'score': 3, 'points': 3}"


@dataclasses.dataclass
class Attack:
    student: str
    kind: str          # the attack class (a row group of the report)
    what: str
    code: str          # put at the top of the corr2d solution cell
    blank: bool = False   # on the untouched release (every function unwritten) instead of a flipped corr2d
    append: bool = False  # after the flipped corr2d instead of before it


ATTACKS = [
    # ------------------------------------------------- monkeypatching modules, functions, code objects
    Attack("a-patch-core", "monkeypatching", "replaces the checking framework (judge_call, compare_arrays, "
           "check_function, run_call) with functions that say 'passed'", """
import convcourse.checks.core as _core
_core.judge_call = lambda *a, **k: None
_core.compare_arrays = lambda *a, **k: None
_core.compare_answer = lambda *a, **k: None
_core.check_function = lambda *a, **k: 1
_core.run_call = lambda fn, args=(), kwargs=None, **k: {'status': 'ok', 'value': fn(*args, **(kwargs or {}))}
"""),
    Attack("a-patch-agent", "monkeypatching", "replaces the kernel's responder so every request reports success",
           f"""
import convcourse.agent as _agent
_agent.handle = lambda request, namespace=None: {FAKE_OK}
"""),
    Attack("a-code-object", "monkeypatching", "swaps the __code__ of the responder and of run_call", f"""
import convcourse.agent as _agent, convcourse.checks.core as _core
def _fake(*a, **k):
    return {FAKE_OK}
_agent.handle.__code__ = _fake.__code__
_core.run_call.__code__ = _fake.__code__
"""),
    Attack("a-patch-wire", "monkeypatching", "makes the wire encoder send a forged report whatever is asked", """
import convcourse.wire as _wire
_wire.encode = lambda obj: '{"__map__": {"status": "ok", "value": 1.0, "verdict": "passed"}}'
"""),
    Attack("a-patch-numpy", "monkeypatching", "rebinds numpy's comparisons and builtins in the kernel", """
import builtins
np.allclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
builtins.isinstance = lambda *a: True
"""),
    # ------------------------------------------------------------------ the import machinery
    Attack("a-sys-modules", "import machinery", "puts a fake convcourse.agent into sys.modules", f"""
import sys, types
_fake = types.ModuleType('convcourse.agent')
def _respond(request):
    from IPython.display import publish_display_data
    publish_display_data({{'application/vnd.convcourse.report+json':
                          '{{"__map__": {{"status": "ok", "value": 1.0}}}}'}})
_fake.respond = _respond
_fake.handle = lambda *a, **k: {FAKE_OK}
sys.modules['convcourse.agent'] = _fake
import convcourse
convcourse.agent = _fake
"""),
    Attack("a-import-hook", "import machinery", "replaces builtins.__import__ to hand out fake course modules", """
import builtins, types
_real_import = builtins.__import__
def _import(name, *args, **kwargs):
    if name.startswith('convcourse'):
        m = types.ModuleType(name)
        m.respond = lambda request: print('corr2d: all checks passed')
        return m
    return _real_import(name, *args, **kwargs)
builtins.__import__ = _import
"""),
    Attack("a-meta-path", "import machinery", "a meta-path finder that serves its own convcourse modules", """
import sys, importlib.abc, importlib.util
class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path, target=None):
        if name.startswith('convcourse'):
            return importlib.util.spec_from_loader(name, self)
    def create_module(self, spec):
        return None
    def exec_module(self, module):
        module.respond = lambda request: print('passed')
        module.__path__ = []
for _name in [m for m in sys.modules if m.startswith('convcourse')]:
    del sys.modules[_name]
sys.meta_path.insert(0, _Finder())
"""),
    Attack("a-grader-import", "answer keys", "imports the grader's references (convgrader) and the test catalogue "
           "(autograde_tests) from the kernel", """
def corr2d(x, w, b=0.0):
    try:
        from convgrader.checks.convolution import ops as _ref
    except ImportError:
        from autograde_tests.catalogue import convolution as _ref
    return _ref.corr2d(x, w, b)
"""),
    # -------------------------------------------------------------------------- IPython hooks
    Attack("a-input-transformer", "IPython hooks", "an input transformer that rewrites every later cell to print "
           "a pass message", """
get_ipython().input_transformers_cleanup.append(lambda lines: ["print('corr2d: all 9 checks passed.')\\n"])
""", blank=True),
    Attack("a-ast-transformer", "IPython hooks", "an AST transformer that turns every later cell into `pass`",
           """
import ast
class _Nothing(ast.NodeTransformer):
    def visit_Module(self, node):
        return ast.Module(body=[ast.Pass()], type_ignores=[])
get_ipython().ast_transformers.append(_Nothing())
""", blank=True),
    Attack("a-events", "IPython hooks", "pre/post_run_cell callbacks that publish forged reports", """
from IPython.display import publish_display_data
def _forge(*a, **k):
    publish_display_data({'application/vnd.convcourse.report+json': '{"__map__": {"status": "ok", "value": 0.0}}'})
get_ipython().events.register('pre_run_cell', _forge)
get_ipython().events.register('post_run_cell', _forge)
"""),
    Attack("a-run-cell", "IPython hooks", "replaces how the shell runs cells: every request answers 'ok'", """
from IPython.display import publish_display_data
_shell = get_ipython()
_real = _shell.run_cell
def _run_cell(raw_cell, *args, **kwargs):
    if 'convcourse.agent' in raw_cell:
        publish_display_data({'application/vnd.convcourse.report+json':
                              '{"__map__": {"status": "ok", "value": 0.0}}'})
        return _real('None', *args, **kwargs)
    return _real(raw_cell, *args, **kwargs)
_shell.run_cell = _run_cell
""", blank=True),
    Attack("a-display-pub", "IPython hooks", "rewrites every message the kernel publishes (display publisher)",
           """
_pub = get_ipython().display_pub
_real_publish = _pub.publish
def _publish(data, *args, **kwargs):
    if 'application/vnd.convcourse.report+json' in data:
        data = {'application/vnd.convcourse.report+json': '{"__map__": {"status": "ok", "value": 0.0}}'}
    return _real_publish(data, *args, **kwargs)
_pub.publish = _publish
"""),
    # ------------------------------------------------------------------- stack frames, gc
    Attack("a-frames", "frames and gc", "walks the caller's frames to rewrite the report of its own call", """
import sys
def corr2d(x, w, b=0.0):
    f = sys._getframe(1)
    while f is not None:
        rep = f.f_locals.get('report')
        if isinstance(rep, dict):
            rep['forbidden'] = []
            rep['modified'] = []
        f = f.f_back
    return np.zeros(np.shape(x))
"""),
    Attack("a-gc-book", "frames and gc", "looks its inputs up in the visible answer book (gc / the loaded book)",
           """
import gc
from convcourse.checks import book as _book
_pages = _book.load('01_convolution')
def corr2d(x, w, b=0.0):
    for group in _pages['corr2d']:
        for case in group['cases']:
            xs = case['args'][0]
            if np.shape(xs) == np.shape(x) and np.allclose(xs, x):
                return case['expected']
    for obj in gc.get_objects():
        if isinstance(obj, dict) and 'expected' in obj and 'args' in obj:
            return obj['expected']
    return np.zeros(np.shape(x))
"""),
    Attack("a-gc-scan", "frames and gc", "scans the garbage collector for arrays of the right shape", """
import gc
def corr2d(x, w, b=0.0):
    best = None
    for obj in gc.get_objects():
        if isinstance(obj, np.ndarray) and obj.shape == np.shape(x) and obj is not x:
            best = obj
    return np.array(best if best is not None else np.zeros(np.shape(x)), dtype=float)
"""),
    # ------------------------------------------------------------------------ fake results
    Attack("a-fake-subclass", "fake results", "an ndarray subclass whose comparisons always succeed", """
class _Always(np.ndarray):
    def __eq__(self, other): return np.ones(self.shape, bool)
    def __sub__(self, other): return np.zeros(self.shape)
    def __abs__(self): return np.zeros(self.shape)
def corr2d(x, w, b=0.0):
    return np.zeros(np.shape(x)).view(_Always)
"""),
    Attack("a-fake-reduce", "fake results", "returns an object whose unpickling would run code, and a report-"
           "shaped dict", """
import os
class _Payload:
    def __reduce__(self):
        return (os.system, ('touch /tmp/convcourse-pwned',))
    def __repr__(self):
        return "array([[1.0]])"
def corr2d(x, w, b=0.0):
    return {'status': 'ok', 'value': _Payload(), 'verdict': 'passed'}
"""),
    Attack("a-forged-report", "fake results", "publishes its own report before the real one, then hangs", """
import time
from IPython.display import publish_display_data
def corr2d(x, w, b=0.0):
    publish_display_data({'application/vnd.convcourse.report+json':
                          '{"__map__": {"status": "ok", "value": 0.0}}'})
    time.sleep(3600)
"""),
    Attack("a-huge-answer", "fake results", "answers with a 400 MB array (over the wire limit)", """
def corr2d(x, w, b=0.0):
    return np.zeros((7000, 7000))
"""),
    # ---------------------------------------------------------------------------- answer keys
    Attack("a-ops", "answer keys", "uses the course's reference op as its answer", """
from convcourse import ops as _ops
def corr2d(x, w, b=0.0):
    return _ops.corr2d(x, w, b)
"""),
    Attack("a-disk", "answer keys", "reads the course's source notebook (the solutions) and the grader's files "
           "from disk, and runs the solution of corr2d", """
import json, os
_here = os.path.abspath('.')
for _up in range(6):
    _nb = os.path.join(_here, 'source', '01_convolution', '01_convolution.ipynb')
    if os.path.exists(_nb):
        for _cell in json.load(open(_nb))['cells']:
            if _cell.get('metadata', {}).get('nbgrader', {}).get('grade_id') == 'corr2d':
                exec(''.join(_cell['source']))
        break
    for _leak in ('grader/convgrader/references.py', 'grader/convgrader/checks/convolution.py'):
        if os.path.exists(os.path.join(_here, _leak)):
            print('grader files readable:', _leak)
    _here = os.path.dirname(_here)
""", append=True),
    # ------------------------------------------------------------- exits, kills, loops, memory
    Attack("a-kill-parent", "exits, kills, loops, memory", "kills its parent process and the process group "
           "(the grader, if it could reach it)", """
import os, signal
def corr2d(x, w, b=0.0):
    for pid in (os.getppid(), 1):
        try:
            os.kill(pid, signal.SIGKILL)
        except Exception:
            pass
    try:
        os.killpg(0, signal.SIGKILL)
    except Exception:
        pass
    return np.zeros(np.shape(x))
"""),
    Attack("a-libc-exit", "exits, kills, loops, memory", "ends the kernel with libc's _exit inside corr2d", """
import ctypes
def corr2d(x, w, b=0.0):
    ctypes.CDLL(None)._exit(7)
"""),
    Attack("a-loop-count", "exits, kills, loops, memory", "a counting endless loop inside corr2d", """
def corr2d(x, w, b=0.0):
    n = 0
    while True:
        n += 1
"""),
    Attack("a-loop-keyboard", "exits, kills, loops, memory", "an endless loop that swallows KeyboardInterrupt",
           """
def corr2d(x, w, b=0.0):
    while True:
        try:
            while True:
                pass
        except KeyboardInterrupt:
            pass
"""),
    Attack("a-loop-numpy", "exits, kills, loops, memory", "an endless numpy loop (time spent in C)", """
def corr2d(x, w, b=0.0):
    a = np.random.default_rng(0).normal(size=(400, 400))
    while True:
        a = np.tanh(a @ a.T)
"""),
    Attack("a-wait", "exits, kills, loops, memory", "blocks on a lock that is never released", """
import threading
def corr2d(x, w, b=0.0):
    lock = threading.Lock()
    lock.acquire()
    lock.acquire()
"""),
    Attack("a-memory", "exits, kills, loops, memory", "allocates until memory runs out, catching MemoryError", """
def corr2d(x, w, b=0.0):
    hog = []
    while True:
        try:
            hog.append(np.ones(2 ** 25))
        except MemoryError:
            hog = hog[: len(hog) // 2]
"""),
    Attack("a-daemon", "exits, kills, loops, memory", "starts a detached process that should outlive grading", """
import subprocess
subprocess.Popen(['sleep', '4321'], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
"""),
]
