{
    "name": "Relances clients (France) — queue_job",
    "summary": "Carry out the dunning runs as queue jobs shared by several workers",
    "version": "18.0.1.0.0",
    "development_status": "Beta",
    "category": "Accounting/Accounting",
    "author": "account_dunning_fr contributors",
    "maintainers": ["account-dunning-fr"],
    "website": "https://github.com/account-dunning-fr/account_dunning_fr",
    "license": "AGPL-3",
    "depends": ["account_dunning_fr", "queue_job"],
    "data": ["data/queue_job_data.xml"],
    "installable": True,
}
