"""``TrustedExecute``: the nbgrader preprocessor that grades a notebook without trusting its kernel.

It takes the place of nbgrader's ``Execute`` in ``Autograde.autograde_preprocessors``
(``nbgrader_config.py``). For a notebook the grader has tests for
(:func:`convgrader.notebooks.tests_for`):

* every cell that is not a test cell runs in the notebook's kernel, as before
  (each under a time limit; see :class:`convgrader.kernel.Session` for what
  happens when one hangs or kills the kernel);
* no test cell is sent to the kernel. Its outputs are written here, by the
  trusted test registered for its ``grade_id``, which asks the kernel to call
  the student's functions on inputs chosen here and judges the plain data
  that comes back. nbgrader then scores the cell from those outputs as usual
  (an error output: 0; otherwise full points). A test cell whose
  ``grade_id`` has no trusted test gets an error, so 0.

Notebooks without tests here are run the old way (test cells in the kernel),
with the same time limits and restarts.
"""
from __future__ import annotations

import contextlib
import io
import os
import time
import traceback

from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution
from traitlets import Float, Integer, List, Unicode

from convcourse.checks.core import CheckError

from . import notebooks
from .kernel import Session
from .remote import Notebook

GRADER_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _stream(text: str, name: str = "stdout") -> NotebookNode:
    return NotebookNode(output_type="stream", name=name, text=text)


def _error(ename: str, evalue: str) -> NotebookNode:
    lines = [f"{ename}: {line}" if i == 0 else line for i, line in enumerate(str(evalue).splitlines() or [""])]
    return NotebookNode(output_type="error", ename=ename, evalue=str(evalue), traceback=lines)


def run_test(test, notebook: Notebook, grade_id: str, log=None) -> list:  # noqa: ANN001
    """The outputs of one trusted test: its printed lines, then an error if it failed."""
    out = io.StringIO()
    failure = None
    try:
        with contextlib.redirect_stdout(out):
            test(notebook)
    except NotImplementedError as e:
        failure = _error("NotImplementedError", str(e))
    except CheckError as e:
        failure = _error("CheckError", str(e))
    except Exception as e:  # noqa: BLE001  (a fault of the grader itself: 0, and said loudly)
        if log is not None:
            log.error("trusted test %s failed: %s", grade_id, traceback.format_exc())
        failure = _error("GraderError", f"the grader could not run this test ({type(e).__name__}: {e}); "
                                        "tell your instructor.")
    outputs = [_stream(out.getvalue())] if out.getvalue() else []
    if failure is not None:
        outputs.append(failure)
    return outputs


def kernel_env(trusted: bool, legacy_paths: list[str]) -> dict:
    """The kernel's environment: grading flags, one thread per library, and no path to the grader's code."""
    env = dict(os.environ)
    keep = []
    for p in env.get("PYTHONPATH", "").split(os.pathsep):
        if not p:
            continue
        real = os.path.realpath(p)
        if trusted and (real == GRADER_DIR or real.startswith(GRADER_DIR + os.sep)
                        or any(real == os.path.realpath(q) for q in legacy_paths)):
            continue
        keep.append(p)
    if not trusted:
        keep = list(legacy_paths) + keep
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(keep))
    if not env["PYTHONPATH"]:
        del env["PYTHONPATH"]
    env["NBGRADER_EXECUTION"] = env.get("NBGRADER_EXECUTION") or "autograde"
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        env.setdefault(var, "1")
    return env


class TrustedExecute(NbGraderPreprocessor):
    """Run the student's cells in a kernel and the tests in this process (module docstring)."""

    timeout = Integer(30, help="Seconds each of the notebook's own cells may run.").tag(config=True)
    call_timeout = Float(10.0, help="Seconds each call of a student's function may run.").tag(config=True)
    memory_gb = Float(6.0, help="Hard address-space limit of the kernel, in GiB (0: none).").tag(config=True)
    kernel_name = Unicode("python3", help="Kernel spec the notebook runs in.").tag(config=True)
    legacy_pythonpath = List(Unicode(), [], help="Paths put on the kernel's PYTHONPATH for notebooks whose "
                                                 "tests still run in the kernel.").tag(config=True)
    sandbox = Unicode("auto", help="Run kernels in their own user, mount and PID namespaces: 'auto' (where the "
                                   "system allows it), 'on' (refuse to grade without) or 'off'.").tag(config=True)
    hide = List(Unicode(), [], help="Folders whose contents a sandboxed kernel does not see (its own folder, "
                                    "Python and the student package excepted). The course folder and the "
                                    "grader's folder are always hidden.").tag(config=True)

    def preprocess(self, nb, resources):  # noqa: ANN001
        resources = resources or {}
        name = (resources.get("nbgrader") or {}).get("notebook") or resources.get("unique_key") or ""
        path = (resources.get("metadata") or {}).get("path") or os.getcwd()
        tests = notebooks.tests_for(name)
        env = kernel_env(tests is not None, list(self.legacy_pythonpath))
        count = 0
        t0 = time.monotonic()
        hide = list(dict.fromkeys([os.getcwd(), os.path.dirname(GRADER_DIR), *self.hide]))
        if tests is None:
            hide = []          # tests that still run in the kernel import the hidden tests from the course folder
        with Session(path, env=env, memory_gb=self.memory_gb, cell_timeout=self.timeout,
                     kernel_name=self.kernel_name, logger=self.log, sandbox=self.sandbox, hide=hide) as session:
            handle = Notebook(session, self.call_timeout)
            for cell in nb.cells:
                if cell.cell_type != "code":
                    continue
                count += 1
                if tests is not None and is_grade(cell) and not is_solution(cell):
                    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
                    test = tests.get(grade_id)
                    if test is None:
                        cell.outputs = [_error("CheckError", f"no trusted test is registered for {grade_id!r}: "
                                                             "this cell scores 0.")]
                    else:
                        cell.outputs = run_test(test, handle, grade_id, self.log)
                    cell.execution_count = count
                    continue
                res = session.run_cell(cell.source)
                outputs = [NotebookNode(o) for o in res.outputs]
                if res.status == "timeout":
                    outputs.append(_error("CellTimeoutError", f"this cell did not finish within {self.timeout} s "
                                                              "and was stopped."))
                elif res.status == "died":
                    outputs.append(_error("DeadKernelError", f"{(res.error or {}).get('evalue', 'the kernel died')}; "
                                                             "the kernel was restarted and the earlier cells run "
                                                             "again."))
                cell.outputs = outputs
                cell.execution_count = count
            if session.events:
                self.log.warning("%s: kernel restarted %d time(s): %s", name, session.restarts,
                                 "; ".join(session.events))
        self.log.info("%s graded in %.1f s (%s)", name, time.monotonic() - t0,
                      "trusted tests" if tests is not None else "tests in the kernel")
        return nb, resources


__all__ = ["TrustedExecute", "run_test", "kernel_env"]
