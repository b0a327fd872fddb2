"""``course``: the instructor's commands (run inside the course repository).

    course build [AID ...]       regenerate release/ and solutions/ from source/
    course demo [AID ...]        full round on sample submissions in demo_course/
    course bundle [--out ZIP]    what students receive (release + library)
    course bench                 benchmarks: op overhead, numpy vs torch, autograde time
    course grades                the gradebook's table for the real course
    course autograde AID         grade every submission (one process per student, resumable),
                                 then feedback and grades.csv; exit status 1 if anything needs attention
    course robustness            the tampering / fault / bad-file report (expected vs got)
"""
from __future__ import annotations

import argparse
import pathlib
import sys
import time

from . import pipeline


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="course", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("build", help="regenerate release/ and solutions/ from source/")
    p.add_argument("aids", nargs="*")
    p.add_argument("--no-solutions", action="store_true", help="only the release (fast)")
    p = sub.add_parser("demo", help="instructor round on sample submissions")
    p.add_argument("aids", nargs="*")
    p.add_argument("--dest", type=pathlib.Path, default=None, help="course folder (default: demo_course/)")
    p = sub.add_parser("bundle", help="zip of what students receive")
    p.add_argument("--out", type=pathlib.Path, default=None)
    sub.add_parser("bench", help="benchmarks")
    sub.add_parser("grades", help="grade table from gradebook.db")
    p = sub.add_parser("autograde", help="autograde every submission of an assignment, feedback and export")
    p.add_argument("aid")
    p.add_argument("--student", action="append", help="only this student (repeatable)")
    p.add_argument("--jobs", "-j", type=int, default=2, help="students graded at once (default 2)")
    p.add_argument("--force", action="store_true", help="regrade submissions already graded")
    p.add_argument("--timeout", type=float, default=600, help="seconds per student (default 600)")
    p = sub.add_parser("robustness", help="tampering, fault and bad-file cases through the real autograder")
    p.add_argument("--jobs", "-j", type=int, default=2)
    p.add_argument("--keep", type=pathlib.Path, default=None, help="keep the course folder here")
    args = parser.parse_args(argv)

    root = pipeline.repo_root()
    if args.cmd == "build":
        pipeline.build(root, args.aids or None, solutions=not args.no_solutions)
    elif args.cmd == "demo":
        t0 = time.perf_counter()
        pipeline.demo(root, args.dest, args.aids or None)
        print(f"demo finished in {time.perf_counter() - t0:.0f} s")
    elif args.cmd == "bundle":
        out = pipeline.bundle(root, args.out or root / "student_bundle.zip")
        print(f"student bundle: {out}")
    elif args.cmd == "bench":
        from . import benchmarks
        benchmarks.main(root)
    elif args.cmd == "grades":
        pipeline.print_grade_table(pipeline.grade_table(root, pipeline.assignments(root)))
    elif args.cmd == "autograde":
        from . import grading
        rows = grading.autograde(root, args.aid, students=args.student, jobs=args.jobs, force=args.force,
                                 timeout=args.timeout)
        graded = [r.student for r in rows if r.status in ("graded", "skipped")]
        for student in graded:
            pipeline.nbgrader(["generate_feedback", args.aid, "--student", student, "--force"], cwd=root,
                              check=False)
        pipeline.nbgrader(["export"], cwd=root)
        print(f"feedback in {root / 'feedback'}, grades in {root / 'grades.csv'}")
        return 0 if all(r.ok for r in rows) else 1
    elif args.cmd == "robustness":
        from . import robustness
        return robustness.main(root, jobs=args.jobs, keep=args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
