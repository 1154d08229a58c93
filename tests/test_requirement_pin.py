"""The requirement `cv-site new` writes in requirements.txt: read from how cv-site was installed
(PEP 610's direct_url.json), and installable on a GitHub runner, or else a warning with the line
to write. No test here uses the network: pip's syntax is checked with pip's own parser."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from cv_site import __version__
from cv_site.cli import main
from cv_site.requirement_pin import Pin, https_url, pin_for
from test_workflows import checkout_copy, fresh_venv

ROOT = Path(__file__).resolve().parent.parent
SHA = "0123456789abcdef0123456789abcdef01234567"
GIT_PIN = re.compile(r"cv-site @ git\+https://[A-Za-z0-9.-]+(/[A-Za-z0-9._-]+){2,}@(?P<commit>[0-9a-f]{40})")

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(folder: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.org", GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    return subprocess.run(["git", "-C", str(folder), "-c", "commit.gpgsign=false", *args], env=env,
                          capture_output=True, text=True, check=True).stdout.strip()


def checkout(folder: Path, origin: str | None = "https://github.com/octocat/cv-site.git", pushed: bool = True) -> str:
    """A Git checkout shaped like cv-site's (one commit), with `origin`; its HEAD commit.
    `pushed`: origin's main is known (as after a push or fetch) to hold that commit."""
    (folder / "cv_site").mkdir(parents=True)
    (folder / "cv_site" / "__init__.py").write_text('__version__ = "0.1.0"\n')
    (folder / "pyproject.toml").write_text('[project]\nname = "cv-site"\n')
    git(folder, "init", "-q", "-b", "main")
    git(folder, "add", ".")
    git(folder, "commit", "-q", "-m", "one")
    if origin is not None:
        git(folder, "remote", "add", "origin", origin)
        if pushed:
            git(folder, "update-ref", "refs/remotes/origin/main", "HEAD")
    return git(folder, "rev-parse", "HEAD")


def editable(folder: Path) -> str:
    """direct_url.json as pip writes it for `pip install -e FOLDER`."""
    return json.dumps({"url": folder.as_uri(), "dir_info": {"editable": True}})


def assert_pip_accepts(line: str) -> None:
    """The line as pip reads a requirements.txt line (pip's own vendored copy of packaging), and
    a direct Git reference pip can install: git+https, and a commit."""
    from pip._vendor.packaging.requirements import Requirement

    requirement = Requirement(line)
    assert requirement.name == "cv-site"
    try:
        from packaging.requirements import Requirement as Standalone
    except ImportError:
        pass
    else:
        standalone = Standalone(line)
        assert (standalone.name, standalone.url, str(standalone.specifier)) == \
               (requirement.name, requirement.url, str(requirement.specifier))
    if requirement.url is not None:
        parts = urlsplit(requirement.url)
        assert parts.scheme in ("git+https", "https") and not parts.username and not parts.password


# --- from direct_url.json ---------------------------------------------------------------------------


def test_installed_from_an_index_pins_the_version():
    pin = pin_for(None, "1.2.3")
    assert pin == Pin("cv-site==1.2.3") and pin.exact and pin.text == "cv-site==1.2.3"


@pytest.mark.parametrize("url, expected", [
    ("https://github.com/octocat/cv-site.git", "https://github.com/octocat/cv-site"),
    ("https://${GITHUB_TOKEN}@github.com/octocat/cv-site", "https://github.com/octocat/cv-site"),
    ("ssh://git@github.com/octocat/cv-site.git", "https://github.com/octocat/cv-site"),
])
def test_installed_from_a_git_url_pins_that_commit(url: str, expected: str):
    direct = {"url": url, "vcs_info": {"vcs": "git", "commit_id": SHA, "requested_revision": "main"}}
    pin = pin_for(json.dumps(direct), "0.1.0")
    assert pin.line == f"cv-site @ git+{expected}@{SHA}" and pin.exact and pin.comment == ""
    assert_pip_accepts(pin.line)


def test_installed_from_a_git_url_in_a_subdirectory():
    direct = {"url": "https://gitlab.com/group/sub/tools.git", "subdirectory": "cv-site",
              "vcs_info": {"vcs": "git", "commit_id": SHA}}
    pin = pin_for(json.dumps(direct), "0.1.0")
    assert pin.line == f"cv-site @ git+https://gitlab.com/group/sub/tools@{SHA}#subdirectory=cv-site"
    assert_pip_accepts(pin.line)


def test_installed_from_a_wheel_url_pins_it_with_its_hash():
    direct = {"url": "https://example.org/dist/cv_site-0.1.0-py3-none-any.whl",
              "archive_info": {"hashes": {"sha256": "ab" * 32}}}
    pin = pin_for(json.dumps(direct), "0.1.0")
    assert pin.line == f"cv-site @ https://example.org/dist/cv_site-0.1.0-py3-none-any.whl#sha256={'ab' * 32}"
    assert pin.exact
    assert_pip_accepts(pin.line)


