"""Public checks of chapter 7's graded exercises (the hidden ones are in graders/hidden/).

Both exercises ask for code that runs on any Keras backend, so besides the numbers the checks
read the student's code for TensorFlow: :func:`reaches_tensorflow` follows every global name the
function (or each method of the class) loads, and the helpers the student wrote, and reports the
first one that belongs to TensorFlow.
"""

from __future__ import annotations

import dis
import re
import types

import numpy as np

from . import CheckFailed, call, check, expect, student

HINGE = "portable_hinge_discriminator_loss"
LAYER = "PortableMinibatchStddev"


def _tf():
    import tensorflow as tf

    return tf


def _is_tensorflow(obj) -> bool:
    """Whether ``obj`` is TensorFlow's: the package, one of its modules, or something it defines."""
    try:
        home = obj.__name__ if isinstance(obj, types.ModuleType) else obj.__module__
        return isinstance(home, str) and home.split(".")[0] == "tensorflow"
    except Exception:  # noqa: BLE001 - an object that cannot say where it is from is not TF
        return False


def _worth_reading(obj, namespace: dict) -> bool:
    """Whether ``obj`` is code the check should read too: a function or class the student
    defined in ``namespace``, or one of ganbook_lib's (whose TensorFlow the student would use)."""
    if isinstance(obj, types.FunctionType):
        return obj.__globals__ is namespace or str(obj.__module__).startswith("ganbook_lib")
    if isinstance(obj, type):
        return str(obj.__module__).startswith("ganbook_lib") or any(
            isinstance(f, types.FunctionType) and f.__globals__ is namespace
            for f in vars(obj).values()
        )
    return False


def _own_bases(klass: type) -> list[type]:
    """The classes ``klass`` is made of, without Keras's base classes and what they inherit
    (TensorFlow's ``Trackable`` on this backend), which are not the student's code."""
    framework = {object}
    for base in klass.__mro__:
        if str(base.__module__).split(".")[0] == "keras":
            framework |= set(base.__mro__)
    return [base for base in klass.__mro__ if base not in framework]


def _functions_of(klass: type) -> list:
    """The functions of the class's own bases: methods, static and class methods, properties."""
    out = []
    for base in _own_bases(klass):
        for member in vars(base).values():
            if isinstance(member, (staticmethod, classmethod)):
                member = member.__func__
            if isinstance(member, property):
                out += [f for f in (member.fget, member.fset) if f is not None]
            elif isinstance(member, types.FunctionType):
                out.append(member)
    return out


def _code_objects(code: types.CodeType):
    """``code`` and every code object nested in it (inner functions, lambdas, comprehensions)."""
    todo = [code]
    while todo:
        code = todo.pop()
        yield code
        todo += [c for c in code.co_consts if isinstance(c, types.CodeType)]


def reaches_tensorflow(obj) -> str | None:
    """The first TensorFlow name that the student's function, or any method of their class,
    uses (``"tf.nn.relu"``, ``"tf.maximum (in hinge)"``), following the functions and classes it
    calls that the student wrote or ganbook_lib defines; ``None`` when it uses no TensorFlow."""
    seen, todo = set(), [(obj, None)]
    while todo:
        item, via = todo.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, type):
            found = next((b.__name__ for b in _own_bases(item) if _is_tensorflow(b)), None)
            if found:  # a class built on TensorFlow's own, such as tf.Module
                return f"TensorFlow's {found} (a base class of {item.__name__})"
            todo += [(f, via or item.__name__) for f in _functions_of(item)]
            continue
        if not isinstance(item, types.FunctionType):
            continue
        found = None
        for cell in item.__closure__ or ():
            try:
                value = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            if _is_tensorflow(value):
                found = getattr(value, "__name__", type(value).__name__)
            elif _worth_reading(value, item.__globals__):
                todo.append((value, via or getattr(value, "__name__", None)))
        for code in _code_objects(item.__code__):
            found = found or _tensorflow_in(code, item.__globals__, todo, via)
        if found:
            return f"{found} (in {via})" if via else found
    return None


