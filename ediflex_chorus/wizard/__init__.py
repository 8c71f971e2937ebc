from . import ediflex_situation_refuse