def test_editable_git_checkout_pins_origin_and_head(tmp_path: Path):
    head = checkout(tmp_path / "cv-site")
    pin = pin_for(editable(tmp_path / "cv-site"), "0.1.0")
    assert pin.line == f"cv-site @ git+https://github.com/octocat/cv-site@{head}"
    assert pin.exact, pin.message
    assert_pip_accepts(pin.line)


def test_editable_checkout_with_an_ssh_origin_pins_its_https_address(tmp_path: Path):
    head = checkout(tmp_path / "cv-site", origin="git@github.com:octocat/cv-site.git")
    pin = pin_for(editable(tmp_path / "cv-site"), "0.1.0")
    assert pin.line == f"cv-site @ git+https://github.com/octocat/cv-site@{head}" and pin.exact


def test_uncommitted_changes_to_the_package_still_pin_head_but_warn(tmp_path: Path):
    folder = tmp_path / "cv-site"
    head = checkout(folder)
    (folder / "notes.txt").write_text("not part of the package")
    assert pin_for(editable(folder), "0.1.0").exact  # a change outside the package does not matter
    (folder / "cv_site" / "__init__.py").write_text('__version__ = "0.1.1"\n')
    pin = pin_for(editable(folder), "0.1.0")
    assert pin.line == f"cv-site @ git+https://github.com/octocat/cv-site@{head}"
    assert not pin.exact
    assert f"has uncommitted changes in {folder} that commit {head[:12]} does not hold" in pin.message
    assert "commit and push" in pin.hint and pin.comment == ""


def test_a_commit_that_origin_does_not_have_warns(tmp_path: Path):
    head = checkout(tmp_path / "cv-site", pushed=False)
    pin = pin_for(editable(tmp_path / "cv-site"), "0.1.0")
    assert pin.line == f"cv-site @ git+https://github.com/octocat/cv-site@{head}"
    assert f"commit {head[:12]} is not on any branch of origin (https://github.com/octocat/cv-site)" in pin.message
    assert "push it" in pin.hint


# --- nothing installable is known: the version, a comment, and a warning with the line to write ---


def assert_unknown(pin: Pin, why: str, commit: str = "<commit>") -> None:
    example = f"cv-site @ git+https://github.com/<owner>/cv-site@{commit}"
    assert pin.line == "cv-site==0.1.0" and not pin.exact
    assert pin.message.startswith(
        "GitHub's runner can install cv-site==0.1.0 only once cv-site 0.1.0 is released on PyPI")
    assert why in pin.message
    assert pin.hint.startswith(
        f"unless cv-site 0.1.0 is on https://pypi.org/project/cv-site/, change this line to: {example} ")
    assert pin.comment.endswith(f"#   {example}\n") and all(line.startswith("#") for line in pin.comment.splitlines())
    assert_pip_accepts(pin.line)


def test_checkout_without_a_remote(tmp_path: Path):
    head = checkout(tmp_path / "cv-site", origin=None)
    pin = pin_for(editable(tmp_path / "cv-site"), "0.1.0")
    assert_unknown(pin, f"the Git checkout {tmp_path / 'cv-site'}, which has no remote named origin", head)


@pytest.mark.parametrize("origin", ["/srv/git/cv-site.git", "file:///srv/git/cv-site.git", "myhost:cv-site.git",
                                    "http://github.com/octocat/cv-site.git"])
def test_checkout_whose_origin_a_runner_cannot_reach(tmp_path: Path, origin: str):
    head = checkout(tmp_path / "cv-site", origin=origin)
    pin = pin_for(editable(tmp_path / "cv-site"), "0.1.0")
    assert_unknown(pin, f"whose origin ({origin}) is not an https or ssh address", head)


def test_folder_that_is_not_a_git_checkout(tmp_path: Path):
    assert_unknown(pin_for(editable(tmp_path), "0.1.0"), f"the folder {tmp_path}, which is not a Git checkout")


def test_git_not_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    checkout(tmp_path / "cv-site")
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    assert_unknown(pin_for(editable(tmp_path / "cv-site"), "0.1.0"), "(or git is not installed)")


@pytest.mark.parametrize("direct, why", [
    ({"url": "file:///tmp/wheels/cv_site-0.1.0-py3-none-any.whl", "archive_info": {}},
     "it was installed from the file file:///tmp/wheels/cv_site-0.1.0-py3-none-any.whl"),
    ({"url": "https://hg.example.org/cv-site", "vcs_info": {"vcs": "hg", "commit_id": SHA}}, "not a Git commit"),
    ({"url": "git@github.com:octocat/cv-site.git", "vcs_info": {"vcs": "git", "commit_id": "main"}},
     "not a Git commit"),
    ({"dir_info": {}}, "cannot be read"),
])
def test_other_installs(direct: dict, why: str):
    assert_unknown(pin_for(json.dumps(direct), "0.1.0"), why)


