"""A notebook's kernel as the grader drives it: time limits, restarts, nothing left running.

:class:`GradingKernel` starts one Jupyter kernel (through jupyter_client)
under a hard memory limit, in its own process session, with a token in its
environment that every process it starts inherits. :meth:`execute` runs code
with a deadline enforced here: when it passes, the kernel is interrupted,
and if it does not come back to idle within a short grace (a loop that
catches ``KeyboardInterrupt``, a blocked wait), the kernel is marked
unusable. :meth:`close` kills the kernel, its process group and every
process carrying its token, so no student process outlives grading.

:class:`Session` keeps a kernel usable across faults: after a timeout that
did not recover, a crash, ``os._exit`` or a memory kill, it starts a fresh
kernel and runs again the cells that had run before (not the one at fault),
then carries on.
"""
from __future__ import annotations

import dataclasses
import logging
import os
import signal
import sys
import time
import uuid
from queue import Empty
from typing import Any

import psutil
from jupyter_client import KernelManager
from nbformat import NotebookNode
from nbformat.v4 import output_from_msg

from convcourse import agent, wire

LAUNCHER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "launch_kernel.py")
TOKEN_VAR = "CONVCOURSE_GRADING_TOKEN"
MAX_OUTPUTS = 2000               # outputs kept per execution
MAX_OUTPUT_CHARS = 8 * 2**20     # text kept per execution (the grader's own memory stays bounded)

log = logging.getLogger("convgrader.kernel")


@dataclasses.dataclass
class Result:
    """What one execution did: ``ok``, ``error`` (an exception in the cell), ``timeout`` or ``died``."""

    status: str
    outputs: list
    error: dict | None = None
    seconds: float = 0.0
    recovered: bool = True      # after a timeout: whether the kernel came back to idle

    def reports(self) -> list[str]:
        return [o["data"][agent.MIME] for o in self.outputs
                if o.get("output_type") == "display_data" and agent.MIME in o.get("data", {})]


class _KM(KernelManager):
    """A kernel manager whose kernels start under :data:`LAUNCHER` (sandbox, hard memory limit)."""

    memory_bytes = 0
    sandbox = "auto"
    hides: list = []          # (root, [paths kept visible])

    def format_kernel_cmd(self, extra_arguments=None):  # noqa: ANN001
        cmd = super().format_kernel_cmd(extra_arguments)
        opts = ["--memory", str(int(self.memory_bytes)), "--sandbox", self.sandbox]
        conn = [os.path.realpath(self.connection_file)] if self.connection_file else []
        runtime = os.path.dirname(conn[0]) if conn else None
        roots = [root for root, _ in self.hides] + ([runtime] if runtime and self.hides else [])
        # every root keeps every visible path: the folders may nest (a course, or this repository, under /tmp
        # beside the connection file)
        keep = list(dict.fromkeys([k for _, ks in self.hides for k in ks] + conn))
        for root in dict.fromkeys(roots):
            if root and "," not in "".join(keep) and ":" not in root:
                opts += ["--hide", f"{root}:{','.join(keep)}"]
        return [sys.executable, LAUNCHER, *opts, "--"] + cmd


def visible_paths(cwd: str) -> list[str]:
    """What a sandboxed kernel still sees under the hidden roots: its folder, Python, the student package."""
    import convcourse

    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(convcourse.__file__)))
    return [os.path.realpath(p) for p in (cwd, sys.prefix, sys.base_prefix, package_parent)]


def kill_token(token: str) -> int:
    """SIGKILL every process whose environment carries ``token``; returns how many."""
    killed = 0
    me = os.getpid()
    needle = f"{TOKEN_VAR}={token}"
    for proc in psutil.process_iter(["pid"]):
        if proc.pid == me:
            continue
        try:
            env = proc.environ()
        except (psutil.Error, OSError):
            continue
        if env.get(TOKEN_VAR) == token or needle in env:
            try:
                proc.kill()
                killed += 1
            except psutil.Error:
                pass
    return killed


