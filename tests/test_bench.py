"""The throughput benchmark's arithmetic and its command."""

import pytest

from ganbook_lib import GanbookError, bench, models


def test_forward_flops_of_small_models():
    dense = models.mlp_discriminator(input_dim=2, hidden=4, depth=1)  # 2x4 then 4x1
    assert bench.forward_flops(dense) == 2 * (2 * 4 + 4 * 1)
    g = models.tutorial_generator()
    # Dense 100 -> 12544; ConvT 5x5 256->128 at 7x7; 128->64 at 7x7 input; 64->1 at 14x14 input
    expected = 2 * (100 * 12544 + 25 * 256 * 128 * 49 + 25 * 128 * 64 * 49 + 25 * 64 * 1 * 196)
    assert bench.forward_flops(g) == expected


def test_cli_bench_rejects_bad_arguments(capsys):
    from ganbook_lib import cli

    with pytest.raises(SystemExit) as exit_info:
        cli.main(["bench", "throughput", "--batch", "-3"])
    assert exit_info.value.code == 2
    assert "expected a positive int" in capsys.readouterr().err


def test_throughput_checks_arguments():
    with pytest.raises(GanbookError, match="accepted: tf-tutorial"):
        bench.throughput(arch="resnet")
    with pytest.raises(GanbookError, match="--steps must be a positive integer"):
        bench.throughput(steps=0)


@pytest.mark.slow
def test_throughput_reports_both_rates():
    result = bench.throughput(batch=32, steps=3, warmup=1)
    assert result["images_per_s"] > 0 and result["plain_images_per_s"] > 0
    assert result["ratio"] == pytest.approx(
        result["images_per_s"] / result["plain_images_per_s"], rel=0.01
    )
    # a step cannot beat dense matrix multiplication by much (margin for timing noise)
    assert 0 < result["fraction_of_matmul_peak"] < 1.5
