from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import dunning_steps
from ..tools.vocabularies import CHANNELS, LETTER_TYPES

# French practice gives a formal notice 8 to 15 days to pay: a longer
# deadline would only delay the next step.
FORMAL_NOTICE_MAX_DAYS = 15

# Between the policy and the level in a level's display name.
LEVEL_SEPARATOR = " \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK} "


class AccountDunningLevel(models.Model):
    """One step of a dunning policy: when it triggers and what it does."""

    _name = "account.dunning.level"
    _description = "Dunning Level"
    _inherit = ["account.dunning.channel.mixin"]
    _order = "policy_id, sequence, id"

    policy_id = fields.Many2one(
        "account.dunning.policy", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="policy_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    sequence = fields.Integer(default=10, required=True)
    name = fields.Char(required=True, translate=True)
    template_id = fields.Many2one(
        "account.dunning.level",
        string="Copied From",
        copy=False,
        readonly=True,
    )

    # When it triggers
    delay_days = fields.Integer(
        string="Days After Due Date",
        required=True,
        help="Days relative to the invoice due date; negative before it.",
    )
    min_days_since_last = fields.Integer(
        string="Days Since Previous Action",
        default=7,
        help="Cadence: minimum number of days since the previous action on "
        "the same customer.",
    )
    min_amount = fields.Monetary(
        string="Minimum Open Amount",
        help="This level only applies when the customer owes at least this "
        "amount (e.g. phone calls for large amounts only).",
    )

    # What it does: its channels (the mixin), then
    letter_type = fields.Selection(LETTER_TYPES, default="first")
    undelivered_letter = fields.Boolean(
        string="Letter When Undelivered",
        default=True,
        help="When this level's email or SMS does not arrive (refused, "
        "returned), propose its letter in place, for an accountant to "
        "validate.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain="[('model', '=', 'account.dunning.action')]",
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS Template",
        domain="[('model', '=', 'account.dunning.action')]",
    )

    # Activities
    activity_type_id = fields.Many2one("mail.activity.type")
    activity_responsible = fields.Selection(
        [
            ("followup", "Follow-up responsible"),
            ("salesperson", "Salesperson"),
            ("user", "Named user"),
        ],
        string="Activity Assigned To",
        default="followup",
        required=True,
    )
    activity_user_id = fields.Many2one("res.users", string="Named User")
    activity_deadline_days = fields.Integer(
        string="Activity Deadline (days)", default=1
    )

    # What the letter says
    payment_deadline_days = fields.Integer(
        string="Payment Deadline (days)",
        default=8,
        help="Deadline granted in the letter; the next level is not due "
        "before it has passed.",
    )
    mention_penalties = fields.Boolean(
        string="States Penalties and 40 €",
        help="The letter states the late penalties accrued and the fixed "
        "recovery indemnity (professional customers only).",
    )
    is_formal_notice = fields.Boolean(
        string="Formal Notice",
        help="Sending this level sets the formal notice date: legal interest "
        "starts and the amicable phase ends.",
    )
    auto_execute = fields.Boolean(
        string="Automatic",
        default=True,
        help="Executed by the daily run; otherwise proposed and executed once "
        "an accountant validates it.",
    )

    @api.depends("name", "policy_id.name")
    def _compute_display_name(self):
        # Levels of several policies often share a name ("First reminder"):
        # wherever they meet (analysis, filters, preview) the policy tells
        # them apart. The policy's name is read as superuser: a salesperson
        # sees the level of their customers, never the configuration.
        for level in self:
            policy = level.sudo().policy_id
            level.display_name = (
                f"{policy.name}{LEVEL_SEPARATOR}{level.name}"
                if policy.name and level.name
                else level.name
            )

    @api.constrains(
        "min_days_since_last",
        "min_amount",
        "payment_deadline_days",
        "activity_deadline_days",
    )
    def _check_non_negative(self):
        for level in self:
            if (
                min(
                    level.min_days_since_last,
                    level.min_amount,
                    level.payment_deadline_days,
                    level.activity_deadline_days,
                )
                < 0
            ):
                raise ValidationError(
                    self.env._(
                        "Level “%(level)s”: the cadence, the minimum amount and "
                        "the deadlines must be zero or more.",
                        level=level.name,
                    )
                )

    @api.constrains("is_formal_notice", "payment_deadline_days", *CHANNELS)
    def _check_formal_notice(self):
        for level in self.filtered("is_formal_notice"):
            if not 1 <= level.payment_deadline_days <= FORMAL_NOTICE_MAX_DAYS:
                raise ValidationError(
                    self.env._(
                        "Level “%(level)s” is a formal notice: its payment "
                        "deadline must be between 1 and %(max)s days.",
                        level=level.name,
                        max=FORMAL_NOTICE_MAX_DAYS,
                    )
                )
            if not (
                level.send_registered_letter or level.send_letter or level.send_email
            ):
                raise ValidationError(
                    self.env._(
                        "Level “%(level)s” is a formal notice: it must be sent "
                        "in writing (registered letter, letter or email).",
                        level=level.name,
                    )
                )

    @api.constrains(*CHANNELS)
    def _check_does_something(self):
        for level in self:
            if not any(level[fname] for fname in CHANNELS):
                raise ValidationError(
                    self.env._(
                        "Level “%(level)s” does nothing: choose at least one "
                        "channel (email, letter, call, …).",
                        level=level.name,
                    )
                )

    @api.constrains("letter_type", "policy_id")
    def _check_french_letter_type(self):
        """The moratorium interest letter claims what French public
        procurement law grants (CCP L2192-13, D2192-35): a company that law
        does not govern has nothing to claim by it."""
        for level in self.filtered(lambda lvl: lvl.letter_type == "public_moratorium"):
            if not level.policy_id.company_id._dunning_french_law_applies():
                raise ValidationError(
                    self.env._(
                        "Level “%(level)s” sends the moratorium interest letter "
                        "of French public buyers, which only a company "
                        "established in France can claim: choose another letter.",
                        level=level.name,
                    )
                )

    @api.constrains("activity_responsible", "activity_user_id")
    def _check_activity_user(self):
        for level in self:
            if level.activity_responsible == "user" and not level.activity_user_id:
                raise ValidationError(
                    self.env._(
                        "Level “%(level)s”: choose the user who receives its "
                        "activities.",
                        level=level.name,
                    )
                )

    def _get_deadline_date(self, date):
        """The payment deadline this level announces in a reminder dated
        ``date``: its number of days after that date, or False for a level
        that announces none. The one rule for the action's values, an action
        carried out later than planned and the letter's wording.

        :param date: ``datetime.date`` of the reminder
        :return: ``datetime.date`` or False
        """
        self.ensure_one()
        days = self.payment_deadline_days
        return date + timedelta(days=days) if days else False

    @api.model
    def _get_step_levels(self, level_ids):
        """The levels ``level_ids`` as the steps of the dunning read them.

        :param level_ids: iterable of ``account.dunning.level`` ids
        :return: ``{id: tools.dunning_steps.Level}``
        """
        return {
            level.id: level._get_step_level() for level in self.browse(list(level_ids))
        }

    def _get_highest(self):
        """The most advanced of these levels, as the run ranks them when it
        plans (``tools.dunning_steps.highest``: the latest trigger, then the
        highest sequence, then the level created first). The one rule for
        an invoice's level and a customer's highest level.

        :return: one ``account.dunning.level``, or an empty recordset
        """
        top = dunning_steps.highest(self._get_step_levels(self.ids).values())
        return self.browse(top.id if top else ())

    def _get_step_level(self):
        """This level as ``tools.dunning_steps.Level`` (None when empty)."""
        if not self:
            return None
        self.ensure_one()
        return dunning_steps.Level(
            self.id,
            sequence=self.sequence,
            delay_days=self.delay_days,
            min_amount=self.min_amount,
            payment_deadline_days=self.payment_deadline_days,
            min_days_since_last=self.min_days_since_last,
        )

    @api.constrains(
        "sequence", "delay_days", "policy_id", "credit_hold", "send_registered_letter"
    )
    def _check_policy_order(self):
        """Levels must be graduated: unique steps whose triggers never go back."""
        for policy in self.policy_id:
            levels = policy._get_levels_ordered()
            sequences = levels.mapped("sequence")
            if len(sequences) != len(set(sequences)):
                raise ValidationError(
                    self.env._(
                        "Policy “%(policy)s”: two levels have the same sequence; "
                        "give each level its own place.",
                        policy=policy.name,
                    )
                )
            warned = False
            for previous, level in zip(levels, levels[1:], strict=False):
                if level.delay_days < previous.delay_days:
                    raise ValidationError(
                        self.env._(
                            "Policy “%(policy)s”: level “%(level)s” triggers at "
                            "%(days)s days, before the previous level "
                            "“%(previous)s” (%(previous_days)s days).",
                            policy=policy.name,
                            level=level.name,
                            days=level.delay_days,
                            previous=previous.name,
                            previous_days=previous.delay_days,
                        )
                    )
            for level in levels:
                warned = warned or level.send_registered_letter
                if level.credit_hold and not warned:
                    raise ValidationError(
                        self.env._(
                            "Policy “%(policy)s”: level “%(level)s” stops "
                            "deliveries, but the customer has not been warned by "
                            "registered letter at this level or before it.",
                            policy=policy.name,
                            level=level.name,
                        )
                    )

    def _get_channel_labels(self):
        """Human labels of what the level does, in the user's language."""
        self.ensure_one()
        return [
            self._fields[f].get_description(self.env)["string"]
            for f in CHANNELS
            if self[f]
        ]
