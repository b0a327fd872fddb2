"""Packaging: pyproject.toml and environment.yml list the same dependencies; the layout is complete."""
import re
import tomllib

from autograde_tests.conftest import ROOT


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[ ;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject_requirements() -> dict[str, str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(meta["dependencies"]) + [r for extra in meta["optional-dependencies"].values() for r in extra]
    return {_name(r): r.replace(" ", "") for r in reqs}


def _environment_requirements() -> dict[str, str]:
    reqs = {}
    in_pip = False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if re.match(r"\s*- pip:\s*$", line):
            in_pip = True
            continue
        m = re.match(r"\s{6,}- (.+)$", line)
        if in_pip and m and not m.group(1).startswith("-e"):
            reqs[_name(m.group(1))] = m.group(1).replace(" ", "")
    return reqs


def test_environment_yml_matches_pyproject():
    py, env = _pyproject_requirements(), _environment_requirements()
    assert env, "environment.yml lists no pip requirements"
    missing = sorted(set(py) - set(env))
    extra = sorted(set(env) - set(py))
    differ = sorted(n for n in set(py) & set(env) if py[n] != env[n])
    assert not missing and not extra and not differ, (
        f"pyproject.toml and environment.yml drifted apart: only in pyproject {missing}, "
        f"only in environment.yml {extra}, different versions {[(py[n], env[n]) for n in differ]}")


def test_layout():
    for path in ["README.md", "environment.yml", "nbgrader_config.py", "pyproject.toml", ".ci/run", "Makefile",
                 "source", "release", "solutions", "autograde_tests", "utils/convcourse"]:
        assert (ROOT / path).exists(), f"missing {path}"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make test" in ci


def test_course_files_do_not_reach_outside_the_repository():
    """A student's or instructor's clone has only this repository: nothing may refer to a sibling folder."""
    files = list((ROOT / "utils").rglob("*.py")) + list((ROOT / "source").rglob("*.ipynb")) + \
        [ROOT / "Makefile", ROOT / ".ci" / "run", ROOT / "nbgrader_config.py"]
    for path in files:
        assert "../" not in path.read_text(), f"{path.relative_to(ROOT)} refers to a path outside the repository"


def test_nbgrader_config_loads_cleanly():
    """nbgrader only logs a broken config file and grades on with defaults: load it here and fail loudly."""
    from traitlets.config.loader import PyFileConfigLoader

    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    assert cfg.CourseDirectory.solution_directory == "solutions"
    assert cfg.TrustedExecute.timeout == 30
    # scores are decided by the trusted preprocessor, never by nbgrader's in-kernel Execute
    names = [p.__name__ for p in cfg.Autograde.autograde_preprocessors]
    assert names[0] == "TrustedExecute" and "Execute" not in names
    assert cfg.OverwriteCells.add_missing_cells is True
    assert {"ClearHiddenTests", "BriefErrors"} <= {p.__name__ for p in cfg.GenerateFeedback.preprocessors}
    assert "DropOrphanMetadata" in [p.__name__ for p in cfg.Autograde.sanitize_preprocessors]
    assert "TruncateOutput" in [p.__name__ for p in cfg.Autograde.autograde_preprocessors]
