"""Hidden tests, one module per notebook, called from the notebooks' hidden test blocks.

They run the same checkers as the visible tests on inputs the student never
saw (other seeds, sizes, dtypes and keyword calls), so hard-coding the
visible examples earns nothing, and they grade the answers that visible tests
can only check for form.
"""