class GradingKernel:
    """One kernel for one notebook's grading (see the module docstring)."""

    def __init__(self, cwd: str, *, env: dict | None = None, memory_gb: float = 6.0,
                 kernel_name: str = "python3", startup_timeout: float = 120.0, grace: float = 3.0,
                 sandbox: str = "auto", hide: list[str] | None = None):
        self.cwd, self.kernel_name = cwd, kernel_name
        self.sandbox, self.hide = sandbox, list(hide or [])
        self.env = dict(os.environ if env is None else env)
        self.memory_gb, self.startup_timeout, self.grace = memory_gb, startup_timeout, grace
        self.token = uuid.uuid4().hex
        self.km: _KM | None = None
        self.kc = None
        self.usable = False

    # ------------------------------------------------------------ life cycle

    def start(self) -> None:
        env = dict(self.env)
        env[TOKEN_VAR] = self.token
        km = _KM(kernel_name=self.kernel_name)
        km.memory_bytes = int(self.memory_gb * 2**30) if self.memory_gb > 0 else 0
        km.sandbox = self.sandbox
        keep = visible_paths(self.cwd)
        km.hides = [(root, keep) for root in self.hide]
        self.km = km
        km.start_kernel(cwd=self.cwd, env=env, extra_arguments=["--HistoryManager.hist_file=:memory:"])
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=self.startup_timeout)
        except RuntimeError:
            self.kc = kc
            self.close()
            raise
        self.kc = kc
        self.usable = True

    def close(self) -> None:
        """Stop the kernel and everything it started (its process group, and every process with its token)."""
        self.usable = False
        km, kc = self.km, self.kc
        self.km = self.kc = None
        if kc is not None:
            try:
                kc.stop_channels()
            except Exception:  # noqa: BLE001
                pass
        pid = None
        if km is not None:
            try:
                pid = km.provisioner.pid if km.provisioner is not None else None
            except Exception:  # noqa: BLE001
                pid = None
            try:
                km.shutdown_kernel(now=True)
            except Exception:  # noqa: BLE001
                pass
            if pid:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError, OSError):
                    pass
            try:
                km.cleanup_resources()
            except Exception:  # noqa: BLE001
                pass
        kill_token(self.token)

    def __enter__(self) -> "GradingKernel":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def alive(self) -> bool:
        return self.km is not None and bool(self.km.is_alive())

    # ------------------------------------------------------------ execution

    def execute(self, code: str, timeout: float, *, store_history: bool = True) -> Result:
        """Run ``code``; wait at most ``timeout`` seconds (then interrupt, and give up after the grace)."""
        if not self.usable or self.kc is None:
            return Result("died", [], {"ename": "DeadKernel", "evalue": "the kernel is not running"})
        kc = self.kc
        t0 = time.monotonic()
        msg_id = kc.execute(code, store_history=store_history, allow_stdin=False, stop_on_error=False)
        outputs: list = []
        chars = 0
        error = None
        deadline = t0 + timeout
        interrupted_at = None
        while True:
            now = time.monotonic()
            if interrupted_at is None and now > deadline:
                try:
                    self.km.interrupt_kernel()
                except Exception:  # noqa: BLE001
                    pass
                interrupted_at = now
            if interrupted_at is not None and now > interrupted_at + self.grace:
                self.usable = False
                return Result("timeout", outputs, {"ename": "Timeout", "evalue": f"{timeout:g} s"},
                              now - t0, recovered=False)
            try:
                msg = kc.get_iopub_msg(timeout=0.2)
            except Empty:
                if not self.km.is_alive():
                    self.usable = False
                    return Result("died", outputs, {"ename": "DeadKernel", "evalue": _death_reason(self.km)},
                                  time.monotonic() - t0)
                continue
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "status" and content.get("execution_state") == "idle":
                break
            if kind == "clear_output":
                outputs.clear()
                chars = 0
                continue
            if kind not in ("stream", "display_data", "execute_result", "error", "update_display_data"):
                continue
            if kind == "error":
                error = {"ename": content.get("ename", ""), "evalue": content.get("evalue", "")}
            if kind == "update_display_data":
                continue
            size = _size(content)
            if len(outputs) >= MAX_OUTPUTS or chars + size > MAX_OUTPUT_CHARS:
                continue
            chars += size
            try:
                outputs.append(output_from_msg(msg))
            except Exception:  # noqa: BLE001  (a malformed message: dropped)
                continue
        seconds = time.monotonic() - t0
        if interrupted_at is not None:
            return Result("timeout", outputs, {"ename": "Timeout", "evalue": f"{timeout:g} s"}, seconds)
        return Result("error" if error else "ok", outputs, error, seconds)


def _size(content: dict) -> int:
    if "text" in content:
        return len(content["text"])
    data = content.get("data") or {}
    return sum(len(v) if isinstance(v, str) else 1000 for v in data.values()) + \
        sum(len(t) for t in content.get("traceback") or [])


