"""The TensorFlow DCGAN tutorial as the benchmarks use it: its models and the throughput bench."""

import pytest

from ganbook_lib import GanbookError
from ganbook_lib.references import tf_tutorial


def test_tutorial_architecture_parameter_counts():
    # The counts the TensorFlow DCGAN tutorial's model summaries report.
    assert tf_tutorial.tutorial_generator().count_params() == 2_330_944
    assert tf_tutorial.tutorial_discriminator().count_params() == 212_865


def test_cli_bench_rejects_bad_arguments(capsys):
    from ganbook_lib import cli

    with pytest.raises(SystemExit) as exit_info:
        cli.main(["bench", "throughput", "--batch", "-3"])
    assert exit_info.value.code == 2
    assert "expected a positive int" in capsys.readouterr().err


def test_throughput_checks_arguments():
    with pytest.raises(GanbookError, match="--steps must be a positive integer"):
        tf_tutorial.throughput(steps=0)


@pytest.mark.slow
def test_throughput_reports_both_rates():
    result = tf_tutorial.throughput(batch=32, steps=3, warmup=1)
    assert result["images_per_s"] > 0 and result["plain_images_per_s"] > 0
    assert result["ratio"] == pytest.approx(
        result["images_per_s"] / result["plain_images_per_s"], rel=0.01
    )
    # a step cannot beat dense matrix multiplication by much (margin for timing noise)
    assert 0 < result["fraction_of_matmul_peak"] < 1.5
