"""The course's test suite: ops, checkers, catalogues of buggy and correct implementations, notebooks,
round trips through the real nbgrader commands, attacks on the grader, answer keys and conventions."""
