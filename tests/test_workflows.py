"""GitHub workflow files are valid: the published schema, plus the rules this project relies on."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
pytestmark = pytest.mark.repo


def test_there_are_the_expected_workflows():
    assert {w.stem for w in WORKFLOWS} >= {"ci", "gpu", "weekly"}


def test_workflows_match_the_github_workflow_schema():
    # check-jsonschema ships the SchemaStore schema for workflows, so this works offline.
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            *map(str, WORKFLOWS),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_jobs_are_well_formed(path):
    flow = yaml.safe_load(path.read_text())
    jobs = flow["jobs"]
    for name, job in jobs.items():
        assert "runs-on" in job, f"{name} has no runs-on"
        for need in [job["needs"]] if isinstance(job.get("needs"), str) else job.get("needs", []):
            assert need in jobs, f"{name} needs unknown job {need}"
        for step in job.get("steps", []):
            assert ("uses" in step) != ("run" in step), f"{name}: a step needs uses or run"
            if "uses" in step:
                assert "@" in step["uses"], f"{name}: pin the action version: {step['uses']}"
    text = path.read_text()
    assert text.count("${{") == text.count("}}"), "unbalanced ${{ }} expression"


def test_gpu_runner_label_is_set_in_one_place():
    text = (ROOT / ".github" / "workflows" / "gpu.yml").read_text()
    assert text.count("runs-on:") == 1 and "gpu" in text.split("runs-on:")[1].splitlines()[0]
    assert "GANBOOK_PROFILE: gpu" in text
    readme = (ROOT / "README.md").read_text()
    assert "gpu.yml" in readme and "runs-on" in readme


def test_ci_workflow_runs_the_projects_ci_script():
    ci = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    runs = [s.get("run", "") for job in ci["jobs"].values() for s in job.get("steps", [])]
    assert any("bash .ci/run" in r for r in runs)


def test_gpu_workflow_trains_one_run_on_all_gpus():
    text = (ROOT / ".github" / "workflows" / "gpu.yml").read_text()
    assert 'ganbook bench devices --devices "$gpus"' in text
    assert "ganbook train --data mnist" in text  # under GANBOOK_PROFILE=gpu: every GPU


def test_ci_publishes_the_student_notebooks_to_the_branch_the_book_links_to():
    ci = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    job = ci["jobs"]["publish-student"]
    assert job["needs"] == "test-build-check" and job["permissions"]["contents"] == "write"
    runs = "\n".join(s.get("run", "") for s in job["steps"])
    assert "scripts/student_version.py --publish" in runs
    branch = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"][
        "ganbook_student_branch"
    ]
    assert f"git init -q -b {branch}" in runs and runs.rstrip().endswith(f'.git" {branch}')
