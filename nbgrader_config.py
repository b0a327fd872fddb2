"""nbgrader settings for this course.

The repository root is the nbgrader course directory: instructors edit
``source/``, ``nbgrader generate_assignment`` writes ``release/``, and
``course build`` writes ``solutions/`` (executed, without hidden tests or
nbgrader markers).  Students' work goes to ``submitted/``, grades to the
SQLite ``gradebook.db`` (all ignored by git).
"""
import pathlib
import sys

c = get_config()  # noqa: F821  (injected by traitlets)

# The folder holding this file.  The grader's private code (``grader/convgrader``:
# hidden cases, references, the trusted grading process) is imported by this
# process only; the notebooks' kernels never get it on their path.
COURSE_REPO = pathlib.Path(__file__).resolve().parent
if str(COURSE_REPO / "grader") not in sys.path:
    sys.path.insert(0, str(COURSE_REPO / "grader"))

c.CourseDirectory.course_id = "convnets"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.solution_directory = "solutions"
# Submissions may carry nothing but the notebook (extra files are ignored).
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# Scores are decided in this process, never in the notebook's kernel: the
# student's cells run in the kernel, each test cell is replaced by a trusted
# test that calls the student's functions there on inputs chosen here and
# judges the plain data that comes back (convgrader.execute).  Each cell may
# run 30 s, each call of a student's function 10 s; a kernel that hangs or
# dies is restarted and the earlier cells are run again, so a fault costs
# only the function at fault.  Notebooks not yet graded this way run their
# test cells in the kernel, with the hidden tests from this folder.
c.TrustedExecute.timeout = 30
c.TrustedExecute.call_timeout = 10
c.TrustedExecute.memory_gb = 6
c.TrustedExecute.legacy_pythonpath = [str(COURSE_REPO)]

# The checkers capture warnings raised by students' code, so correct code is
# never zeroed by one; this is the backstop for warnings printed elsewhere
# (for example by a library while importing).
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"(?i)warning"

# Tampered notebooks: test cells a student deleted (or stripped of their
# metadata) are put back and run; edited ones are restored from the gradebook.
c.OverwriteCells.add_missing_cells = True

# Huge outputs are cut (lines by nbgrader, characters and rich data by ours).
c.LimitOutput.max_lines = 1000
c.LimitOutput.max_traceback = 100
from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties, CheckCellMetadata, ClearHiddenTests, GetGrades, IgnorePattern, LimitOutput,
    SaveAutoGrades)

from nbgrader.preprocessors import (  # noqa: E402
    ClearOutput, DeduplicateIds, OverwriteCells, OverwriteKernelspec)

from courseadmin.nbgrader_ext import BriefErrors, DropOrphanMetadata, TruncateOutput  # noqa: E402
from convgrader.execute import TrustedExecute  # noqa: E402

# A duplicated test cell is scored once, and does not stop the notebook from grading.
c.Autograde.sanitize_preprocessors = [ClearOutput, DeduplicateIds, DropOrphanMetadata, OverwriteKernelspec,
                                      OverwriteCells, CheckCellMetadata]

c.Autograde.autograde_preprocessors = [TrustedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
                                       TruncateOutput, SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]

# Feedback shows each test cell's score and output (the checker's message),
# never the hidden tests' code (neither in the cell nor in a traceback).
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, BriefErrors, CSSHTMLHeaderPreprocessor]

# Release notebooks open with a note on what is graded; solution stubs say
# what to do.
c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE\nraise NotImplementedError()",
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
