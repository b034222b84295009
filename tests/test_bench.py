"""What a model costs: the arithmetic of a forward pass."""

from ganbook_lib import bench, models
from ganbook_lib.references import tf_tutorial


def test_forward_flops_of_small_models():
    dense = models.mlp_discriminator(input_dim=2, hidden=4, depth=1)  # 2x4 then 4x1
    assert bench.forward_flops(dense) == 2 * (2 * 4 + 4 * 1)
    g = tf_tutorial.tutorial_generator()
    # Dense 100 -> 12544; ConvT 5x5 256->128 at 7x7; 128->64 at 7x7 input; 64->1 at 14x14 input
    expected = 2 * (100 * 12544 + 25 * 256 * 128 * 49 + 25 * 128 * 64 * 49 + 25 * 64 * 1 * 196)
    assert bench.forward_flops(g) == expected
