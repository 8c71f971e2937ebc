"""Plain tests import the core as the top-level package ``chorus`` (no Odoo needed)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "ediflex_chorus"))
