from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.vocabularies import PAYER_PROFILES

# Above this many actions the run is carried out in the background by the
# scheduled action: one HTTP request must never send hundreds of reminders.
BACKGROUND_THRESHOLD = 20


class AccountDunningRunWizard(models.TransientModel):
    """Preview, adjust and execute a dunning run by hand."""

    _name = "account.dunning.run.wizard"
    _description = "Dunning Run Preview"

    date = fields.Date(required=True, default=fields.Date.context_today)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    policy_ids = fields.Many2many(
        "account.dunning.policy",
        string="Policies",
        domain="[('company_id', '=', company_id)]",
    )
    payer_profile = fields.Selection(PAYER_PROFILES)
    salesperson_ids = fields.Many2many("res.users", string="Salespeople")
    state = fields.Selection(
        [("draft", "Draft"), ("preview", "Preview"), ("done", "Done")],
        default="draft",
        required=True,
    )
    unit_ids = fields.Many2many(
        "account.dunning.run.unit",
        "account_dunning_run_wizard_unit_rel",
        string="Proposed Reminders",
        help="The customers of the planned run, one reminder each; those "
        "removed are left out of the run.",
    )
    action_ids = fields.Many2many(
        "account.dunning.action",
        "account_dunning_run_wizard_action_rel",
        string="Actions",
        help="The actions the run carried out, or left failed.",
    )
    credit_partner_ids = fields.Many2many(
        "res.partner",
        "account_dunning_run_wizard_credit_rel",
        string="Credits to Match",
        help="Customers with overdue items who owe nothing on balance: their "
        "payments or credit notes are to be matched, not reminded.",
    )
    run_id = fields.Many2one(
        "account.dunning.run",
        readonly=True,
        help="The run the preview planned, then carried out.",
    )
    executed_count = fields.Integer(readonly=True)
    failed_count = fields.Integer(readonly=True)
    to_print_count = fields.Integer(compute="_compute_to_print_count")

    @api.depends("action_ids.print_state")
    def _compute_to_print_count(self):
        for run in self:
            run.to_print_count = len(
                run.action_ids.filtered(lambda a: a.print_state == "to_print")
            )

    def _check_accountant(self):
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(self.env._("Only accountants can run the dunning."))

    def _get_partners(self):
        """Customers matching the filters, or None for all of them."""
        if not (self.payer_profile or self.salesperson_ids):
            return None
        domain = [("is_company", "=", True)]
        if self.payer_profile:
            domain.append(("payer_profile", "=", self.payer_profile))
        if self.salesperson_ids:
            domain.append(("user_id", "in", self.salesperson_ids.ids))
        partners = self.env["res.partner"].search(domain)
        return partners or self.env["res.partner"].browse([0])

    def action_preview(self):
        """Plan the run of the company on the date, as the scheduled action
        does, and list its reminders, with the levels to validate that
        earlier runs proposed: nothing is sent, settled or written but the
        run waiting for the accountant (``account.dunning.run._start``)."""
        self.ensure_one()
        self._check_accountant()
        if self.date > fields.Date.context_today(self):
            raise UserError(
                self.env._(
                    "A run cannot be dated in the future: reminders leave the day "
                    "they are carried out."
                )
            )
        Action = self.env["account.dunning.action"].with_company(self.company_id)
        levels = self.policy_ids.level_ids or None
        partners = self._get_partners()
        run = self.env["account.dunning.run"]._start(
            self.company_id,
            self.date,
            "manual",
            partners=partners,
            levels=levels,
            propose=True,
        )
        if run.state == "failed":
            raise UserError(
                self.env._(
                    "The run could not be planned: its history (%(run)s) says why.",
                    run=run.display_name,
                )
            )
        # Levels "to validate" proposed by earlier runs wait here too.
        waiting_domain = [
            ("company_id", "=", self.company_id.id),
            ("state", "=", "proposed"),
            ("date", "<=", self.date),
        ]
        if levels:
            waiting_domain.append(("level_id", "in", levels.ids))
        if partners is not None:
            waiting_domain.append(("partner_id", "in", partners.ids))
        run._add_actions(Action.search(waiting_domain))
        self.write(
            {
                "state": "preview",
                "run_id": run.id,
                "unit_ids": [Command.set(run.unit_ids.ids)],
                "credit_partner_ids": [Command.set(run.credit_partner_ids.ids)],
            }
        )
        return self._reopen()

    def action_execute(self):
        """Carry out the reminders kept in the preview, by the run's claims
        (in the background above ``BACKGROUND_THRESHOLD`` of them); the
        others are left out."""
        self.ensure_one()
        self._check_accountant()
        run = self.run_id
        if not run.exists():
            raise UserError(
                self.env._("This preview has expired: preview the run again.")
            )
        if not self.unit_ids:
            raise UserError(self.env._("Select at least one reminder to carry out."))
        # The preview only read the commitments due: the run settles them.
        self.env["account.dunning.run"]._settle_commitments(self.date, self.company_id)
        run._validate(left_out=run.unit_ids - self.unit_ids)
        if len(self.unit_ids) > BACKGROUND_THRESHOLD:
            return self._carry_out_in_background(run)
        self.env["account.dunning.run"]._carry_out_pending(runs=run)
        actions = run.action_ids
        # Carried out at once: its letters too, in groups, before the
        # accountant prints them.
        self.env["account.dunning.send"]._render_pending(actions)
        self.write(
            {
                "state": "done",
                "action_ids": [Command.set(actions.ids)],
                "executed_count": len(actions.filtered(lambda a: a.state == "done")),
                "failed_count": len(actions.filtered(lambda a: a.state == "failed")),
            }
        )
        return self._reopen()

    def _carry_out_in_background(self, run):
        """Leave the run to the scheduled action and show its progress."""
        # The trigger is a technical record of the scheduler: the accountant
        # asks for the callback, they do not manage scheduled actions.
        self.env.ref(
            "account_dunning_fr.ir_cron_account_dunning_run_units"
        ).sudo()._trigger()
        run._dunning_message_post(
            body=self.env._(
                "%(count)s actions to carry out in the background; you will be "
                "notified when the run is finished.",
                count=len(self.unit_ids),
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": run._name,
            "res_id": run.id,
            "view_mode": "form",
            "target": "current",
            "name": run.display_name,
        }

    def action_view_run(self):
        self.ensure_one()
        return self.run_id.get_formview_action()

    def action_print_batch(self):
        self.ensure_one()
        return self.action_ids.action_print_batch()

    def action_view_actions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_dunning_fr.account_dunning_action_action"
        )
        action["domain"] = [("id", "in", self.action_ids.ids)]
        return action

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Dunning Run"),
            "context": {"dialog_size": "extra-large"},
        }
