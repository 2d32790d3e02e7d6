"""ganlib.book.plotting against numpy oracles (convolution, reshapes)."""

import numpy as np
import pytest
import torch

from ganlib.book.plotting import image_grid, moving_average


@pytest.mark.parametrize("window", [1, 3, 10, 30])
def test_moving_average_matches_convolution(window):
    x = np.random.default_rng(0).normal(size=100)
    expected = np.convolve(x, np.ones(window) / window, mode="valid")
    got = moving_average(x, window)
    assert got.shape == (100 - window + 1,)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_moving_average_accepts_lists_and_tensors():
    np.testing.assert_allclose(moving_average([1.0, 2.0, 3.0, 4.0], 2), [1.5, 2.5, 3.5])
    np.testing.assert_allclose(moving_average(torch.tensor([0.0, 2.0, 4.0]), 3), [2.0])


@pytest.mark.parametrize("window", [0, -1, 2.5, True])
def test_moving_average_bad_window(window):
    with pytest.raises(ValueError, match="window"):
        moving_average(np.arange(5.0), window)


def test_moving_average_window_longer_than_series():
    with pytest.raises(ValueError, match="longer than the series"):
        moving_average(np.arange(5.0), 6)


def test_moving_average_rejects_2d():
    with pytest.raises(ValueError, match="1-D"):
        moving_average(np.zeros((3, 3)), 2)


def test_image_grid_without_padding_is_a_block_reshape():
    imgs = np.random.default_rng(1).random((6, 4, 5))
    grid = image_grid(imgs, nrow=3, pad=0)
    expected = imgs.reshape(2, 3, 4, 5).transpose(0, 2, 1, 3).reshape(8, 15)  # rows of 3 images
    np.testing.assert_array_equal(grid, expected)


def test_image_grid_padding_and_last_row():
    imgs = torch.arange(5 * 2 * 2, dtype=torch.float32).reshape(5, 1, 2, 2) + 1.0  # (B, 1, H, W), all >= 1
    grid = image_grid(imgs, nrow=2, pad=1, pad_value=0.0)
    assert grid.shape == (3 * 3 + 1, 2 * 3 + 1)
    for i in range(5):
        r, c = divmod(i, 2)
        np.testing.assert_array_equal(grid[1 + 3 * r:3 + 3 * r, 1 + 3 * c:3 + 3 * c], imgs[i, 0].numpy())
    assert grid.sum() == imgs.sum().item()  # everything else is padding (0)
    assert image_grid(imgs, nrow=2, pad=1)[0, 0] == 1.0  # default pad value: the smallest pixel


@pytest.mark.parametrize("bad", [np.zeros((2, 3, 4, 4)), np.zeros((4, 4)), np.zeros((0, 4, 4))])
def test_image_grid_bad_images(bad):
    with pytest.raises(ValueError, match="images"):
        image_grid(bad)


def test_image_grid_bad_nrow_and_pad():
    with pytest.raises(ValueError, match="nrow"):
        image_grid(np.zeros((2, 3, 3)), nrow=0)
    with pytest.raises(ValueError, match="pad"):
        image_grid(np.zeros((2, 3, 3)), pad=-1)