@pytest.mark.parametrize("url, expected", [
    ("https://github.com/octocat/cv-site", "https://github.com/octocat/cv-site"),
    ("https://user:secret@github.com/octocat/cv-site.git/", "https://github.com/octocat/cv-site"),
    ("https://git.example.org:8443/a/b", "https://git.example.org:8443/a/b"),
    ("ssh://git@github.com:22/octocat/cv-site.git", "https://github.com/octocat/cv-site"),
    ("git@github.com:octocat/cv-site.git", "https://github.com/octocat/cv-site"),
    ("github.com:octocat/cv-site", "https://github.com/octocat/cv-site"),
    ("git@gitlab.com:group/sub/cv-site.git", "https://gitlab.com/group/sub/cv-site"),
    ("github:octocat/cv-site", None),  # a host name from ~/.ssh/config
    ("https://github.com/cv-site", None),  # no owner
    ("https://github.com/octocat/cv site", None),
    ("https://github.com/octocat/../cv-site", None),
    ("https://github.com/octocat/cv-site?x=1", None),
    ("git://github.com/octocat/cv-site", None),
    ("C:\\src\\cv-site", None),
    ("../cv-site", None),
])
def test_https_url(url: str, expected: str | None):
    assert https_url(url) == expected


# --- cv-site new ------------------------------------------------------------------------------------


def test_new_warns_with_the_line_to_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]):
    head = checkout(tmp_path / "cv-site", origin=None)
    monkeypatch.setattr("cv_site.scaffold.installed_pin", lambda: pin_for(editable(tmp_path / "cv-site"), "0.1.0"))
    assert main(["new", str(tmp_path / "site")]) == 0
    lines = (tmp_path / "site" / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert lines[-1] == "cv-site==0.1.0"
    assert lines[-2] == f"#   cv-site @ git+https://github.com/<owner>/cv-site@{head}"
    out, err = capsys.readouterr()
    assert "created 10 files" in out
    assert err.startswith(f"{tmp_path / 'site' / 'requirements.txt'}:{len(lines)}: warning: GitHub's runner can "
                          "install cv-site==0.1.0 only once cv-site 0.1.0 is released on PyPI")
    assert f"\n    hint: unless cv-site 0.1.0 is on https://pypi.org/project/cv-site/, change this line to: " \
           f"cv-site @ git+https://github.com/<owner>/cv-site@{head} " in err


def fake_install(folder: Path, direct_url: str) -> dict[str, str]:
    """An environment whose `cv-site` distribution (the first on sys.path) has this direct_url.json."""
    info = folder / f"cv_site-{__version__}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: cv-site\nVersion: {__version__}\n")
    (info / "direct_url.json").write_text(direct_url)
    return dict(os.environ, PYTHONPATH=str(folder))


def test_new_from_a_git_checkout_pins_an_installable_requirement(tmp_path: Path):
    """The issue's test: cv-site installed editable from a Git checkout whose origin is on GitHub;
    `cv-site new` (run as a command) pins that repository and commit, which pip can install."""
    head = checkout(tmp_path / "cv-site")
    env = fake_install(tmp_path / "site-packages", editable(tmp_path / "cv-site"))
    result = subprocess.run([sys.executable, "-m", "cv_site", "new", "mysite"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    text = (tmp_path / "mysite" / "requirements.txt").read_text(encoding="utf-8")
    requirements = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert requirements == [f"cv-site @ git+https://github.com/octocat/cv-site@{head}"]
    match = GIT_PIN.fullmatch(requirements[0])
    assert match and match["commit"] == head
    assert_pip_accepts(requirements[0])


@pytest.mark.slow
def test_new_from_a_real_editable_install_of_a_git_checkout(tmp_path: Path):
    """SLOW (fresh venv + install): this repository's files committed to a new Git checkout with a
    GitHub origin, `pip install -e` of it, and `cv-site new` run by the installed command."""
    if not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout of the repository to copy")
    source = checkout_copy(tmp_path / "cv-site")
    git(source, "init", "-q", "-b", "main")
    git(source, "add", ".")
    git(source, "commit", "-q", "-m", "copy")
    git(source, "remote", "add", "origin", "git@github.com:octocat/cv-site.git")
    git(source, "update-ref", "refs/remotes/origin/main", "HEAD")
    head = git(source, "rev-parse", "HEAD")
    env = fresh_venv(tmp_path / "venv")
    subprocess.run(["python", "-m", "pip", "install", "-q", "-e", str(source)], env=env, check=True,
                   capture_output=True, text=True, timeout=600)
    result = subprocess.run(["cv-site", "new", "mysite"], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    lines = (tmp_path / "mysite" / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert lines[-1] == f"cv-site @ git+https://github.com/octocat/cv-site@{head}"
    assert_pip_accepts(lines[-1])
