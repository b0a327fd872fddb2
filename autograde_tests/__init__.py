"""The course's test suite and the hidden tests the autograder imports.

``autograde_tests.hidden`` holds the hidden tests: students never receive
this folder; the grading kernel imports it because ``nbgrader_config.py``
puts the course root on its ``PYTHONPATH``.
"""
