"""Chapter 6: the semi-supervised GAN and its supervised baseline."""

import math

import numpy as np
import pytest
import tensorflow as tf

from ganbook_lib import GanbookError, data
from ganbook_lib.chapters import semi_supervised


def test_labelled_subset_takes_per_class_of_every_class():
    y = np.repeat(np.arange(4), 7)
    chosen = semi_supervised.labelled_subset(y, per_class=3, seed=1)
    assert np.bincount(y[chosen]).tolist() == [3, 3, 3, 3]
    assert np.all(np.diff(chosen) > 0)  # sorted, no repeats
    assert np.array_equal(chosen, semi_supervised.labelled_subset(y, 3, seed=1))
    with pytest.raises(GanbookError, match="class 0 has only 7"):
        semi_supervised.labelled_subset(y, per_class=8)


def test_real_fake_logit_is_logsumexp_and_gives_z_over_z_plus_one():
    # K = 10 logits all 0: Z = 10, so d = log 10 and D(x) = 10 / 11
    d = semi_supervised.real_fake_logit(np.zeros((1, 10), np.float32)).numpy()
    assert d[0] == pytest.approx(math.log(10), rel=1e-6)
    # Z = 1 + 3 and Z = 0.5 + 0.5: D = Z / (Z + 1) = 4/5 and 1/2
    z = np.log(np.array([[1.0, 3.0], [0.5, 0.5]], np.float32))
    d = semi_supervised.real_fake_logit(z).numpy()
    np.testing.assert_allclose(1 / (1 + np.exp(-d)), [4 / 5, 1 / 2], rtol=1e-6)
    # shifting every class logit by c shifts d by exactly c
    logits = np.random.default_rng(0).normal(size=(3, 5)).astype(np.float32)
    shifted = semi_supervised.real_fake_logit(logits + 2.0).numpy()
    assert np.allclose(shifted - semi_supervised.real_fake_logit(logits).numpy(), 2.0, atol=1e-5)


def test_feature_matching_loss_is_squared_distance_of_means():
    real = tf.zeros((4, 3))
    assert float(semi_supervised.feature_matching_loss(real, real)) == 0.0
    fake = tf.fill((6, 3), 2.0)  # mean differs by 2 in each of 3 features
    assert float(semi_supervised.feature_matching_loss(real, fake)) == pytest.approx(4.0)
    real_var = tf.Variable(tf.zeros((4, 3)))
    with tf.GradientTape() as tape:
        loss = semi_supervised.feature_matching_loss(real_var, fake)
    assert tape.gradient(loss, real_var) is None  # the real side is a constant


def tiny_digits():
    x, y = data.load_images("digits", "train")
    return x, y, semi_supervised.labelled_subset(y, per_class=2, seed=0)


def test_baseline_never_touches_the_generator_and_the_gan_does():
    x, y, chosen = tiny_digits()
    first_accuracies = []
    for weight, generator_steps in ((0.0, 0), (0.5, 4)):
        model, log = semi_supervised.train_semi_supervised(
            x[chosen],
            y[chosen],
            x[:200],
            unsupervised_weight=weight,
            steps=4,
            batch_size=20,
            eval_data=(x[:50], y[:50]),
            eval_every=2,
        )
        assert int(model.c_optimizer.iterations) == 4
        assert int(model.g_optimizer.iterations) == generator_steps
        assert [step for step, _ in log.history] == [0, 2, 4]
        # accuracies on 50 images: multiples of 1/50
        assert all(abs(acc * 50 - round(acc * 50)) < 1e-9 for _, acc in log.history)
        first_accuracies.append(log.history[0][1])
    # the same seed, the same classifier before training, with or without the GAN
    assert first_accuracies[0] == first_accuracies[1]


def test_semi_supervised_checks_input():
    x, y, chosen = tiny_digits()
    with pytest.raises(GanbookError, match="unsupervised_weight"):
        semi_supervised.train_semi_supervised(x[chosen], y[chosen], x, unsupervised_weight=-1)
    with pytest.raises(GanbookError, match="differ in shape"):
        semi_supervised.train_semi_supervised(x[chosen], y[chosen], np.zeros((5, 4, 4, 1)))
    with pytest.raises(GanbookError, match="steps"):
        semi_supervised.train_semi_supervised(x[chosen], y[chosen], x, steps=0)


def test_classification_accuracy_of_a_model_on_its_own_predictions_is_one():
    x, _, _ = tiny_digits()
    classifier = semi_supervised.ssgan_classifier()
    predicted = classifier.predict(x[:40], verbose=0)[0].argmax(1)
    assert semi_supervised.classification_accuracy(classifier, x[:40], predicted) == 1.0
    wrong = (predicted + 1) % 10
    assert semi_supervised.classification_accuracy(classifier, x[:40], wrong) == 0.0


@pytest.mark.slow
def test_semi_supervised_gan_beats_the_baseline_with_ten_labels_per_class():
    x, y = data.load_images("digits", "train")
    x_test, y_test = data.load_images("digits", "test")
    chosen = semi_supervised.labelled_subset(y, per_class=10, seed=0)
    accuracy = []
    for weight in (0.0, 0.5):
        model, _ = semi_supervised.train_semi_supervised(
            x[chosen], y[chosen], x, unsupervised_weight=weight, steps=1000, seed=0
        )
        accuracy.append(semi_supervised.classification_accuracy(model.classifier, x_test, y_test))
    assert accuracy[1] - accuracy[0] >= 0.02, accuracy
