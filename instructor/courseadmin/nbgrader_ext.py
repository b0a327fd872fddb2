"""nbgrader plug-ins of this course (configured in ``nbgrader_config.py``).

``TruncateOutput`` cuts any single output of a graded notebook to a size a
browser and the gradebook can take (nbgrader's ``LimitOutput`` counts lines,
so one enormous line would slip through).

``DropOrphanMetadata`` runs after nbgrader's ``DeduplicateIds``: a duplicated
grade cell keeps an ``nbgrader`` entry without ``grade_id``, on which
nbgrader 0.9.6's ``OverwriteCells.add_missing_cells`` crashes (KeyError), so
one student's copied cell would stop their whole notebook from grading.

``BriefErrors`` (feedback) shows a failed test as its error type and message,
the checker's verdict, without the traceback, whose context lines would
show the hidden tests' source.
"""
from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

NOTE = "\n... [output cut by the autograder: {n:,} more characters]\n"


class TruncateOutput(NbGraderPreprocessor):
    """Cut text outputs and tracebacks longer than ``max_chars`` characters."""

    max_chars = Integer(20_000, help="largest text output kept per output (characters)").tag(config=True)
    max_data_bytes = Integer(2_000_000, help="largest rich (image/HTML) output kept (bytes)").tag(config=True)

    def _cut(self, text: str) -> str:
        if len(text) <= self.max_chars:
            return text
        return text[: self.max_chars] + NOTE.format(n=len(text) - self.max_chars)

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type != "code":
            return cell, resources
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                out.text = self._cut(out.text)
            elif out.output_type == "error":
                out.evalue = self._cut(out.evalue)
                total = sum(len(line) for line in out.traceback)
                if total > self.max_chars:
                    out.traceback = [self._cut("\n".join(out.traceback))]
            elif "data" in out:
                for mime in list(out.data):
                    value = out.data[mime]
                    size = len(value) if isinstance(value, str) else len(str(value))
                    if mime.startswith("text/") and isinstance(value, str):
                        out.data[mime] = self._cut(value)
                    elif size > self.max_data_bytes:
                        del out.data[mime]
                        out.data.setdefault("text/plain", f"[{mime} output of {size:,} bytes removed by the autograder]")
        return cell, resources


class DropOrphanMetadata(NbGraderPreprocessor):
    """Remove nbgrader metadata that lost its grade id (a duplicated cell): the cell becomes a plain cell."""

    def preprocess_cell(self, cell, resources, cell_index):
        md = cell.metadata.get("nbgrader")
        if md is not None and not md.get("grade_id"):
            del cell.metadata["nbgrader"]
        return cell, resources


class BriefErrors(NbGraderPreprocessor):
    """Replace every traceback by its last line: ``ErrorType: message``."""

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code":
            for out in cell.get("outputs", []):
                if out.output_type == "error":
                    out.traceback = [f"{out.ename}: {out.evalue}"]
        return cell, resources
