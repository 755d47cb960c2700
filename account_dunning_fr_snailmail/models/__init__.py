from . import account_dunning_level
from . import account_dunning_action
from . import account_dunning_action_builder
from . import account_dunning_delivery
from . import account_dunning_undelivered
from . import account_dunning_channel
from . import snailmail_letter
from . import account_dunning_letter_rendering
