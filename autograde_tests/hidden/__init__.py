"""Hidden tests, one module per notebook, called from the notebooks' hidden test blocks.

They run the same checkers as the visible tests on inputs the student never
saw (other seeds, sizes, dtypes and keyword calls), so hard-coding the
visible examples earns nothing, and they grade the answers that visible tests
can only check for form.
"""

from convcourse.session import restore as _restore


def seal(namespace: dict) -> None:
    """Make every ``hidden_*`` function of a hidden-test module restore, before it runs, whatever a notebook
    rebound in numpy, builtins, torch or the course's modules (call at the end of the module)."""
    for name, fn in list(namespace.items()):
        if name.startswith("hidden_") and callable(fn) and not getattr(fn, "__sealed__", False):
            namespace[name] = _sealed(fn)


def _sealed(fn):
    restore = _restore

    def sealed(*args, **kwargs):
        restore()
        return fn(*args, **kwargs)
    sealed.__name__, sealed.__doc__, sealed.__sealed__ = fn.__name__, fn.__doc__, True
    return sealed
