"""Typical wrong answers to chapter 8's graded exercises. Each entry: (exercise, what is
wrong, the student's code, the check that must fail, words its message must contain).
tests/test_grading.py runs every entry of every file here."""

WRONG = [
    (
        "ch08-q1",
        "the other direction, KL(u || q), infinite as soon as a mode is empty",
        """
        def mode_reverse_kl(counts):
            q = np.asarray(counts, dtype=float) / np.sum(counts)
            u = np.full(len(q), 1.0 / len(q))
            return float(np.sum(u * np.log(u / q)))
        """,
        "one_mode_gives_log_k",
        "KL(u || q)",
    ),
    (
        "ch08-q1",
        "an empty mode turns the sum into NaN (0 log 0 computed as 0 x -inf)",
        """
        def mode_reverse_kl(counts):
            q = np.asarray(counts, dtype=float) / np.sum(counts)
            return float(np.sum(q * np.log(len(q) * q)))
        """,
        "one_mode_gives_log_k",
        "0 log 0 = 0",
    ),
    (
        "ch08-q1",
        "logarithm base 2 (bits, not nats)",
        """
        def mode_reverse_kl(counts):
            q = np.asarray(counts, dtype=float) / np.sum(counts)
            q = q[q > 0]
            return float(np.sum(q * np.log2(len(counts) * q)))
        """,
        "two_of_four_modes_give_log_two",
        "natural logarithm",
    ),
    (
        "ch08-q1",
        "K taken as the number of modes that got samples",
        """
        def mode_reverse_kl(counts):
            q = np.asarray(counts, dtype=float) / np.sum(counts)
            q = q[q > 0]
            return float(np.sum(q * np.log(len(q) * q)))
        """,
        "two_of_four_modes_give_log_two",
        "K counts every mode",
    ),
    (
        "ch08-q1",
        "sum of q log q without K: minus the entropy",
        """
        def mode_reverse_kl(counts):
            q = np.asarray(counts, dtype=float) / np.sum(counts)
            q = q[q > 0]
            return float(np.sum(q * np.log(q)))
        """,
        "even_modes_give_zero",
        "minus the entropy",
    ),
    (
        "ch08-q1",
        "a list of counts used as if it were an array",
        """
        def mode_reverse_kl(counts):
            q = counts / counts.sum()
            q = q[q > 0]
            return float(np.sum(q * np.log(len(counts) * q)))
        """,
        "reverse_kl_takes_a_list_of_counts",
        "convert it with np.asarray",
    ),
    (
        "ch08-q2",
        "a transposed convolution counted over its output positions",
        """
        def forward_flops(model):
            total = 0.0
            for layer in model.layers:
                if isinstance(layer, (keras.layers.Conv2D, keras.layers.Conv2DTranspose)):
                    kh, kw = layer.kernel_size
                    _, h, w, c_out = layer.output.shape
                    total += 2.0 * kh * kw * layer.input.shape[-1] * c_out * h * w
                elif isinstance(layer, keras.layers.Dense):
                    total += 2.0 * layer.input.shape[-1] * layer.units
            return total
        """,
        "conv2d_transpose_counts_its_input_positions",
        "INPUT positions",
    ),
    (
        "ch08-q2",
        "Conv2DTranspose layers left out (they are not Conv2D subclasses)",
        """
        def forward_flops(model):
            total = 0.0
            for layer in model.layers:
                if isinstance(layer, keras.layers.Conv2D):
                    kh, kw = layer.kernel_size
                    _, h, w, c_out = layer.output.shape
                    total += 2.0 * kh * kw * layer.input.shape[-1] * c_out * h * w
                elif isinstance(layer, keras.layers.Dense):
                    total += 2.0 * layer.input.shape[-1] * layer.units
            return total
        """,
        "conv2d_transpose_counts_its_input_positions",
        "count the Conv2DTranspose layers too",
    ),
    (
        "ch08-q2",
        "every convolution counted over its input positions (the stride ignored)",
        """
        def forward_flops(model):
            total = 0.0
            for layer in model.layers:
                if isinstance(layer, (keras.layers.Conv2D, keras.layers.Conv2DTranspose)):
                    kh, kw = layer.kernel_size
                    _, h, w, c_in = layer.input.shape
                    total += 2.0 * kh * kw * c_in * layer.filters * h * w
                elif isinstance(layer, keras.layers.Dense):
                    total += 2.0 * layer.input.shape[-1] * layer.units
            return total
        """,
        "conv2d_counts_its_output_positions",
        "OUTPUT position",
    ),
    (
        "ch08-q2",
        "multiply-adds, not FLOPs",
        """
        def forward_flops(model):
            total = 0.0
            for layer in model.layers:
                if isinstance(layer, keras.layers.Dense):
                    total += layer.input.shape[-1] * layer.units
                elif isinstance(layer, (keras.layers.Conv2D, keras.layers.Conv2DTranspose)):
                    kh, kw = layer.kernel_size
                    transposed = isinstance(layer, keras.layers.Conv2DTranspose)
                    _, h, w, _ = (layer.input if transposed else layer.output).shape
                    total += kh * kw * layer.input.shape[-1] * layer.filters * h * w
            return total
        """,
        "dense_layers_cost_two_flops_per_weight",
        "a multiply-add is two FLOPs",
    ),
    (
        "ch08-q2",
        "the parameters of each Dense layer, biases included, counted as its cost",
        """
        def forward_flops(model):
            return float(sum(2 * layer.count_params() for layer in model.layers
                             if isinstance(layer, keras.layers.Dense)))
        """,
        "dense_layers_cost_two_flops_per_weight",
        "biases are not counted",
    ),
    (
        "ch08-q2",
        "square kernels and images assumed (kh x kh, height x height)",
        """
        def forward_flops(model):
            total = 0.0
            for layer in model.layers:
                if isinstance(layer, keras.layers.Dense):
                    total += 2.0 * layer.input.shape[-1] * layer.units
                elif isinstance(layer, (keras.layers.Conv2D, keras.layers.Conv2DTranspose)):
                    k = layer.kernel_size[0]
                    transposed = isinstance(layer, keras.layers.Conv2DTranspose)
                    side = (layer.input if transposed else layer.output).shape[1]
                    total += 2.0 * k * k * layer.input.shape[-1] * layer.filters * side * side
            return total
        """,
        "non_square_kernels_and_images",
        "both sides of the kernel and of the image",
    ),
    (
        "ch08-q2",
        "BatchNorm counted as a multiply-add per feature",
        """
        def forward_flops(model):
            total = 0.0
            for layer in model.layers:
                if isinstance(layer, (keras.layers.Dense, keras.layers.BatchNormalization)):
                    units = layer.units if isinstance(layer, keras.layers.Dense) else 1
                    total += 2.0 * layer.input.shape[-1] * units
                elif isinstance(layer, (keras.layers.Conv2D, keras.layers.Conv2DTranspose)):
                    kh, kw = layer.kernel_size
                    transposed = isinstance(layer, keras.layers.Conv2DTranspose)
                    _, h, w, _ = (layer.input if transposed else layer.output).shape
                    total += 2.0 * kh * kw * layer.input.shape[-1] * layer.filters * h * w
            return total
        """,
        "other_layers_cost_nothing",
        "BatchNorm, activations",
    ),
]
