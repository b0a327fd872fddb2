"""Instructor tooling: build release/solutions, run the demo, bundle, benchmark (``course --help``)."""
