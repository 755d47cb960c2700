from . import test_policy_resolution
from . import test_level_validation
from . import test_recipient
from . import test_security
from . import test_french_labels
from . import test_engine
from . import test_legal_amounts
from . import test_workflows
