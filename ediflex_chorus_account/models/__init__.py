from . import (
    account_move,
    account_move_send,
    ediflex_chorus_deposit,
    ediflex_situation,
    res_company,
    res_config_settings,
)