def _tensorflow_in(code: types.CodeType, namespace: dict, todo: list, via: str | None):
    """The first TensorFlow name that ``code``'s own instructions load or import, as written
    (``tf.math.reduce_std``). The code worth reading that they load is added to ``todo``."""
    instructions = list(dis.get_instructions(code))
    for i, ins in enumerate(instructions):
        if ins.opname == "IMPORT_NAME" and str(ins.argval).split(".")[0] == "tensorflow":
            return f"{ins.argval} (imported inside the function)"
        if ins.opname not in ("LOAD_GLOBAL", "LOAD_NAME") or ins.argval not in namespace:
            continue
        target, dotted = namespace[ins.argval], [ins.argval]
        for after in instructions[i + 1 :]:  # follow module.attribute chains: losses.hinge_...
            if _is_tensorflow(target) or not isinstance(target, (types.ModuleType, type)):
                break
            if after.opname not in ("LOAD_ATTR", "LOAD_METHOD"):
                break
            if not hasattr(target, str(after.argval)):
                break
            target = getattr(target, str(after.argval))
            dotted.append(str(after.argval))
        if _is_tensorflow(target) or ins.argval in ("tf", "tensorflow"):
            for after in instructions[i + len(dotted) :]:
                if after.opname not in ("LOAD_ATTR", "LOAD_METHOD"):
                    break
                dotted.append(str(after.argval))
            return ".".join(dotted)
        if _worth_reading(target, namespace):
            todo.append((target, via or ".".join(dotted)))
    return None


def as_number(value, name: str) -> float:
    """The student's scalar result as a float, or a failure that says it is not one number."""
    if value is None:
        raise CheckFailed(f"{name} returned None: return the loss")
    array = np.asarray(value, dtype=np.float64)
    if array.size != 1:
        raise CheckFailed(
            f"{name} must return one number (a scalar), the means of the batches added, "
            f"but it returned an array of shape {array.shape}"
        )
    return float(array.reshape(()))


def _keras_said(exc: Exception) -> str:
    """The first line of what the student's code raised, without Keras's wrapping around it."""
    text = str(exc)
    if "\x1b[1m" in text:  # Keras prints the student's own error in bold inside its report
        text = text.split("\x1b[1m", 1)[1].split("\x1b[0m", 1)[0]
    if "Error encountered:" in text:  # and, on symbolic inputs, after its own explanation
        text = text.split("Error encountered:", 1)[1]
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return re.sub(r"\{\{function_node [^}]*\}\}\s*", "", lines[0]) if lines else ""


def layer_output(cls, x, hint: str | None = None):
    """``cls()(x)``: the student's layer built and called the way Keras code calls it. An error
    becomes a failure in the words of :func:`ganbook_lib.grading.call`, without Keras's wrapping;
    a ``NotImplementedError`` says the layer is not written yet."""
    name = getattr(cls, "__name__", LAYER)
    try:
        return cls()(x)
    except NotImplementedError:
        raise CheckFailed(f"{name} is not written yet (it raises NotImplementedError)") from None
    except Exception as exc:  # noqa: BLE001 - any error in student code is reported to them
        first = _keras_said(exc)
        said = f"{name} raised {type(exc).__name__}" + (f": {first}" if first else "")
        raise CheckFailed(f"{hint} ({said})" if hint else said) from None


# ch07-q1: the hinge discriminator loss in keras.ops,
# L_D = E[max(0, 1 - D(x))] + E[max(0, 1 + D(G(z)))] on raw scores


@check("ch07-q1")
def hinge_loss_at_zero(ns):
    fn = student(ns, HINGE)
    zeros = np.zeros((4, 1), np.float32)
    value = as_number(call(fn, zeros, zeros), HINGE)
    expect(
        abs(value - 2.0) < 1e-6,
        "at scores 0 each hinge costs the whole margin, 1, so L_D must be 1 + 1 = 2, not "
        f"{value:.4g}: keep the margin in max(0, 1 - D(x)) and max(0, 1 + D(G(z)))",
    )


@check("ch07-q1")
def hinge_loss_is_zero_beyond_the_margin(ns):
    fn = student(ns, HINGE)
    d_real = np.array([[1.0], [1.5], [3.0]], np.float32)
    d_fake = np.array([[-1.0], [-4.0]], np.float32)
    value = as_number(call(fn, d_real, d_fake), HINGE)
    expect(
        abs(value) < 1e-6,
        f"reals scored 1 or more and fakes scored -1 or less must cost nothing, but L_D = "
        f"{value:.4g}: check the signs, max(0, 1 - D(x)) for reals and max(0, 1 + D(G(z))) "
        "for fakes",
    )


@check("ch07-q1")
def hinge_loss_is_differentiable(ns):
    tf, fn = _tf(), student(ns, HINGE)
    d_real = tf.Variable([[0.0], [0.5], [-0.5]])
    d_fake = tf.Variable([[0.25], [-0.25]])
    with tf.GradientTape() as tape:
        value = call(fn, d_real, d_fake)
    grads = tape.gradient(value, [d_real, d_fake]) if tf.is_tensor(value) else [None, None]
    expect(
        all(g is not None for g in grads),
        "the loss must stay a backend tensor that has a gradient: compute it with keras.ops, "
        f"not NumPy or .numpy() (it returned a {type(value).__name__} without one)",
    )


