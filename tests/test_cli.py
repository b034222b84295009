"""The ganbook command end to end, and its one-line errors."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from ganbook_lib import GanbookError, cli, recipes, runs
from ganbook_lib.references import tf_tutorial

ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}


def ganbook(*args, timeout=300, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "ganbook_lib", *args],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=timeout,
        cwd=cwd,
    )


@pytest.mark.slow
def test_ring_train_sample_evaluate(tmp_path):
    # The run directory is called like the dataset, in the working directory: "ring" must still
    # mean the dataset, not the folder.
    out = tmp_path / "ring"
    result = ganbook(
        "train",
        "--data",
        "ring",
        "--seconds",
        "4",
        "--seed",
        "3",
        "--out",
        "ring",
        "--quiet",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    for name in ("run.json", "checkpoint.npz", "losses.csv", "samples.png", "metrics.json"):
        assert (out / name).stat().st_size > 0
    sampled = ganbook("sample", "--run", str(out), "-n", "300", "--out", str(tmp_path / "s.npz"))
    assert sampled.returncode == 0, sampled.stderr
    samples = np.load(tmp_path / "s.npz")["samples"]
    assert samples.shape == (300, 2) and samples.dtype == np.float32
    evaluated = ganbook("evaluate", "--run", "ring", cwd=tmp_path)
    assert evaluated.returncode == 0, evaluated.stderr
    metrics = json.loads(evaluated.stdout)
    assert metrics["n_modes"] == 8
    # the high-quality share, recomputed here from the protocol's definition
    from ganbook_lib import data
    from ganbook_lib.metrics import EVAL_SAMPLES, EVAL_SEED

    gan, run = runs.load_run(out)
    n = EVAL_SAMPLES["toy"]  # the ring recipe is self-conditioned: clusters drawn by their sizes
    x = gan.generate(n, labels=data.draw_clusters(run.cluster_sizes, n, EVAL_SEED), seed=EVAL_SEED)
    distance = np.linalg.norm(x[:, None] - data.RING_CENTRES[None], axis=-1).min(1)
    assert metrics["high_quality"] == pytest.approx(
        np.mean(distance <= 3 * data.RING_SIGMA), abs=1e-3
    )
    assert metrics["step"] == json.loads((out / "run.json").read_text())["step"] >= 1
    assert json.loads((out / "run.json").read_text())["seconds_trained"] < 4 + 30


@pytest.mark.slow
def test_resumed_run_continues_its_step_count(tmp_path):
    out = tmp_path / "run"
    first = runs.train_run("gaussian_1d", out, steps=250, seed=1, verbose=0)
    assert first.step == 250
    second = runs.train_run("gaussian_1d", out, steps=150, verbose=0)
    assert second.step == 400
    lines = (out / "losses.csv").read_text().splitlines()
    assert lines[0] == "step,epoch,d_loss,g_loss,D_real,D_fake"
    # 200 steps an epoch: 250 steps end epochs at steps 200 and 250, the next 150 at 400
    assert [line.split(",")[:2] for line in lines[1:]] == [["200", "1"], ["250", "2"], ["400", "3"]]
    with pytest.raises(GanbookError, match="holds a run with data='gaussian_1d'"):
        runs.train_run("ring", out, steps=10, verbose=0)


@pytest.mark.slow
def test_conditional_images_sample_in_unit_range(tmp_path):
    out = tmp_path / "digits"
    run = runs.train_run("digits", out, conditional=True, steps=30, verbose=0)
    assert run.num_classes == 10 and run.image_shape == [8, 8, 1]
    assert {"frechet_distance", "classifier_score", "label_accuracy"} <= set(run.metrics)
    result = ganbook(
        "sample", "--run", str(out), "-n", "12", "--label", "3", "--out", str(tmp_path / "d.npz")
    )
    assert result.returncode == 0, result.stderr
    samples = np.load(tmp_path / "d.npz")["samples"]
    assert samples.shape == (12, 8, 8, 1)
    # pixels in [0, 1], of digit 3, from the default seed 0
    gan, _ = runs.load_run(out)
    np.testing.assert_allclose(samples, (gan.generate(12, labels=3, seed=0) + 1) / 2, atol=1e-6)


@pytest.mark.parametrize(
    "args,message",
    [
        (["train", "--data", "cifar", "--out", "X"], "accepted: gaussian_1d, bimodal_1d, ring"),
        (["train", "--data", "ring", "--seconds", "-5", "--out", "X"], "expected a positive float"),
        (
            ["train", "--data", "ring", "--steps", "10", "--seconds", "3", "--out", "X"],
            "not allowed with argument",
        ),
        (["train", "--data", "ring", "--loss", "magic", "--out", "X"], "invalid choice"),
        (["train", "--data", "ring", "--conditional", "--out", "X"], "needs a labelled image"),
        (["sample", "--run", "no/such/dir", "-n", "5", "--out", "s.npz"], "no run at"),
        (["evaluate", "--run", "no/such/dir"], "expected a directory written by 'ganbook train'"),
        (["train", "--data", "NOTES.txt", "--out", "X"], "not a .npy array of images"),
        (["train", "--data", "ring", "--devices", "0", "--out", "X"], "expected a positive int"),
        (["train", "--data", "ring", "--devices", "3", "--out", "X"], "does not split evenly"),
    ],
)
def test_bad_arguments_fail_with_one_clear_line(tmp_path, args, message, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "NOTES.txt").write_text("not images")
    result = subprocess.run(
        [sys.executable, "-m", "ganbook_lib", *args],
        capture_output=True,
        text=True,
        env=ENV,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert message in lines[0] and "Traceback" not in result.stderr
    assert not (tmp_path / "X").exists()  # nothing half-written


def test_parser_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    assert exit_info.value.code == 0
    assert "train" in capsys.readouterr().out


@pytest.mark.slow
def test_ring_recipe_covers_the_modes(tmp_path):
    """The ring recipe finds at least 7 of the 8 modes (issue 2 asks for 6) within 3,000 steps,
    on a seed the benchmarks do not train (measured 2026-12-06: 8 modes, 93.7 % high quality;
    6,000 steps, as this test trained before, took 1.6 times as long for 8 modes, 96.8 %)."""
    run = runs.train_run("ring", tmp_path / "ring", steps=3000, seed=3, verbose=0)
    assert run.metrics["modes"] >= 7
    assert run.metrics["high_quality"] > 0.85


def test_the_tf_tutorial_recipe_builds_the_tutorials_models():
    info = {"kind": "image", "image_shape": [28, 28, 1], "num_classes": None}
    gan = recipes.build_gan(tf_tutorial.RECIPE, info)
    assert gan.generator.name == "tutorial_generator"
    assert gan.discriminator.name == "tutorial_discriminator"
    assert gan.update == "simultaneous" and gan.latent_dim == 100
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(1e-4)
    with pytest.raises(GanbookError, match="28x28x1"):
        recipes.build_gan(tf_tutorial.RECIPE, {**info, "image_shape": [32, 32, 3]})
    with pytest.raises(GanbookError, match="recipe or a loss"):
        runs.train_run("mnist5k", "unused", loss="hinge", recipe=tf_tutorial.RECIPE)


def test_a_run_with_cosine_decay_saves_its_starting_learning_rate(tmp_path):
    """The checkpoint keeps the recipe's rate, not the annealed one, so a resumed run trains."""
    import dataclasses

    recipe = dataclasses.replace(recipes.RECIPES["ring"], cosine_decay=True, log_every=50)
    run = runs.train_run("ring", tmp_path / "r", steps=100, seed=0, verbose=0, recipe=recipe)
    assert run.recipe.cosine_decay is True
    gan, _ = runs.load_run(tmp_path / "r")
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(recipe.lr)
    assert gan.step == 100


def test_a_reader_that_leaves_early_gets_no_traceback(monkeypatch, capsys):
    class LeftEarly:
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self):
            pass

    monkeypatch.setattr(runs, "evaluate_run", lambda out: {"modes": 8})
    monkeypatch.setattr(cli.sys, "stdout", LeftEarly())
    assert cli.main(["evaluate", "--run", "anything"]) == 141
    assert capsys.readouterr().err == ""


@pytest.mark.slow
def test_train_on_two_devices_writes_a_run_that_one_device_resumes(tmp_path):
    # no GPU here: --devices 2 splits the CPU into two logical devices (same code as N GPUs)
    out = tmp_path / "run"
    two = ganbook("train", "--data", "ring", "--steps", "200", "--devices", "2", "--out", str(out))
    assert two.returncode == 0, two.stderr
    assert json.loads((out / "run.json").read_text())["step"] == 200
    one = ganbook("train", "--data", "ring", "--steps", "200", "--out", str(out), "--quiet")
    assert one.returncode == 0, one.stderr
    assert "resumed" in one.stdout and json.loads((out / "run.json").read_text())["step"] == 400
