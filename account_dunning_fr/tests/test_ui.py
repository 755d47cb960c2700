from datetime import date

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged

from .common import DunningCommon
from .test_tools_post_room import _pdf


def _render_as_pdf(report, report_ref, res_ids=None, data=None):
    """Render the letter (as HTML under test: no wkhtmltopdf) and hand it over
    as a one-page PDF, the only kind the post room's batch print merges."""
    html, _fmt = report._render_qweb_html(report_ref, res_ids, data=data)
    return _pdf(f"{len(html)} bytes of letter", 1), "pdf"


@tagged("post_install", "-at_install")
class TestRunWizardUi(DunningCommon, HttpCase):
    """The run wizard in a real browser, as an accountant: preview, leave a
    customer out, execute, print the letters."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls._create_policy(
            "Politique écran",
            [
                cls._level_vals(
                    10,
                    3,
                    name="Première relance",
                    payment_deadline_days=8,
                    send_letter=True,
                )
            ],
        )
        cls.customers = [
            cls._create_customer(name, dunning_policy_id=cls.policy.id)
            for name in ("Garage Leroy", "Imprimerie Dubois")
        ]
        for customer in cls.customers:
            cls._create_invoice(customer, 640.0, date(2026, 3, 2))

    def test_run_wizard_tour(self):
        self.patch(
            type(self.env["ir.actions.report"]), "_render_qweb_pdf", _render_as_pdf
        )
        with freeze_time("2026-03-10"):
            self.start_tour(
                f"/odoo/action-account_dunning_fr.account_dunning_run_action"
                f"?cids={self.company.id}",
                "account_dunning_fr_run",
                login=self.accountant.login,
            )
        actions = self.env["account.dunning.action"].search(
            [("partner_id", "in", [c.id for c in self.customers])]
        )
        self.assertEqual(actions.mapped("state"), ["done"], "the other one left out")
        done = actions
        left_out = done.run_id.unit_ids.filtered(lambda u: u.state == "skipped")
        self.assertEqual(left_out.partner_id, self.customers[1])
        self.assertTrue(done.letter_attachment_id, "the letter was rendered")
        self.assertEqual(done.print_state, "printed", "the batch print marks it")
