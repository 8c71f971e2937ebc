"""Plain tests import the core as the top-level package ``chorus`` (no Odoo needed), and the emulator.

Fixtures shared by the client and emulator tests: ``emu``, ``creds``, ``client``, ``fresh_token_cache``.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "ediflex_chorus"))

import pytest
from chorus_emulator import Emulator
from helpers import credentials_of, make_client

from chorus import client as client_module


@pytest.fixture
def fresh_token_cache():
    """An empty token cache before and after the test (modules that use it say so in their pytestmark)."""
    client_module.clear_token_cache()
    yield
    client_module.clear_token_cache()


@pytest.fixture
def emu():
    """A running emulator on a free loopback port, stopped after the test."""
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def creds(emu):
    """The credentials the emulator accepts."""
    return credentials_of(emu)


@pytest.fixture
def client(emu, creds):
    """A client of the emulator, closed after the test."""
    with make_client(emu, creds) as chorus:
        yield chorus
