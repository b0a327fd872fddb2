"""Catalogues of correct and buggy student solutions (mutation tests of the graders)."""
