"""nbgrader settings for this course.

The repository root is the nbgrader course directory: instructors edit
``source/``, ``nbgrader generate_assignment`` writes ``release/``, and
``course build`` writes ``solutions/`` (executed, without hidden tests or
nbgrader markers).  Students' work goes to ``submitted/``, grades to the
SQLite ``gradebook.db`` (all ignored by git).
"""
import os
import pathlib

c = get_config()  # noqa: F821  (injected by traitlets)

# The folder holding this file: hidden tests (``autograde_tests``) are
# imported from here by the grading kernel, which inherits this variable.
COURSE_REPO = pathlib.Path(__file__).resolve().parent
_paths = [str(COURSE_REPO)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(_paths))

c.CourseDirectory.course_id = "convnets"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.solution_directory = "solutions"
# Submissions may carry nothing but the notebook (extra files are ignored).
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# Each cell may run this long while grading; a student's infinite loop costs
# only the cell it is in.  Visible tests use small inputs and run in well
# under a second.
c.Execute.timeout = 30
c.Execute.interrupt_on_timeout = True

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
    AssignLatePenalties, CheckCellMetadata, ClearHiddenTests, Execute, GetGrades, IgnorePattern, LimitOutput,
    SaveAutoGrades)

from nbgrader.preprocessors import (  # noqa: E402
    ClearOutput, DeduplicateIds, OverwriteCells, OverwriteKernelspec)

from convcourse.admin.nbgrader_ext import BriefErrors, DropOrphanMetadata, TruncateOutput  # noqa: E402

# A duplicated test cell is scored once, and does not stop the notebook from grading.
c.Autograde.sanitize_preprocessors = [ClearOutput, DeduplicateIds, DropOrphanMetadata, OverwriteKernelspec,
                                      OverwriteCells, CheckCellMetadata]

c.Autograde.autograde_preprocessors = [Execute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
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
