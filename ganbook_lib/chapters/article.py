"""Call traces: run a Keras model once and record which of its layers ran, in which order, and
the shape each one returned, stopping at the layer that raises.

Chapter 5 uses :func:`trace_calls` to show where the source article's generator breaks and to
check the shapes at every step of its repair. It works for subclassed models (layers named by
the attribute that holds them, e.g. ``fc1``) and for functional or Sequential models (layers
named by ``layer.name``).
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from dataclasses import dataclass, field

import keras
import tensorflow as tf

from .. import GanbookError

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class CallTrace:
    """What one forward pass did, layer by layer.

    Attributes:
        calls: ``(name, layer type, output shape)`` for every layer call, in order; the shape is
            None for the layer that raised.
        unused: names of the model's layers that were never called.
        error: the exception that stopped the pass (the failing layer's own one), or None.
    """

    calls: list[tuple[str, str, tuple | None]] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    error: Exception | None = None

    @property
    def shapes(self) -> list[tuple | None]:
        """Output shapes of the calls, in order."""
        return [shape for _, _, shape in self.calls]

    @property
    def reused(self) -> dict[str, int]:
        """Layers called more than once in the pass, with their number of calls."""
        counts = Counter(name for name, _, _ in self.calls)
        return {name: n for name, n in counts.items() if n > 1}

    @property
    def error_message(self) -> str | None:
        """The first line of the error, without terminal colour codes (None if no error)."""
        if self.error is None:
            return None
        lines = [line.strip() for line in _ANSI.sub("", str(self.error)).splitlines()]
        useful = [line for line in lines if line and not line.startswith("Exception encountered")]
        return f"{type(self.error).__name__}: {(useful or [''])[0]}"

    def __str__(self) -> str:
        width = max([len(name) for name, _, _ in self.calls] + [5])
        kinds = max([len(kind) for _, kind, _ in self.calls] + [4])
        rows = [f"{'#':>3}  {'layer':<{width}}  {'type':<{kinds}}  output shape"]
        for i, (name, kind, shape) in enumerate(self.calls, 1):
            result = str(shape) if shape is not None else "raised (see below)"
            rows.append(f"{i:>3}  {name:<{width}}  {kind:<{kinds}}  {result}")
        if self.unused:
            rows.append(f"never called: {', '.join(self.unused)}")
        if self.error is not None:
            rows.append(self.error_message)
        return "\n".join(rows)

    def _repr_pretty_(self, printer, cycle):  # IPython shows the table
        printer.text(str(self))


def _shape_of(value):
    if isinstance(value, (list, tuple)):
        return [_shape_of(v) for v in value]
    return tuple(None if d is None else int(d) for d in value.shape)


def _named_layers(model) -> dict[int, tuple[str, keras.Layer]]:
    """``id(layer) -> (name, layer)`` for the model's direct sublayers (Input layers excluded)."""
    named = {}
    for attr, value in vars(model).items():  # subclassed models: the attribute names
        if isinstance(value, keras.Layer) and not attr.startswith("_"):
            named.setdefault(id(value), (attr, value))
    for layer in model.layers:
        named.setdefault(id(layer), (layer.name, layer))
    return {
        key: item for key, item in named.items() if not isinstance(item[1], keras.layers.InputLayer)
    }


@contextlib.contextmanager
def _recording(named, trace: CallTrace):
    """Temporarily wrap ``__call__`` of the classes that define it for the traced layers."""
    owners = set()
    for _, layer in named.values():
        owners.add(next(c for c in type(layer).__mro__ if "__call__" in vars(c)))
    originals = {owner: vars(owner)["__call__"] for owner in owners}

    def wrap(original):
        def __call__(self, *args, **kwargs):
            # Keras first runs an unbuilt model on placeholders to infer shapes: not recorded
            symbolic = not tf.executing_eagerly() or any(
                isinstance(a, keras.KerasTensor) for a in keras.tree.flatten(args)
            )
            if id(self) not in named or symbolic:
                return original(self, *args, **kwargs)
            name, kind = named[id(self)][0], type(self).__name__
            try:
                out = original(self, *args, **kwargs)
            except Exception as exc:
                if trace.error is None:  # the innermost failure is the informative one
                    trace.calls.append((name, kind, None))
                    trace.error = exc
                raise
            trace.calls.append((name, kind, _shape_of(out)))
            return out

        return __call__

    try:
        for owner, original in originals.items():
            owner.__call__ = wrap(original)
        yield
    finally:
        for owner, original in originals.items():
            owner.__call__ = original


def trace_calls(model, inputs, training: bool = False) -> CallTrace:
    """Run ``model(inputs, training=training)`` once and return a :class:`CallTrace`.

    The pass runs eagerly (outside ``tf.function``). Every call of one of the model's direct
    sublayers is recorded with the shape it returned. If the pass raises, the exception is caught
    and kept in ``trace.error`` (the failing layer is the last row of ``trace.calls``, with shape
    None), so a notebook can show where a model breaks without stopping. Layers the model owns
    but never called are listed in ``trace.unused``.
    """
    if not isinstance(model, keras.Layer):
        raise GanbookError(
            f"model must be a keras Model or Layer, got {type(model).__name__}; "
            "build it first, e.g. models.article_generator()"
        )
    named = _named_layers(model)
    trace = CallTrace()
    with _recording(named, trace):
        try:
            model(inputs, training=training)
        except Exception as exc:  # kept in the trace, for the reader to inspect
            if trace.error is None:
                trace.error = exc
    called = {name for name, _, _ in trace.calls}
    trace.unused = [name for name, _ in named.values() if name not in called]
    return trace