def _death_reason(km) -> str:  # noqa: ANN001
    try:
        code = km.provisioner.process.returncode if km.provisioner and km.provisioner.process else None
    except Exception:  # noqa: BLE001
        code = None
    if code is None:
        return "the kernel died"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        return f"the kernel was killed by {name}" + (" (out of memory?)" if name == "SIGKILL" else "")
    return f"the kernel exited with status {code}"


class Session:
    """A kernel kept usable through faults: restarted, and the earlier cells run again, when it is lost."""

    def __init__(self, cwd: str, *, env: dict | None = None, memory_gb: float = 6.0, cell_timeout: float = 30.0,
                 kernel_name: str = "python3", max_restarts: int = 8, logger: Any = None, sandbox: str = "auto",
                 hide: list[str] | None = None):
        self.cwd, self.env, self.memory_gb = cwd, env, memory_gb
        self.sandbox, self.hide = sandbox, list(hide or [])
        self.cell_timeout, self.kernel_name, self.max_restarts = cell_timeout, kernel_name, max_restarts
        self.history: list[str] = []
        self.restarts = 0
        self.kernel: GradingKernel | None = None
        self.log = logger or log
        self.events: list[str] = []

    def __enter__(self) -> "Session":
        self._new_kernel()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.kernel is not None:
            self.kernel.close()
            self.kernel = None

    def _new_kernel(self) -> None:
        if self.kernel is not None:
            self.kernel.close()
        self.kernel = GradingKernel(self.cwd, env=self.env, memory_gb=self.memory_gb, kernel_name=self.kernel_name,
                                    sandbox=self.sandbox, hide=self.hide)
        self.kernel.start()

    def _recover(self, why: str) -> bool:
        """A fresh kernel with the earlier cells run again; False when the restart budget is spent."""
        while self.restarts < self.max_restarts:
            self.restarts += 1
            self.events.append(why)
            self.log.warning("restarting the kernel (%s); running %d earlier cells again", why, len(self.history))
            self._new_kernel()
            for i, code in enumerate(list(self.history)):
                res = self.kernel.execute(code, self.cell_timeout)
                if res.status in ("died",) or (res.status == "timeout" and not res.recovered):
                    self.history.pop(i)   # a cell that fails differently the second time: dropped, and again
                    why = f"an earlier cell failed when run again ({res.status})"
                    break
            else:
                return True
        if self.kernel is not None:
            self.kernel.close()
        return False

    def usable(self) -> bool:
        return self.kernel is not None and self.kernel.usable

    def run_cell(self, code: str, timeout: float | None = None) -> Result:
        """Run one of the notebook's own cells (remembered, to be run again after a restart)."""
        if not self.usable():
            return Result("died", [], {"ename": "DeadKernel", "evalue": "the kernel could not be restarted"})
        res = self.kernel.execute(code, timeout or self.cell_timeout)
        if res.status == "died" or (res.status == "timeout" and not res.recovered):
            self._recover(f"a cell {'timed out' if res.status == 'timeout' else 'stopped the kernel'}")
        else:
            self.history.append(code)
        return res

    def request(self, req: dict, timeout: float) -> dict:
        """Send one request to the notebook's kernel; its report as plain data (never raises)."""
        if not self.usable():
            return {"status": "died", "error": {"type": "", "message": "the kernel could not be restarted",
                                                "line": ""}}
        text = wire.encode(req)
        code = f"__import__('convcourse.agent', fromlist=['respond']).respond({text!r})"
        res = self.kernel.execute(code, timeout, store_history=False)
        if res.status == "died":
            reason = (res.error or {}).get("evalue", "")
            self._recover("a call stopped the kernel")
            return {"status": "died", "error": {"type": "", "message": reason, "line": ""}}
        if res.status == "timeout":
            if not res.recovered:
                self._recover("a call did not return")
            return {"status": "timeout", "error": {"type": "", "message": f"{timeout:g} s", "line": ""}}
        reports = res.reports()
        if not reports:
            err = res.error or {}
            return {"status": "no_report", "error": {"type": err.get("ename", ""),
                                                     "message": str(err.get("evalue", ""))[:500], "line": ""}}
        try:
            report = wire.decode(reports[-1])
        except wire.WireError as e:
            return {"status": "unsendable", "error": {"type": "WireError", "message": str(e)[:300], "line": ""}}
        if not isinstance(report, dict):
            return {"status": "unsendable", "error": {"type": "", "message": "not a report", "line": ""}}
        return report


__all__ = ["GradingKernel", "Session", "Result", "kill_token", "TOKEN_VAR", "NotebookNode"]
