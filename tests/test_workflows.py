"""The GitHub workflows: actionlint, their structure, and pages.yml's build steps run for real.

The repository's own workflows (.github/workflows/) and the ones `cv-site new` writes
(cv_site/starter/dot-github/workflows/) are checked alike.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
REPO_WORKFLOWS = ROOT / ".github" / "workflows"
STARTER_WORKFLOWS = ROOT / "cv_site" / "starter" / "dot-github" / "workflows"
ALL_WORKFLOWS = [
    REPO_WORKFLOWS / "pages.yml",
    REPO_WORKFLOWS / "tests.yml",
    REPO_WORKFLOWS / "release.yml",
    STARTER_WORKFLOWS / "pages.yml",
    STARTER_WORKFLOWS / "tests.yml",
]
PAGES_WORKFLOWS = [REPO_WORKFLOWS / "pages.yml", STARTER_WORKFLOWS / "pages.yml"]
BASE_URL_EXPRESSION = "${{ steps.pages.outputs.base_url }}"
# Current major versions of the official actions, and of PyPA's publishing action (whose major
# version is the branch release/v1), the only others used (update together, with actionlint).
MAJORS = {
    "actions/checkout": "v6",
    "actions/setup-python": "v6",
    "actions/configure-pages": "v6",
    "actions/upload-pages-artifact": "v5",
    "actions/deploy-pages": "v5",
    "actions/upload-artifact": "v7",
    "actions/download-artifact": "v8",
    "pypa/gh-action-pypi-publish": "release/v1",
}


def load_workflow(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as the boolean true
        data["on"] = data.pop(True)
    return data


def steps(workflow: dict, job: str) -> list[dict]:
    return workflow["jobs"][job]["steps"]


def run_commands(workflow: dict) -> list[str]:
    """The `run:` commands of every job, in order."""
    return [step["run"] for job in workflow["jobs"].values() for step in job.get("steps", []) if "run" in step]


def actionlint() -> str | None:
    beside = Path(sys.executable).parent / "actionlint"
    return str(beside) if beside.exists() else shutil.which("actionlint")


# --- actionlint -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=lambda p: str(p.relative_to(ROOT)))
def test_actionlint_passes(path: Path):
    tool = actionlint()
    if tool is None:
        pytest.skip("actionlint is not installed (the test extra installs it: pip install -e '.[test]')")
    # actionlint only reads workflows from a .github/workflows folder: lint a copy laid out so.
    result = subprocess.run([tool, "-no-color", "-stdin-filename", ".github/workflows/" + path.name, "-"],
                            input=path.read_text(encoding="utf-8"), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path):
    """The lint is real: an unknown key and a bad expression are reported."""
    tool = actionlint()
    if tool is None:
        pytest.skip("actionlint is not installed (the test extra installs it: pip install -e '.[test]')")
    broken = (REPO_WORKFLOWS / "pages.yml").read_text(encoding="utf-8")
    broken = broken.replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    timeout: 5", 1)
    broken = broken.replace("steps.pages.outputs.base_url", "steps.page.outputs.base_url")
    result = subprocess.run([tool, "-no-color", "-stdin-filename", ".github/workflows/pages.yml", "-"],
                            input=broken, capture_output=True, text=True)
    assert result.returncode != 0
    assert "timeout" in result.stdout and "page" in result.stdout


# --- structure ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES_WORKFLOWS, ids=lambda p: str(p.relative_to(ROOT)))
def test_pages_workflow_shape(path: Path):
    workflow = load_workflow(path)
    assert workflow["on"] == {"push": {"branches": ["main"]}, "workflow_dispatch": None}
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"] and workflow["concurrency"]["cancel-in-progress"] is False

    build = steps(workflow, "build")
    uses = [step.get("uses", "").split("@")[0] for step in build]
    assert uses.index("actions/checkout") < uses.index("actions/setup-python") < uses.index("actions/configure-pages")
    assert uses[-1] == "actions/upload-pages-artifact"
    python = build[uses.index("actions/setup-python")]["with"]
    assert python["cache"] == "pip" and python["cache-dependency-path"]
    pages = build[uses.index("actions/configure-pages")]
    assert pages["id"] == "pages"
    assert build[-1]["with"]["path"] == "_site"

    commands = run_commands({"jobs": {"build": workflow["jobs"]["build"]}})
    assert commands[0].startswith("python -m pip install ")
    assert commands[-1] == f'cv-site build --base-url "{BASE_URL_EXPRESSION}"'

    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert [step["uses"].split("@")[0] for step in deploy["steps"]] == ["actions/deploy-pages"]


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=lambda p: str(p.relative_to(ROOT)))
def test_actions_are_official_and_current(path: Path):
    for job in load_workflow(path)["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                name, _, version = step["uses"].partition("@")
                assert name in MAJORS, f"{step['uses']}: only GitHub's official actions and PyPA's publisher"
                assert version == MAJORS[name], f"{step['uses']}: expected {name}@{MAJORS[name]}"


def test_tests_workflow_runs_the_readme_test_command():
    workflow = load_workflow(REPO_WORKFLOWS / "tests.yml")
    assert set(workflow["on"]) == {"push", "pull_request"}
    assert workflow["permissions"] == {"contents": "read"}
    commands = run_commands(workflow)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    test_command = "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/python -m pytest"
    assert test_command in readme
    assert commands[-1] == test_command
    assert "chromium" in commands[0] and "poppler-utils" in commands[0]


def test_release_workflow_shape():
    """A version tag builds and checks the sdist and wheel in one job; a second job, in the `pypi`
    environment and alone allowed an OIDC token, publishes them with trusted publishing."""
    workflow = load_workflow(REPO_WORKFLOWS / "release.yml")
    assert workflow["on"] == {"push": {"tags": ["v*"]}}
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"]["cancel-in-progress"] is False
    build = workflow["jobs"]["build"]
    assert "permissions" not in build and "environment" not in build
    commands = run_commands({"jobs": {"build": build}})
    assert commands[0].endswith("python -m build")
    assert commands[1] == "twine check --strict dist/*"
    assert 'python -m venv "$RUNNER_TEMP/venv"' in commands[2] and "pip\" install -q dist/*.whl" in commands[2]
    assert '"$RUNNER_TEMP/venv/bin/cv-site" --version' in commands[2]
    assert '"$RUNNER_TEMP/venv/bin/cv-site" build' in commands[2]
    upload = build["steps"][-1]
    assert upload["uses"].startswith("actions/upload-artifact@") and upload["with"]["path"] == "dist/"

    publish = workflow["jobs"]["publish"]
    assert publish["needs"] == "build"
    assert publish["environment"]["name"] == "pypi"
    assert publish["permissions"] == {"id-token": "write"}
    download, upload_to_pypi = publish["steps"]
    assert download["uses"].startswith("actions/download-artifact@")
    assert download["with"] == {"name": upload["with"]["name"], "path": "dist/"}
    assert upload_to_pypi == {"uses": "pypa/gh-action-pypi-publish@release/v1"}  # trusted publishing: no token


def test_starter_workflows_follow_the_repository_ones():
    """The scaffold's pages.yml is the repository's, except how cv-site is installed."""
    ours = (REPO_WORKFLOWS / "pages.yml").read_text(encoding="utf-8").splitlines()
    theirs = (STARTER_WORKFLOWS / "pages.yml").read_text(encoding="utf-8").splitlines()
    different = [(a, b) for a, b in zip(ours, theirs) if a != b]
    assert len(ours) == len(theirs)
    for a, b in different:
        assert a.startswith("#") or "pyproject.toml" in a or "pip install ." in a, (a, b)


# --- pages.yml's build steps, run for real ----------------------------------------------------------


def fresh_venv(folder: Path) -> dict[str, str]:
    """A new virtual environment (no system site-packages) and the environment to run in it."""
    venv.EnvBuilder(with_pip=True, clear=True).create(folder)
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env["PATH"] = f"{folder / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(folder)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env.setdefault("PIP_PROGRESS_BAR", "off")
    return env  # pip keeps its default cache (~/.cache/pip), so wheels are downloaded once


def run_steps(commands: list[str], cwd: Path, env: dict[str, str], base_url: str) -> None:
    for command in commands:
        command = command.replace(BASE_URL_EXPRESSION, base_url)
        assert "${{" not in command, f"unsubstituted expression in {command!r}"
        result = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", command], cwd=cwd, env=env,
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"$ {command}\n{result.stdout}\n{result.stderr}"


def checkout_copy(destination: Path) -> Path:
    """What actions/checkout gives: the repository's files (tracked and new, not ignored ones)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


