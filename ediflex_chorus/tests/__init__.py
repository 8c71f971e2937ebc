from . import test_configuration, test_deposit_exchange, test_resilience, test_security, test_situation_flow
