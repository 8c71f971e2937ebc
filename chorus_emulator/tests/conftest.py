"""Fixtures of the emulator's own tests: ``emu`` (a running emulator) and ``api`` (a raw HTTP caller of it)."""

import pytest

from chorus_emulator import Emulator
from chorus_emulator.tests.raw_http import Api


@pytest.fixture
def emu():
    """A running emulator on a free loopback port, stopped after the test."""
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def api(emu):
    """A raw HTTP caller of the emulator (token fetched once)."""
    return Api(emu)
