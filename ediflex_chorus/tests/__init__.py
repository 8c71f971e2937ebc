from . import test_configuration, test_resilience, test_security, test_situation_flow
