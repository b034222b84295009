"""Public checks of chapter 8's graded exercises (the hidden ones are in graders/hidden/)."""

from __future__ import annotations

import math

import numpy as np

from . import CheckFailed, call, check, expect, student


def _number(value, name: str) -> float:
    """``value`` as a float, or a failure that says the function must return a number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        raise CheckFailed(
            f"{name} must return a number, but it returned a {type(value).__name__}"
        ) from None


# ch08-q1: the reverse KL divergence of the mode histogram from uniform, sum_m q_m log(K q_m)


def reverse_kl_of(ns, counts, hint: str | None = None) -> float:
    """The student's ``mode_reverse_kl(counts)``, as a float."""
    fn = student(ns, "mode_reverse_kl")
    with np.errstate(all="ignore"):  # a wrong answer's log(0) is reported, not warned about
        return _number(call(fn, counts, hint=hint), "mode_reverse_kl")


def _kl_mistake(value: float, expected: float, k: int) -> str | None:
    """The usual mistake that gives ``value`` where ``expected`` is right, if one does."""
    if math.isnan(value):
        return (
            "a mode with no sample must contribute 0 (0 log 0 = 0), not NaN: leave the empty "
            "modes out of the sum"
        )
    if math.isinf(value):
        return (
            "the value is infinite: that is KL(u || q), which blows up at an empty mode; "
            "compute KL(q || u) = sum of q log(K q)"
        )
    if expected > 0 and abs(value - expected / math.log(2)) < 1e-9:
        return "use the natural logarithm (np.log, nats), not log base 2"
    if abs(expected - math.log(k)) > 1e-9 and abs(value - (expected - math.log(k))) < 1e-9:
        return "that is sum of q log q, minus the entropy: the formula is sum of q log(K q)"
    return None


@check("ch08-q1")
def even_modes_give_zero(ns):
    value = reverse_kl_of(ns, np.full(25, 40))
    mistake = _kl_mistake(value, 0.0, 25)
    expect(mistake is None, mistake)
    expect(
        abs(value) < 1e-9,
        f"40 samples on each of 25 modes (an even spread) must give 0, not {value:.4g}",
    )


@check("ch08-q1")
def one_mode_gives_log_k(ns):
    counts = np.zeros(25, dtype=int)
    counts[7] = 100
    value = reverse_kl_of(ns, counts)
    mistake = _kl_mistake(value, math.log(25), 25)
    expect(mistake is None, mistake)
    expect(
        abs(value) > 1e-9,
        "every sample on one of 25 modes gave 0, not log 25: the formula is sum of q log(K q), "
        "with K the number of ALL modes (the length of counts), empty ones included",
    )
    expect(
        abs(value - math.log(25)) < 1e-9,
        f"every sample on one of 25 modes must give log 25 = 3.219 nats, not {value:.4g}",
    )


@check("ch08-q1")
def two_of_four_modes_give_log_two(ns):
    value = reverse_kl_of(ns, np.array([5, 5, 0, 0]))
    mistake = _kl_mistake(value, math.log(2), 4)
    expect(mistake is None, mistake)
    expect(
        abs(value) > 1e-9,
        "two of four modes, evenly, gave 0: K counts every mode, also the empty ones (K = 4 "
        "here, not 2)",
    )
    expect(
        abs(value - math.log(2)) < 1e-9,
        f"samples shared evenly by two of four modes must give log 2 = 0.693 nats, not {value:.4g}",
    )


# ch08-q2: the FLOPs of one forward pass for one example (Dense, Conv2D, Conv2DTranspose)


def one_layer_model(input_shape, layer):
    """A functional model of one ``layer`` on inputs of ``input_shape`` (no batch axis)."""
    import keras

    x = keras.Input(input_shape)
    return keras.Model(x, layer(x))


def flops_of(ns, model, hint: str | None = None) -> float:
    """The student's ``forward_flops(model)``, as a float."""
    fn = student(ns, "forward_flops")
    return _number(call(fn, model, hint=hint), "forward_flops")


@check("ch08-q2")
def dense_layers_cost_two_flops_per_weight(ns):
    import keras
    from keras import layers

    x = keras.Input((3,))
    model = keras.Model(x, layers.Dense(2)(layers.LeakyReLU(0.2)(layers.Dense(4)(x))))
    value = flops_of(ns, model, "counting an MLP 3 -> 4 -> 2")
    expect(
        value != 20,
        "a multiply-add is two FLOPs (a multiplication and an addition): the MLP 3 -> 4 -> 2 "
        "does 20 multiply-adds, 40 FLOPs",
    )
    expect(
        value not in (26, 46, 52),
        "biases are not counted: only the Dense kernels, 3 x 4 + 4 x 2 weights, two FLOPs each",
    )
    expect(
        value == 40,
        f"the MLP 3 -> 4 -> 2 does 3 x 4 + 4 x 2 = 20 multiply-adds per example: 40 FLOPs, "
        f"not {value:g}",
    )


@check("ch08-q2")
def conv2d_counts_its_output_positions(ns):
    from keras import layers

    model = one_layer_model((8, 8, 3), layers.Conv2D(4, 3, strides=2, padding="same"))
    value = flops_of(ns, model, "counting a Conv2D")
    expected = 2 * (3 * 3 * 3 * 4) * (4 * 4)  # kernel x channels in x out, at 4 x 4 outputs
    expect(value != 0, "count the Conv2D layers too: a convolution is most of a DCGAN's work")
    expect(value != expected / 2, "a multiply-add is two FLOPs (a multiplication and an addition)")
    expect(
        value != 4 * expected,
        "a Conv2D does one kernel's work per OUTPUT position: stride 2 on 8 x 8 gives 4 x 4 "
        "outputs, not 8 x 8",
    )
    expect(
        value == expected,
        f"Conv2D(3 -> 4 channels, 3 x 3 kernel, stride 2) on 8 x 8: 2 x 3 x 3 x 3 x 4 x (4 x 4) "
        f"= {expected} FLOPs, not {value:g}",
    )


@check("ch08-q2")
def conv2d_transpose_counts_its_input_positions(ns):
    from keras import layers

    model = one_layer_model((5, 5, 3), layers.Conv2DTranspose(2, 4, strides=2, padding="same"))
    value = flops_of(ns, model, "counting a Conv2DTranspose")
    expected = 2 * (4 * 4 * 3 * 2) * (5 * 5)  # kernel x channels in x out, at 5 x 5 inputs
    expect(
        value != 0,
        "count the Conv2DTranspose layers too: in Keras they are not Conv2D layers "
        "(isinstance(layer, Conv2D) is False for them)",
    )
    expect(value != expected / 2, "a multiply-add is two FLOPs (a multiplication and an addition)")
    expect(
        value != 4 * expected,
        "count a Conv2DTranspose over its INPUT positions (each input pixel adds one copy of "
        "the kernel to the output): 5 x 5 here, not the 10 x 10 outputs",
    )
    expect(
        value == expected,
        f"Conv2DTranspose(3 -> 2 channels, 4 x 4 kernel) on 5 x 5 inputs: "
        f"2 x 4 x 4 x 3 x 2 x (5 x 5) = {expected} FLOPs, not {value:g}",
    )
