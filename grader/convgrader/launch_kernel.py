"""Start a grading kernel in a sandbox, under hard limits, then become it.

Run as a script, never imported by the kernel::

    python launch_kernel.py --memory BYTES [--sandbox auto|on|off]
                            [--hide ROOT:KEEP[,KEEP...]]... -- <kernel argv>

* **Limits**: the address space (soft and hard, so the notebook cannot lift
  it without privileges) and no core dumps.
* **Sandbox** (Linux, where unprivileged user namespaces are allowed): the
  kernel runs in its own user, mount and PID namespaces. It sees no process
  but its own (it cannot signal the grader or another student's kernel), and
  every process it starts ends with it. Each ``--hide ROOT:KEEP,...`` covers
  everything under ROOT except the KEEP paths (the notebook's own folder,
  the Python installation, the student package): the course's sources and
  solutions, the grader's code, other students' submissions, the gradebook
  and the other kernels' connection files are not there for the notebook to
  read. The mounts are made before the kernel starts, and the kernel runs
  without capabilities, so it cannot undo them.
* ``--sandbox auto`` falls back to limits only where namespaces are not
  allowed (it says so on stderr); ``on`` refuses to start without them.
"""
import ctypes
import ctypes.util
import os
import resource
import signal
import sys

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID = 0x00020000, 0x10000000, 0x20000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
PR_SET_PDEATHSIG = 1

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _check(ret: int, what: str) -> None:
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source, target, fstype, flags, data=None) -> None:
    enc = (lambda s: s.encode() if isinstance(s, str) else s)
    _check(_libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)), f"mount {target}")


def _write(path: str, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)


def _hide(path: str) -> None:
    if os.path.islink(path):
        return
    if os.path.isdir(path):
        _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_RDONLY, "size=4k,mode=555")
    elif os.path.exists(path):
        _mount("/dev/null", path, None, MS_BIND)


def hide_all_but(root: str, keep: list[str]) -> None:
    """Cover every entry under ``root`` except the ``keep`` paths and the folders leading to them."""
    root = os.path.realpath(root)
    keep = [os.path.realpath(k) for k in keep]
    if not os.path.isdir(root) or any(k == root or root.startswith(k + os.sep) for k in keep):
        return

    def visit(d: str) -> None:
        try:
            entries = sorted(os.listdir(d))
        except OSError:
            return
        for name in entries:
            p = os.path.join(d, name)
            real = os.path.realpath(p)
            if any(real == k or real.startswith(k + os.sep) for k in keep):
                continue
            if any(k.startswith(real + os.sep) for k in keep) and os.path.isdir(p) and not os.path.islink(p):
                visit(p)
                continue
            try:
                _hide(p)
            except OSError:
                pass
    visit(root)


def _enter_namespaces(hides: list[tuple[str, list[str]]]) -> None:
    uid, gid = os.geteuid(), os.getegid()
    _check(_libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID), "unshare")
    # map our own uid only, and never to root inside: the kernel keeps no capabilities after it starts
    inner = 65534 if uid == 0 else uid
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{inner} {uid} 1")
    _write("/proc/self/gid_map", f"{65534 if gid == 0 else gid} {gid} 1")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)          # nothing here reaches the host
    for root, keep in hides:
        hide_all_but(root, keep)


def _limits(memory: int) -> None:
    if memory > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main() -> None:
    args = sys.argv[1:]
    argv = args[args.index("--") + 1:]
    opts = args[:args.index("--")]
    memory, mode, hides = 0, "auto", []
    i = 0
    while i < len(opts):
        if opts[i] == "--memory":
            memory = int(opts[i + 1])
        elif opts[i] == "--sandbox":
            mode = opts[i + 1]
        elif opts[i] == "--hide":
            root, _, keep = opts[i + 1].partition(":")
            hides.append((root, [k for k in keep.split(",") if k]))
        i += 2
    if mode == "off" or not sys.platform.startswith("linux"):
        _limits(memory)
        os.execv(argv[0], argv)
    try:
        _enter_namespaces(hides)
    except OSError as e:
        if mode == "on":
            sys.stderr.write(f"grading sandbox unavailable ({e}); not starting the kernel\n")
            sys.exit(70)
        sys.stderr.write(f"grading sandbox unavailable ({e}); the kernel runs with limits only\n")
        _limits(memory)
        os.execv(argv[0], argv)
    pid = os.fork()
    if pid == 0:
        # PID 1 of the new namespace: a fresh /proc that shows only this kernel's processes
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        try:
            _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        except OSError:
            pass
        _limits(memory)
        os.execv(argv[0], argv)
    # outside: forward interrupts and stops to the kernel, and end as it ends
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT, signal.SIGHUP):
        signal.signal(sig, lambda s, f: os.kill(pid, s))
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except ChildProcessError:
            status = 0
            break
        except InterruptedError:
            continue
    if os.WIFSIGNALED(status):
        signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
        os.kill(os.getpid(), os.WTERMSIG(status))
    sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)


if __name__ == "__main__":
    main()
