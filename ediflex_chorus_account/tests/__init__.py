from . import test_sending_routes, test_situation_invoice
