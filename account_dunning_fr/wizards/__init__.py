from . import account_dunning_customer_wizard
from . import account_dunning_run_wizard
from . import account_dunning_call
from . import account_dunning_formal_notice
from . import account_dunning_payment_plan_create
from . import account_dunning_claim_waive
from . import account_dunning_einvoice_entry
from . import account_dunning_einvoice_import