@check("ch07-q1")
def hinge_loss_uses_keras_ops_only(ns):
    fn = student(ns, HINGE)
    zeros = np.zeros((2, 1), np.float32)
    call(fn, zeros, zeros)  # an unwritten stub says so first
    found = reaches_tensorflow(fn)
    expect(
        found is None,
        f"use keras.ops only: it uses {found}, so the loss would run on the TensorFlow backend "
        "only (ops.relu and ops.mean run on every backend)",
    )


# ch07-q2: the minibatch-spread layer in keras.ops: h (n, ..., c) -> (n, ..., c + 1), the new
# channel holding mean(std(h, axis=0)) (population std) everywhere


@check("ch07-q2")
def stddev_layer_shape_and_channels(ns):
    cls = student(ns, LAYER)
    h = np.random.default_rng(1).normal(size=(4, 3, 3, 2)).astype(np.float32)
    out = np.asarray(layer_output(cls, h))
    expect(
        out.shape == (4, 3, 3, 3),
        f"append exactly one channel: an input of shape (4, 3, 3, 2) must give (4, 3, 3, 3), "
        f"not {out.shape}",
    )
    expect(
        np.allclose(out[..., :2], h),
        "the input's channels must come first and pass through unchanged; the spread goes in "
        "the one new channel, the last",
    )


@check("ch07-q2")
def stddev_layer_value(ns):
    cls = student(ns, LAYER)
    # feature a is (0, 0, 2, 2) over the batch (std 1), feature b (0, 0, 6, 6) (std 3)
    h = np.array([[0.0, 0.0], [0.0, 0.0], [2.0, 6.0], [2.0, 6.0]], np.float32)
    out = np.asarray(layer_output(cls, h))
    expect(
        out.shape == (4, 3),
        f"append exactly one channel: an input of shape (4, 2) must give (4, 3), not {out.shape}",
    )
    extra = out[:, -1]
    known = {  # what the usual slips give on this batch
        # ddof 1: (2 / sqrt(3) + 2 sqrt(3)) / 2
        4 / np.sqrt(3): "that is the sample standard deviation "
        "(ddof 1): the layer uses the population one, ddof 0",
        5.0: "that is the variance: take its square root, the standard deviation",
        np.sqrt(5.0): "that is the square root of the mean variance: average the standard "
        "deviations of the features instead",
        1.0: "that is the spread within each sample, over its features: take it over the "
        "batch, axis 0",
        np.sqrt(6.0): "that is the standard deviation of all the numbers pooled together: "
        "take one per feature, over the batch axis, then average them",
    }
    for wrong, why in known.items():
        expect(not np.allclose(extra, wrong, atol=1e-4), f"the spread came out {wrong:.4g}: {why}")
    expect(
        np.allclose(extra, 2.0, atol=1e-5),
        "features (0, 0, 2, 2) and (0, 0, 6, 6) have standard deviations 1 and 3 over the "
        f"batch, so the new channel must hold their mean, 2, not {extra.round(4).tolist()}",
    )


@check("ch07-q2")
def stddev_layer_uses_keras_ops_only(ns):
    cls = student(ns, LAYER)
    layer_output(cls, np.ones((2, 3), np.float32))  # an unwritten stub says so first
    found = reaches_tensorflow(cls)
    expect(
        found is None,
        f"use keras.ops only: it uses {found}, so the layer would run on the TensorFlow "
        "backend only (ops.std, ops.mean and ops.concatenate run on every backend)",
    )


@check("ch07-q2")
def stddev_layer_works_in_a_functional_model(ns):
    import keras

    cls = student(ns, LAYER)
    layer_output(cls, np.ones((2, 3, 3, 2), np.float32))  # an unwritten stub says so first
    hint = (
        "the layer must also work on symbolic inputs (keras.Input), which hold no numbers: "
        "use keras.ops, not NumPy or .numpy()"
    )
    try:
        y = cls()(keras.Input((3, 3, 2)))
    except Exception as exc:  # noqa: BLE001 - any error in student code is reported to them
        raise CheckFailed(f"{hint} ({type(exc).__name__}: {_keras_said(exc)})") from None
    shape = tuple(getattr(y, "shape", ()))
    expect(
        shape == (None, 3, 3, 3),
        f"on keras.Input((3, 3, 2)) the layer must give shape (None, 3, 3, 3), not {shape}",
    )
