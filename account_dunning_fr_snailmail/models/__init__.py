from . import account_dunning_level
from . import account_dunning_action
from . import account_dunning_planning
from . import account_dunning_delivery
from . import account_dunning_send
from . import snailmail_letter
