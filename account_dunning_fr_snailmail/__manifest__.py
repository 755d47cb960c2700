{
    "name": "Relances clients (France) : envoi par La Poste avec Snailmail",
    "summary": "Send dunning letters by post through Odoo's snailmail service",
    "version": "18.0.1.0.0",
    "development_status": "Beta",
    "category": "Accounting/Accounting",
    "author": "account_dunning_fr contributors",
    "maintainers": ["account-dunning-fr"],
    "website": "https://github.com/account-dunning-fr/account_dunning_fr",
    "license": "AGPL-3",
    "depends": ["account_dunning_fr", "snailmail"],
    "data": [
        "views/account_dunning_level_views.xml",
        "views/account_dunning_action_views.xml",
    ],
    "installable": True,
    "application": False,
}
