"""The vocabularies of the dunning: selection lists shared by several models
and wizards (their labels are translated through the fields using them)."""

PAYER_PROFILES = [
    ("good", "Good payer"),
    ("negligent", "Negligent payer"),
    ("bad", "Bad payer"),
    ("insolvent", "In difficulty / insolvent"),
    ("administrative", "Administrative payer"),
]

LETTER_TYPES = [
    ("pre_due", "Courtesy reminder before the due date"),
    ("first", "First reminder"),
    ("second", "Second reminder"),
    ("formal_notice", "Formal notice (mise en demeure)"),
    ("call_confirmation", "Phone call confirmation"),
    ("payment_plan", "Payment plan agreement"),
    ("delivery_suspension", "Notice of delivery suspension"),
    ("statement", "Statement of account"),
    ("public_moratorium", "Public buyer: moratorium interest request"),
]

ACTION_STATES = [
    ("proposed", "Proposed"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
    ("failed", "Failed"),
]

WORKFLOW_KINDS = [
    ("call", "Phone call"),
    ("visit", "Customer visit"),
    ("confirmation", "Call confirmation"),
    ("payment_plan", "Payment plan agreement"),
    ("formal_notice", "Formal notice"),
    ("portal", "Customer portal"),
]

CALL_OUTCOMES = [
    ("reached", "Reached"),
    ("not_reached", "Not reached"),
    ("wrong_number", "Wrong number"),
]

DELAY_REASONS = [
    ("not_received", "Invoice not received"),
    ("not_approved", "Invoice not approved for payment"),
    ("dispute", "Dispute"),
    ("cash", "Cash difficulty"),
    ("forgot", "Forgot"),
    ("signature", "Awaiting signature"),
    ("other", "Other"),
]

PAYMENT_MEANS = [
    ("transfer", "Bank transfer"),
    ("cheque", "Cheque"),
    ("card", "Card"),
    ("direct_debit", "Direct debit"),
    ("bill_of_exchange", "Bill of exchange"),
]

DELIVERY_MODES = [
    ("registered", "Registered letter with acknowledgment"),
    ("bailiff", "Commissaire de justice"),
    ("hand", "Hand delivery against receipt"),
]

# The channels of a reminder: the same boolean fields on the level (what it
# does) and on the action (what was done), copied from one to the other.
CHANNELS = (
    "send_email",
    "send_letter",
    "send_registered_letter",
    "send_sms",
    "create_call",
    "create_visit",
    "notify_salesperson",
    "credit_hold",
)

# Kinds of debtor, each with its own late payment regime (penalties of
# C. com. L441-10, legal interest only, or moratorium interest): the values
# of res.partner.dunning_debtor_type.
DEBTOR_TYPES = [
    ("professional", "Professional"),
    ("consumer", "Consumer"),
    ("public", "Public buyer"),
]

# Statuses of a French e-invoice's lifecycle, as the platforms exchange them
# (norm XP Z12-012, "cycle de vie"): the values of
# account.dunning.einvoice.status.code.
EINVOICE_STATUSES = [
    ("200", "Deposited"),
    ("201", "Issued by the platform"),
    ("202", "Received by the platform"),
    ("203", "Made available"),
    ("204", "Taken in charge"),
    ("205", "Approved"),
    ("206", "Partially approved"),
    ("207", "Disputed"),
    ("208", "Suspended"),
    ("209", "Completed"),
    ("210", "Refused"),
    ("211", "Payment sent"),
    ("212", "Collected"),
    ("213", "Rejected"),
]

# Billing framework of an e-invoice (cadre de facturation, EN 16931 BT-23):
# the letter says what is sold (goods, services, both), the digit how it is
# paid; the values of account.move.dunning_einvoice_framework.
EINVOICE_FRAMEWORKS = [
    ("B1", "B1 – Goods"),
    ("S1", "S1 – Services"),
    ("M1", "M1 – Goods and services"),
    ("B2", "B2 – Goods, invoice already paid"),
    ("S2", "S2 – Services, invoice already paid"),
    ("M2", "M2 – Goods and services, invoice already paid"),
    ("B4", "B4 – Goods, final invoice after a down payment"),
    ("S4", "S4 – Services, final invoice after a down payment"),
    ("M4", "M4 – Goods and services, final invoice after a down payment"),
    ("S5", "S5 – Services of a subcontractor"),
    ("S6", "S6 – Services of a co-contractor"),
    ("B7", "B7 – Goods, already e-reported"),
    ("S7", "S7 – Services, already e-reported"),
]

# Where a lifecycle status came from.
EINVOICE_SOURCES = [
    ("email", "Received by email"),
    ("import", "Imported message"),
    ("manual", "Entered by hand"),
    ("platform", "Sent by the platform"),
]

ANSWER_KINDS = [
    ("promise", "Payment promise"),
    ("dispute", "Dispute"),
    ("payment", "Payment under way"),
    ("reply", "Reply"),
    ("call", "Call outcome"),
]

ANSWER_SOURCES = [
    ("portal", "Portal"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("visit", "Visit"),
    ("payment", "Online payment"),
]
