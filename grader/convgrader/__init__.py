"""The course's grader: hidden cases, references and the trusted grading process.

Never shipped to students, and never importable from a grading kernel: the
process that decides scores imports it, the notebook's kernel does not.

* :mod:`convgrader.kernel` drives a notebook's kernel (time limits, restarts,
  clean-up of every process it started);
* :mod:`convgrader.remote` is the grader's handle on a notebook's functions:
  calls go to the kernel, plain data comes back;
* :mod:`convgrader.execute` is the nbgrader preprocessor that runs the
  student's cells in the kernel and the tests in this process;
* :mod:`convgrader.checks` and :mod:`convgrader.hidden` hold each notebook's
  references, known mistakes, visible and hidden cases;
* :mod:`convgrader.notebooks` maps each graded cell to its trusted test;
* :mod:`convgrader.books` writes the visible answer books students' checks
  compare with.
"""
