from . import ediflex_chorus_diagnostic, ediflex_situation_refuse
