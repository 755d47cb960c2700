"""The customer's answer page: the signed link of a reminder, the
portal user's access, and what paying, promising and disputing from it do to
the dunning."""

import re
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common_portal import REMINDED_ON, DunningPortalCommon
from .common_workflows import DUE, DunningWorkflowCommon, day

DELIVERY_NOTE = b"%PDF-1.4\nbon de livraison\n%%EOF\n"


@tagged("post_install", "-at_install")
class TestDunningPortal(DunningPortalCommon):
    # ------------------------------------------------------------------ links
    def test_reminder_carries_the_signed_link(self):
        self.assertEqual(self.reminder.state, "done")
        self.assertTrue(self.reminder.access_token)
        url = self.reminder._get_dunning_answer_url()
        self.assertIn(f"/my/dunning/{self.reminder.id}?access_token=", url)
        self.assertIn(url, str(self.reminder.mail_id.body_html))

    def test_owner_opens_the_signed_link(self):
        with freeze_time(day(10)):
            self.authenticate(None, None)
            response = self.url_open(self._url())
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.invoice.name, response.text)
        self.assertIn(self.invoice_b.name, response.text)
        self.assertNotIn(self.other_invoice.name, response.text)
        # The reminder's recipient reads English: the page speaks it.
        self.assertIn("Promise a payment date", response.text)
        self.assertIn("Quality of the goods or services", response.text)
        self.assertIn("1,500.00", response.text, "overdue total")

    def test_page_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["portal", "account_dunning_fr"], ["fr_FR"], overwrite=True
        )
        self.reminder.contact_id.lang = "fr_FR"
        with freeze_time(day(10)):
            self.authenticate(None, None)
            response = self.url_open(self._url())
        self.assertEqual(response.status_code, 200)
        self.assertIn("Qualité", response.text, "dispute reasons in French")
        self.assertNotIn("Quality of the goods or services", response.text)
        self.assertIn("1\N{NO-BREAK SPACE}500,00", response.text)

    @mute_logger("odoo.http")
    def test_another_customer_is_refused(self):
        with freeze_time(day(10)):
            self.authenticate(None, None)
            # The other customer's token does not open this customer's page.
            other_token = self.other_reminder._portal_ensure_token()
            response = self.url_open(
                f"/my/dunning/{self.reminder.id}?access_token={other_token}"
            )
            self.assertEqual(response.status_code, 403)
            self.assertNotIn(self.invoice.name, response.text)
            # A logged-in customer without the token sees only their own.
            self.authenticate(self.portal_user.login, self.portal_user.login)
            own = self.url_open(self._url(token=False))
            self.assertEqual(own.status_code, 200)
            self.assertIn(self.invoice.name, own.text)
            refused = self.url_open(self._url(self.other_reminder, token=False))
            self.assertEqual(refused.status_code, 403)
            self.assertNotIn(self.other_invoice.name, refused.text)
            refused = self._post(
                "/promise",
                {"move_ids": self.other_invoice.ids, "promise_date": "2026-03-20"},
                action=self.other_reminder,
                token=False,
            )
            self.assertEqual(refused.status_code, 403)
            # Their own page does not take another customer's invoice either.
            response = self._post(
                "/promise",
                {"move_ids": self.other_invoice.ids, "promise_date": "2026-03-20"},
                token=False,
            )
            self.assertEqual(response.status_code, 200)
            self.assertIn("Only your own invoices", response.text)
        self.assertFalse(self.other_invoice.dunning_promise_date)

    def test_portal_user_lands_on_their_latest_reminder(self):
        with freeze_time(day(10)):
            self.authenticate(self.portal_user.login, self.portal_user.login)
            response = self.url_open("/my/dunning", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(
            response.headers["Location"].endswith(f"/my/dunning/{self.reminder.id}")
        )

    @mute_logger("odoo.http")
    def test_tampered_or_expired_link_is_refused(self):
        token = self.reminder._portal_ensure_token()
        self.authenticate(None, None)
        with freeze_time(day(10)):
            tampered = self.url_open(
                f"/my/dunning/{self.reminder.id}?access_token={token[:-1]}x"
            )
            self.assertEqual(tampered.status_code, 403)
            self.assertIn("This link is not valid.", tampered.text)
            statement = self.url_open(
                f"/my/dunning/{self.reminder.id}/statement?access_token={token}x"
            )
            self.assertEqual(statement.status_code, 403)
        with freeze_time(REMINDED_ON + timedelta(days=60)):
            self.assertEqual(self.url_open(self._url()).status_code, 200)
        with freeze_time(REMINDED_ON + timedelta(days=61)):
            expired = self.url_open(self._url())
            self.assertEqual(expired.status_code, 403)
            self.assertIn("This link has expired.", expired.text)
            self.assertEqual(self._promise(day(70)).status_code, 403)
        self.assertFalse(self.invoice.dunning_promise_date)

    # ------------------------------------------------------ the company's pages
    @mute_logger("odoo.http")
    def test_pages_are_the_company_s(self):
        """Every customer page, refusals included, carries the name and logo
        of the company that sent the reminder, not the database's first."""
        main = self.env.ref("base.main_company")
        self.assertNotEqual(self.company, main)
        self.authenticate(None, None)
        with freeze_time(day(10)):
            pages = {
                "answer page": self.url_open(self._url()),
                "refusal": self.url_open(
                    f"/my/dunning/{self.reminder.id}?access_token=wrong"
                ),
                "payment page": self.url_open(
                    self._url(suffix="/pay") + f"&move_ids={self.invoice.id}"
                ),
            }
        for name, response in pages.items():
            with self.subTest(page=name):
                # The closing quote: company 1 is not company 14.
                self.assertIn(f'/logo.png?company={self.company.id}"', response.text)
                self.assertNotIn(f'/logo.png?company={main.id}"', response.text)
                self.assertIn(
                    f'Copyright &copy; <span itemprop="name">{self.company.name}<',
                    response.text,
                )

    def test_link_without_token_offers_to_log_in(self):
        self.authenticate(None, None)
        with freeze_time(day(10)):
            response = self.url_open(self._url(token=False), allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login?redirect=", response.headers["Location"])
        self.assertIn(
            f"%2Fmy%2Fdunning%2F{self.reminder.id}", response.headers["Location"]
        )

    def test_payment_page_lists_what_is_paid(self):
        moves = self.invoice | self.invoice_b
        self.authenticate(None, None)
        with freeze_time(day(10)):
            query = "&".join(f"move_ids={move.id}" for move in moves)
            page = self.url_open(self._url(suffix="/pay") + "&" + query)
        self.assertEqual(page.status_code, 200)
        for move in moves:
            self.assertIn(move.name, page.text)
        self.assertIn("1,200.00", page.text)
        self.assertIn("300.00", page.text)
        self.assertIn("1,500.00", page.text, "the total")
        self.assertIn(self._url().split("?")[0], page.text, "the way back")
        # Paid under the reminder's number: showing the page again takes no
        # new number from a sequence.
        self.assertIn(
            f"Payment reference: <span>{self.reminder.name}</span>", page.text
        )
        with freeze_time(day(10)):
            again = self.url_open(self._url(suffix="/pay") + "&" + query)
        self.assertIn(
            f"Payment reference: <span>{self.reminder.name}</span>", again.text
        )
        breadcrumb = page.text.split("o_portal_submenu", 1)[1].split("</ol>", 1)[0]
        for move in moves:
            self.assertNotIn(move.name, breadcrumb)

    def test_days_late_singular_and_plural(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["account_dunning_fr"], ["fr_FR"], overwrite=True
        )
        late = self._create_invoice(self.customer, 80.0, day(9))
        self.authenticate(None, None)
        with freeze_time(day(10)):
            english = self.url_open(self._url()).text
            self.reminder.contact_id.lang = "fr_FR"
            french = self.url_open(self._url()).text
        self.assertIn(late.name, english)
        self.assertIn("1 day late", english)
        self.assertNotIn("1 days late", english)
        self.assertIn("1 jour de retard", french)
        self.assertNotIn("1 jours de retard", french)
        # On a phone the status sits under the document's number, its
        # column hidden, so that nothing is cut at 390 px.
        self.assertRegex(
            english, r'<div class="d-md-none mt-1">\s*<span class="badge text-bg-danger'
        )
        self.assertIn('<th class="d-none d-md-table-cell">Status</th>', english)
        # The invoices due on DUE are several days late, in the plural.
        days = (day(10) - DUE).days
        self.assertIn(f"{days} jours de retard", french)

    def test_forms_tick_only_what_can_still_be_answered(self):
        """A disputed invoice is ticked in no form, not even for payment."""
        self.authenticate(None, None)
        with freeze_time(day(10)):
            response = self._post(
                "/dispute",
                {
                    "move_ids": self.invoice.ids,
                    "reason_type": "quantity",
                    "comment": "Livraison incomplète.",
                },
            )
            self.assertEqual(response.status_code, 303)
            page = self.url_open(self._url()).text
        for form in ("pay", "promise", "dispute"):
            with self.subTest(form=form):
                disputed = re.search(
                    rf'<input[^>]* id="{form}_{self.invoice.id}"[^>]*>', page
                )
                still_open = re.search(
                    rf'<input[^>]* id="{form}_{self.invoice_b.id}"[^>]*>', page
                )
                self.assertNotIn("checked", disputed.group(0))
                self.assertIn("checked", still_open.group(0))

    # -------------------------------------------------------------- documents
    @mute_logger("odoo.http")
    def test_statement_and_letters(self):
        self.authenticate(None, None)
        with freeze_time(day(10)):
            statement = self.url_open(self._url(suffix="/statement"))
            self.assertEqual(statement.status_code, 200)
            self.assertIn(self.invoice.name, statement.text)
            # As of the day it is downloaded (day 10: 12 March, 10 days
            # late), not of the reminder's day (7 March, 5 days late).
            self.assertIn("12 March 2026", statement.text)
            self.assertNotIn("7 March 2026", statement.text)
            self.assertRegex(statement.text, r"<span>10</span>")
            page = self.url_open(self._url())
            self.assertTrue(self.reminder.letter_attachment_id)
            letter_url = self._url(suffix=f"/letter/{self.reminder.id}")
            self.assertIn(letter_url.split("?")[0], page.text)
            letter = self.url_open(letter_url)
            self.assertEqual(letter.status_code, 200)
            self.assertEqual(letter.content, self.reminder.letter_attachment_id.raw)
            # Another customer's letter is not served through this link.
            other = self.url_open(self._url(suffix=f"/letter/{self.other_reminder.id}"))
            self.assertEqual(other.status_code, 404)

    # ---------------------------------------------------------------- promise
    def test_promise_pauses_until_broken(self):
        moves = self.invoice | self.invoice_b
        self.authenticate(None, None)
        with freeze_time(day(20)):
            response = self._promise(day(25), moves=moves, amount="1000")
        self.assertEqual(response.status_code, 303)
        self.assertIn("done=promise", response.headers["Location"])
        answer = self._portal_answers()
        self.assertRecordValues(
            answer,
            [
                {
                    "kind": "promise",
                    "state": "to_read",
                    "promise_date": day(25),
                    "promise_amount": 1000.0,
                    "move_ids": moves.ids,
                    "action_id": self.reminder.id,
                }
            ],
        )
        # The promise answers the reminder, which follows it; no reminder is
        # added by the answer.
        self.assertRecordValues(
            self.reminder,
            [{"promise_state": "pending", "promise_date": day(25)}],
        )
        self.assertFalse(
            self.Action.search(
                [("partner_id", "=", self.customer.id), ("id", "!=", self.reminder.id)]
            )
        )
        self.assertEqual(moves.mapped("dunning_promise_date"), [day(25)] * 2)
        self.assertEqual(self.invoice.dunning_promise_action_id, self.reminder)
        self.assertEqual(
            moves.mapped("dunning_promise_amount"), [1000.0, 0.0], "oldest first"
        )
        activity = answer.activity_ids
        self.assertEqual(activity.user_id, self.accountant, "follow-up responsible")
        self.assertIn(
            "Payment promised online", self.customer.message_ids[0].body or ""
        )
        # Until the promised date plus the grace period the run leaves the
        # invoices alone.
        paused = self._run(day(28))
        self.assertFalse(paused.move_ids & moves)
        # Not paid: the promise is broken and the reminders resume.
        resumed = self._run(day(29))
        self.assertEqual(self.reminder.promise_state, "broken")
        self.assertIn(self.invoice, resumed.move_ids)
        self.assertEqual(self.customer.dunning_promise_broken_count, 1)
        # A broken promise: no new promise by themselves.
        with freeze_time(day(30)):
            page = self.url_open(self._url())
            self.assertIn("o_dunning_promise_refused", page.text)
            refused = self._promise(day(40))
            self.assertEqual(refused.status_code, 200)
            self.assertIn("was not kept", refused.text)
        self.assertFalse(self.invoice.dunning_promise_date)
        self.assertEqual(len(self._portal_answers()), 1)

    def test_promise_within_the_horizon_only(self):
        self.authenticate(None, None)
        with freeze_time(day(10)):
            too_far = self._promise(day(41))
            self.assertEqual(too_far.status_code, 200)
            self.assertIn("Choose a payment date between today and", too_far.text)
            past = self._promise(day(9))
            self.assertEqual(past.status_code, 200)
            self.assertFalse(self.invoice.dunning_promise_date)
            self.assertEqual(self._promise(day(40)).status_code, 303)
        self.assertEqual(self.invoice.dunning_promise_date, day(40))
        self.assertEqual(
            self.invoice.dunning_promise_amount, 1200.0, "the whole open amount"
        )

    # ---------------------------------------------------------------- dispute
    def test_dispute_blocks_the_invoices_picked(self):
        self.authenticate(None, None)
        with freeze_time(day(10)):
            response = self._post(
                "/dispute",
                {
                    "move_ids": self.invoice_b.ids,
                    "reason_type": "quantity",
                    "comment": "Deux palettes manquaient à la livraison.",
                },
                files={"attachment": ("bon.pdf", DELIVERY_NOTE, "application/pdf")},
            )
        self.assertEqual(response.status_code, 303)
        self.assertIn("done=dispute", response.headers["Location"])
        dispute = self.env["account.dunning.dispute"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertRecordValues(
            dispute,
            [
                {
                    "state": "open",
                    "reason_type": "quantity",
                    "user_id": self.accountant.id,
                    "move_ids": self.invoice_b.ids,
                }
            ],
        )
        self.assertTrue(self.invoice_b.dunning_blocked)
        self.assertFalse(self.invoice.dunning_blocked, "only the disputed invoice")
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", dispute._name), ("res_id", "=", dispute.id)]
        )
        self.assertEqual(attachment.raw, DELIVERY_NOTE)
        self.assertEqual(dispute.activity_ids.user_id, self.accountant)
        answer = self._portal_answers()
        self.assertRecordValues(
            answer,
            [
                {
                    "kind": "dispute",
                    "dispute_id": dispute.id,
                    "move_ids": self.invoice_b.ids,
                }
            ],
        )
        reminded = self._run(day(20))
        self.assertNotIn(self.invoice_b, reminded.move_ids)
        self.assertIn(self.invoice, reminded.move_ids)

    def test_answer_notifications_have_a_sender(self):
        """The task a customer's answer assigns is announced by email: that
        email has a sender even though a visitor without an address wrote
        the answer."""
        self.accountant.email = "comptable@example.com"
        self.authenticate(None, None)
        mails_before = self.env["mail.mail"].search([])
        with freeze_time(day(10)):
            response = self._post(
                "/dispute",
                {
                    "move_ids": self.invoice_b.ids,
                    "reason_type": "quantity",
                    "comment": "Il manque deux palettes.",
                },
            )
        self.assertEqual(response.status_code, 303)
        mails = self.env["mail.mail"].search([]) - mails_before
        self.assertTrue(mails, "the responsible is told of the task")
        public = self.env.ref("base.public_partner")
        for mail in mails:
            self.assertTrue(mail.email_from)
            self.assertNotEqual(mail.author_id, public)

    def test_dispute_needs_a_comment(self):
        self.authenticate(None, None)
        with freeze_time(day(10)):
            response = self._post(
                "/dispute",
                {"move_ids": self.invoice.ids, "reason_type": "price", "comment": " "},
            )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Tell us what is wrong.", response.text)
        self.assertFalse(self.invoice.dunning_blocked)

    # ---------------------------------------------------------------- payment
    def test_pay_several_invoices_online(self):
        provider = self.env["payment.provider"].create(
            {
                "name": "Dummy Provider",
                "code": "none",
                "state": "test",
                "is_published": True,
                "company_id": self.company.id,
                "payment_method_ids": [
                    Command.set([self.env.ref("payment.payment_method_unknown").id])
                ],
            }
        )
        self.env.ref("payment.payment_method_unknown").active = True
        # As account_payment's own tests do: the dummy provider's payments
        # go to the bank journal, like a real provider's.
        Method = self.env.registry["account.payment.method"]
        get_information = Method._get_payment_method_information

        def _get_payment_method_information(model):
            return {
                **get_information(model),
                "none": {"mode": "electronic", "type": ("bank",)},
            }

        with patch.object(
            Method, "_get_payment_method_information", _get_payment_method_information
        ):
            # Only administrators create payment methods.
            self.env["account.payment.method"].sudo().create(
                {"name": "Dummy method", "code": "none", "payment_type": "inbound"}
            )
            provider.journal_id = self.company_data["default_journal_bank"]
        moves = self.invoice | self.invoice_b
        self.authenticate(None, None)
        with freeze_time(day(10)):
            token = self.reminder._portal_ensure_token()
            query = "&".join(f"move_ids={move.id}" for move in moves)
            page = self.url_open(self._url(suffix="/pay") + "&" + query)
            self.assertEqual(page.status_code, 200)
            self.assertIn("1,500.00", page.text)
            key = "-".join(str(i) for i in moves.ids)
            route = f"/my/dunning/{self.reminder.id}/transaction/{key}"
            self.assertIn(route, page.text)
            processing = self.make_jsonrpc_request(
                route,
                {
                    "access_token": token,
                    "payment_reference": "BATCH",
                    "provider_id": provider.id,
                    "payment_method_id": provider.payment_method_ids.id,
                    "token_id": None,
                    "amount": 1500.0,
                    "flow": "redirect",
                    "tokenization_requested": False,
                    "landing_route": self._url(),
                    "is_validation": False,
                },
            )
            self.assertTrue(processing["reference"])
            # Another customer's invoice cannot ride on this link.
            other = "-".join(str(i) for i in (self.invoice | self.other_invoice).ids)
            with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
                self.make_jsonrpc_request(
                    f"/my/dunning/{self.reminder.id}/transaction/{other}",
                    {
                        "access_token": token,
                        "payment_reference": "X",
                        "provider_id": provider.id,
                        "payment_method_id": provider.payment_method_ids.id,
                        "token_id": None,
                        "amount": 1650.0,
                        "flow": "redirect",
                        "tokenization_requested": False,
                        "landing_route": self._url(),
                        "is_validation": False,
                    },
                )
            transaction = self.env["payment.transaction"].search(
                [("reference", "=", processing["reference"])]
            )
            self.assertEqual(transaction.invoice_ids, moves)
            self.assertEqual(transaction.amount, 1500.0)
            # The provider confirms: Odoo reconciles, the run is done with them.
            transaction._set_done()
            transaction._post_process()
        for move in moves:
            self.assertIn(move.payment_state, ("in_payment", "paid"))
        reminded = self._run(day(20))
        self.assertFalse(reminded.move_ids & moves)


@tagged("post_install", "-at_install")
class TestDunningPortalTour(DunningWorkflowCommon, HttpCase):
    """The customer opens the link of the email, promises a date and reads
    the confirmation, in a real browser."""

    def test_promise_tour(self):
        invoice = self._create_invoice(self.customer, 980.0, DUE)
        with freeze_time(REMINDED_ON):
            reminder = self.Action._run_dunning(
                date=REMINDED_ON, companies=self.company
            )
        self.assertIn(
            reminder._get_dunning_answer_url(), str(reminder.mail_id.body_html)
        )
        with freeze_time(day(10)):
            self.start_tour(
                reminder.get_portal_url(), "account_dunning_fr_portal_promise"
            )
        self.assertEqual(invoice.dunning_promise_date, day(17), "a week ahead")
        answer = self.env["account.dunning.answer"].search(
            [("partner_id", "=", self.customer.id), ("source", "=", "portal")]
        )
        self.assertRecordValues(answer, [{"kind": "promise", "promise_date": day(17)}])
        self.assertEqual(reminder.promise_state, "pending")

    def test_answers_change_what_the_run_proposes(self):
        """Three customers answer from the portal: one promises, one disputes,
        one pays online and the provider leaves the payment pending; the
        next preview proposes only the customer who said nothing."""
        promising = self.customer
        disputing = self._create_customer(
            "Boulangerie Petit", dunning_policy_id=self.policy.id
        )
        paying = self._create_customer(
            "Menuiserie Aubert", dunning_policy_id=self.policy.id
        )
        silent = self._create_customer("Garage Leroy", dunning_policy_id=self.policy.id)
        customers = promising | disputing | paying | silent
        invoices = {
            customer: self._create_invoice(customer, 980.0, DUE)
            for customer in customers
        }
        provider = self._published_provider()
        with freeze_time(REMINDED_ON):
            reminders = self.Action._run_dunning(
                date=REMINDED_ON, companies=self.company
            )
        self.assertEqual(reminders.partner_id, customers)
        links = {action.partner_id: action.get_portal_url() for action in reminders}
        with freeze_time(day(10)):
            self.start_tour(links[promising], "account_dunning_fr_portal_promise")
            self.start_tour(links[disputing], "account_dunning_fr_portal_dispute")
            self.start_tour(links[paying], "account_dunning_fr_portal_pay")
            # The provider takes the payment and says it is pending.
            transaction = (
                self.env["payment.transaction"]
                .sudo()
                .create(
                    {
                        "provider_id": provider.id,
                        "payment_method_id": provider.payment_method_ids.id,
                        "reference": "PAIEMENT-EN-COURS",
                        "amount": 980.0,
                        "currency_id": self.company.currency_id.id,
                        "partner_id": paying.id,
                        "operation": "online_redirect",
                        "invoice_ids": [Command.set(invoices[paying].ids)],
                    }
                )
            )
            transaction._set_pending()
        self.assertEqual(invoices[promising].dunning_promise_date, day(17))
        self.assertTrue(invoices[disputing].dunning_blocked)
        # The call level falls due for all four on day 16; the promise holds
        # until day 20 (its date plus grace), the dispute until resolved, the
        # payment until the provider answers.
        with freeze_time(day(16)):
            self.start_tour(
                f"/odoo/action-account_dunning_fr.account_dunning_run_action"
                f"?cids={self.company.id}",
                "account_dunning_fr_answer_loop_preview",
                login=self.accountant.login,
            )
        preview = self.env["account.dunning.run"].search(
            [("state", "=", "proposed"), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(preview.unit_ids.partner_id, silent)
