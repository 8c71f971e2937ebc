{
    "name": "EDIFLEX - Accepted works situations as customer invoices",
    "summary": "Bridge between the Chorus Pro works situations and Odoo Accounting: the accepted situation "
    "becomes the customer invoice, its retention a receivable of its own",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "EDIFLEX",
    "website": "https://www.ediflex.fr",
    "license": "LGPL-3",
    "depends": ["account", "ediflex_chorus"],
    "data": [
        "views/account_move_views.xml",
        "views/ediflex_situation_views.xml",
        "views/res_config_settings_views.xml",
    ],
}
