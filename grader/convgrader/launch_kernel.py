"""Start a grading kernel under hard resource limits, then become it.

Run as a script (``python launch_kernel.py BYTES -- <kernel argv>``): sets the
address-space limit (soft and hard, so the notebook cannot lift it without
privileges), disables core dumps, then replaces itself with the kernel.
"""
import os
import resource
import sys


def main() -> None:
    limit = int(sys.argv[1])
    argv = sys.argv[sys.argv.index("--") + 1:]
    if limit > 0:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.execv(argv[0], argv)


if __name__ == "__main__":
    main()
