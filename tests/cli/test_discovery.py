"""How a command finds its project: --project, $THEMATICA_PROJECT, the one *.thematica in the folder."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def two_projects(ok, workdir: Path) -> tuple[Path, Path]:
    """Two projects in two sub-folders, with different names, neither in the working directory."""
    (workdir / "a").mkdir()
    (workdir / "b").mkdir()
    ok("init", "a/alpha", "--name", "Alpha")
    ok("init", "b/beta", "--name", "Beta")
    return workdir / "a" / "alpha.thematica", workdir / "b" / "beta.thematica"


def test_project_option_names_the_file(ok, two_projects) -> None:
    alpha, beta = two_projects
    assert ok("--project", alpha, "status", "--json").json()["name"] == "Alpha"
    assert ok("-p", beta, "status", "--json").json()["name"] == "Beta"


def test_environment_variable_names_the_file(ok, two_projects, monkeypatch) -> None:
    alpha, beta = two_projects
    monkeypatch.setenv("THEMATICA_PROJECT", str(beta))
    status = ok("status", "--json").json()
    assert status["name"] == "Beta"
    assert Path(status["path"]) == beta
    # --project wins over the environment
    assert ok("--project", alpha, "status", "--json").json()["name"] == "Alpha"


def test_the_one_project_in_the_folder_is_found(ok, two_projects, monkeypatch) -> None:
    alpha, _ = two_projects
    monkeypatch.chdir(alpha.parent)
    status = ok("status", "--json").json()
    assert status["name"] == "Alpha"
    assert Path(status["path"]).name == "alpha.thematica"


def test_no_project_is_a_clear_error(fails, workdir) -> None:
    result = fails("status")
    assert "no project here" in result.err
    assert "--project" in result.err and "THEMATICA_PROJECT" in result.err
    assert list(workdir.iterdir()) == []  # nothing was created


def test_two_projects_in_the_folder_is_an_error_naming_both(ok, fails) -> None:
    ok("init", "one")
    ok("init", "two")
    result = fails("sources", "list")
    assert "one.thematica" in result.err and "two.thematica" in result.err
    assert "--project" in result.err
    # naming one of them resolves it
    assert ok("--project", "two.thematica", "status", "--json").json()["name"] == "two"


def test_project_option_to_a_missing_file_or_a_folder_is_an_error(fails, workdir) -> None:
    assert "no project at" in fails("--project", "missing.thematica", "status").err
    (workdir / "folder").mkdir()
    assert "is a folder" in fails("--project", "folder", "status").err


def test_a_file_that_is_not_a_project_is_an_error(fails, write) -> None:
    write("notes.thematica", "just some text, not SQLite\n")
    result = fails("status")
    assert "notes.thematica" in result.err