@pytest.mark.slow
def test_release_workflow_build_steps_build_and_check_the_distributions(tmp_path: Path):
    """SLOW (fresh venv + build + install): release.yml's build job's `run:` steps, in order, on a
    copy of the checkout tagged with the package's version; and a wrong tag fails them."""
    from cv_site import __version__

    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout of the repository (to copy what actions/checkout would)")
    commands = run_commands({"jobs": {"build": load_workflow(REPO_WORKFLOWS / "release.yml")["jobs"]["build"]}})
    checkout = checkout_copy(tmp_path / "checkout")
    env = fresh_venv(tmp_path / "venv")
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir()
    env.update(RUNNER_TEMP=str(runner_temp), GITHUB_REF_NAME=f"v{__version__}", GITHUB_WORKSPACE=str(checkout))
    run_steps(commands, checkout, env, "")
    dist = sorted(path.name for path in (checkout / "dist").iterdir())
    assert dist == [f"cv_site-{__version__}-py3-none-any.whl", f"cv_site-{__version__}.tar.gz"]
    assert (runner_temp / "example" / "_site" / "cv.pdf").read_bytes().startswith(b"%PDF")

    shutil.rmtree(runner_temp / "venv")
    shutil.rmtree(runner_temp / "example")
    env["GITHUB_REF_NAME"] = "v9.9.9"
    with pytest.raises(AssertionError, match=f"tag v9.9.9 is not cv-site {re.escape(__version__)}"):
        run_steps(commands[2:3], checkout, env, "")


