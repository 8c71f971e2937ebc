from . import (
    ediflex_chorus_connector,
    ediflex_chorus_deposit,
    ediflex_chorus_ecb_rate,
    ediflex_chorus_service,
    ediflex_contract,
    ediflex_contract_lot,
    ediflex_situation,
    ediflex_situation_line,
    ir_actions_report,
    res_company,
    res_config_settings,
    res_partner,
)
