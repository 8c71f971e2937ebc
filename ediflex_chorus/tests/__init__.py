from . import (
    test_bad_input,
    test_configuration,
    test_deposit_exchange,
    test_flow_road,
    test_french,
    test_pdf_copy,
    test_portal,
    test_resilience,
    test_security,
    test_situation_flow,
    test_situation_ux,
    test_tours,
)
