import numpy as np
import pytest

from ganbook_lib import GanbookError, data
from ganbook_lib.chapters import few_images


def test_few_digits_are_class_balanced_training_digits_chosen_by_the_seed():
    x, y = data.load_images("mnist5k", "train")
    few = few_images.few_digits(50, seed=3)
    assert few.shape == (50, *x.shape[1:])
    # each chosen digit is a training digit; its label shows the classes are balanced
    index = {img.tobytes(): label for img, label in zip(x, y)}
    labels = np.array([index[img.tobytes()] for img in few])
    assert np.bincount(labels, minlength=10).tolist() == [5] * 10
    assert np.array_equal(few, few_images.few_digits(50, seed=3))
    assert not np.array_equal(few, few_images.few_digits(50, seed=4))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n": 55}, "multiple of 10"),
        ({"n": 0}, "n must be"),
    ],
)
def test_few_digits_rejects_counts_it_cannot_balance(kwargs, message):
    with pytest.raises(GanbookError, match=message):
        few_images.few_digits(**kwargs)


def test_train_on_few_rejects_an_unknown_variant_and_uneven_marks_before_training():
    x = np.zeros((10, 28, 28, 1), np.float32)
    with pytest.raises(GanbookError, match="variant must be one of none, diffaugment, ada"):
        few_images.train_on_few(x, "mixup")
    with pytest.raises(GanbookError, match=r"steps \(10\) must be a multiple of marks \(4\)"):
        few_images.train_on_few(x, "none", steps=10, marks=4)


def test_the_ada_variant_starts_at_zero_and_adapts():
    ada = few_images.VARIANTS["ada"]
    assert ada.probability == 0.0 and ada.adaptive and ada.kimg == 100.0
    assert few_images.VARIANTS["none"] is None
