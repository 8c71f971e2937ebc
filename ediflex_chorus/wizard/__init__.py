from . import (
    ediflex_chorus_action_wizard,
    ediflex_chorus_connection_test,
    ediflex_chorus_diagnostic,
    ediflex_situation_refuse,
)
