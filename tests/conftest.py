"""Shared fixtures: tests run on the CPU, in float64 where they compare against closed forms."""

import pytest
import torch


@pytest.fixture(autouse=True)
def _deterministic():
    torch.manual_seed(0)
    yield


@pytest.fixture
def one_thread():
    """Small ops gain nothing from a second thread, and OpenMP threads spin badly on a shared machine."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
