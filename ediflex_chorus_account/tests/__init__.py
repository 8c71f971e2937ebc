from . import test_situation_invoice, test_sending_routes