@pytest.mark.slow
def test_pages_workflow_build_steps_build_the_site(tmp_path: Path):
    """SLOW (fresh venv + install): pages.yml's `run:` steps, in order, build _site/ for a project site."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout of the repository (to copy what actions/checkout would)")
    workflow = load_workflow(REPO_WORKFLOWS / "pages.yml")
    checkout = checkout_copy(tmp_path / "checkout")
    env = fresh_venv(tmp_path / "venv")
    run_steps(run_commands(workflow), checkout, env, "https://octocat.github.io/cv-site")

    site = checkout / "_site"
    index = (site / "index.html").read_text(encoding="utf-8")
    assert (site / "cv.pdf").read_bytes().startswith(b"%PDF")
    assert (site / "publications" / "index.html").is_file()
    # Project site: every internal link is under /cv-site/, and absolute URLs use the Pages address.
    assert 'href="/cv-site/publications/"' in index
    assert re.search(r'href="/(?!cv-site/)[^"/]', index) is None
    assert "https://octocat.github.io/cv-site/" in (site / "sitemap.xml").read_text(encoding="utf-8")
    # The site was built by the installed package, not by the checkout's sources.
    installed = subprocess.run(["python", "-c", "import cv_site; print(cv_site.__file__)"], env=env, cwd=tmp_path,
                               capture_output=True, text=True, check=True).stdout
    assert str(tmp_path / "venv") in installed
