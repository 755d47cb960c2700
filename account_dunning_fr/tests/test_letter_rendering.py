"""Letters rendered apart from the execution, in groups: the PDF of a group
cut back into one letter per action, the fallback letter by letter, the
email waiting for its letter, and the scheduled action under its budget."""

import io
from unittest.mock import Mock, patch

from freezegun import freeze_time
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger
from odoo.tools.pdf import PdfReader

from ..models import account_dunning_send as rendering
from .common_letters import DUE, LETTER_DATE, DunningLettersCommon


def _pdf_with_markers(pages):
    """A PDF whose pages draw the letter markers listed per page."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for markers in pages:
        pdf.drawString(100, 750, "Lettre")
        for index in markers:
            image = Image.new(
                "RGB",
                (rendering.MARKER_WIDTH + index, rendering.MARKER_HEIGHT),
                "white",
            )
            pdf.drawImage(ImageReader(image), 10, 800, width=1, height=1)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


class LetterRenderingCommon(DunningLettersCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rendering = cls.env["account.dunning.send"]

    def _pending(self, names, long_index=None, **vals):
        """Executed actions, one per new customer, whose letters wait."""
        actions = self.Action
        for index, name in enumerate(names):
            partner = self._create_customer(
                name, ref=f"C{index:03d}", dunning_policy_id=self.policy.id
            )
            invoices = self._create_invoice(partner, 100.0 + index, DUE)
            if index == long_index:
                # A table of thirty invoices runs onto a second page.
                for number in range(30):
                    invoices |= self._create_invoice(partner, 10.0 + number, DUE)
            actions |= self._action(partner, "first", invoices, **vals)
        with freeze_time(LETTER_DATE):
            actions.with_user(self.accountant).with_context(
                dunning_defer_letters=True
            ).action_execute()
        self.assertEqual(set(actions.mapped("state")), {"done"})
        self.assertEqual(set(actions.mapped("letter_render_state")), {"pending"})
        return actions

    def _pdf_text(self, content):
        reader = PdfReader(io.BytesIO(content))
        text = " ".join(page.extract_text() for page in reader.pages)
        return len(reader.pages), " ".join(text.split())


def _spy(model, method):
    """Patch: ``method`` of ``model`` counts its calls and does its work."""
    cls = type(model)
    return patch.object(cls, method, autospec=True, side_effect=getattr(cls, method))


def _letter_broken(env, broken, reason):
    """Patch: the letter of ``broken`` fails with ``reason`` while its values
    are computed, the others render as usual."""
    Letter = type(env["account.dunning.letter"])
    get_values = Letter._get_values

    def values(model, action):
        if action.id == broken.id:
            raise UserError(reason)
        return get_values(model, action)

    return patch.object(Letter, "_get_values", autospec=True, side_effect=values)


@tagged("post_install", "-at_install")
class TestLetterSplit(LetterRenderingCommon):
    def test_split_follows_markers(self):
        """Letter 1 runs onto a second page: pages 1, 2-3, 4."""
        actions = self._pending(["A SARL", "B SARL", "C SARL"])
        files = self.Rendering._split(_pdf_with_markers([[0], [1], [], [2]]), actions)
        pages = [len(PdfReader(io.BytesIO(files[a.id])).pages) for a in actions]
        self.assertEqual(pages, [1, 2, 1])

    def test_split_refuses_a_doubtful_cut(self):
        actions = self._pending(["A SARL", "B SARL", "C SARL"])
        for pages in ([[0], [2]], [[0], [2], [1]], [[1], [0], [2]], [[0, 1], [2]]):
            with self.assertRaises(rendering.LetterSplitError, msg=pages):
                self.Rendering._split(_pdf_with_markers(pages), actions)

    def test_email_waits_for_its_letter(self):
        """The run's execution leaves the letter pending and the email
        unsent; the letter's callback renders, attaches, then sends."""
        actions = self._pending(
            ["Boulangerie Dumas"], send_email=True, send_letter=False
        )
        self.assertFalse(actions.mail_id, "no email before its letter")
        self.assertFalse(actions.letter_attachment_id)
        self.assertEqual(self.Rendering._count_pending(actions), 1)
        cron = self.env.ref("account_dunning_fr.ir_cron_account_dunning_letters")
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]),
            "the letters' scheduled action is woken up",
        )
        with freeze_time(LETTER_DATE):
            self.Rendering._cron_render_letters()
        self.assertEqual(actions.letter_render_state, "done")
        self.assertEqual(
            actions.letter_attachment_id.name, f"{actions.name} - first.html"
        )
        self.assertTrue(actions.mail_id, "the email leaves with its letter")
        self.assertIn(actions.letter_attachment_id, actions.mail_id.attachment_ids)
        self.assertEqual(self.Rendering._count_pending(actions), 0)

    # The failed letter is logged with its traceback, as in production.
    @mute_logger("odoo.addons.account_dunning_fr.models.account_dunning_send")
    def test_broken_letter_fails_alone(self):
        actions = self._pending(
            ["A SARL", "B SARL", "C SARL"], send_email=True, send_letter=False
        )
        broken = actions[1]
        with (
            _letter_broken(self.env, broken, "Adresse illisible"),
            freeze_time(LETTER_DATE),
        ):
            self.Rendering._render_pending(actions)
        self.assertRecordValues(
            actions,
            [
                {"letter_render_state": "done", "letter_render_error": False},
                {
                    "letter_render_state": "failed",
                    "letter_render_error": "Adresse illisible",
                },
                {"letter_render_state": "done", "letter_render_error": False},
            ],
        )
        self.assertFalse(broken.mail_id, "no email without its letter")
        self.assertFalse(broken.letter_attachment_id)
        self.assertTrue((actions - broken).mail_id)
        self.assertIn("Adresse illisible", broken.message_ids[0].body)
        # Fixed, the accountant renders it again: the email follows.
        with freeze_time(LETTER_DATE):
            broken.with_user(self.accountant).action_render_letter()
        self.assertEqual(broken.letter_render_state, "done")
        self.assertIn(broken.letter_attachment_id, broken.mail_id.attachment_ids)

    def test_cron_renders_in_budgeted_callbacks(self):
        """Each callback stops claiming once its budget is spent (here: after
        its first group) and reports what is left; Odoo's runner calls again."""
        actions = self._pending([f"Client {n:02d}" for n in range(23)])
        cron = self.env.ref("account_dunning_fr.ir_cron_account_dunning_letters")
        # As Odoo's cron runner calls it: as the scheduled action's user.
        cron = cron.with_user(cron.user_id)
        progress_seen = []
        with (
            patch.object(rendering, "CRON_TIME_BUDGET", 0.0),
            patch.object(rendering, "GROUP_SIZE", 10),
            freeze_time(LETTER_DATE),
        ):
            while True:
                job, progress = cron._add_progress()
                job._callback(cron.cron_name, cron.ir_actions_server_id.id)
                progress_seen.append((progress.done, progress.remaining))
                if not progress.remaining:
                    break
        self.assertEqual(progress_seen, [(10, 13), (10, 3), (3, 0)])
        self.assertEqual(set(actions.mapped("letter_render_state")), {"done"})
        self.assertEqual(len(actions.letter_attachment_id), 23)

    def test_callback_starts_no_group_past_its_budget(self):
        """A callback does not start a group that its slowest group so far
        would take past the budget, however little it has rendered."""
        self._pending([f"Client {n:02d}" for n in range(4)])
        now = [0.0]
        render = type(self.Rendering)._render

        def slow_render(model, actions):
            now[0] += 4.0  # every group takes 4 seconds
            return render(model, actions)

        with (
            patch.object(rendering, "time", Mock(monotonic=lambda: now[0])),
            patch.object(
                type(self.Rendering), "_render", autospec=True, side_effect=slow_render
            ),
            patch.object(rendering, "CRON_TIME_BUDGET", 10.0),
            patch.object(rendering, "GROUP_SIZE", 1),
            patch.object(type(self.env["ir.cron"]), "_notify_progress") as notify,
        ):
            self.Rendering._cron_render_letters()
        # groups from 0 to 4 and 4 to 8; a third, to 12, would end past 10
        notify.assert_called_once_with(done=2, remaining=2)

    def test_archived_company_letters_fail_not_pending(self):
        """Letters of an archived company are not rendered and do not stay
        pending: they fail with the reason; restored, the company's letter
        is rendered on request and its email leaves."""
        actions = self._pending(
            ["Boulangerie Dumas"], send_email=True, send_letter=False
        )
        # Odoo refuses to archive a company that is its users' default, as
        # the test company is: only the flag matters here.
        self.env.cr.execute(
            "UPDATE res_company SET active = FALSE WHERE id = %s", [self.company.id]
        )
        self.company.invalidate_recordset(["active"])
        with freeze_time(LETTER_DATE):
            self.Rendering._cron_render_letters()
        self.assertEqual(actions.letter_render_state, "failed")
        self.assertIn("is archived", actions.letter_render_error)
        self.assertFalse(actions.letter_attachment_id)
        self.assertFalse(actions.mail_id, "no email without its letter")
        self.assertEqual(self.Rendering._count_pending(), 0)
        self.env.cr.execute(
            "UPDATE res_company SET active = TRUE WHERE id = %s", [self.company.id]
        )
        self.company.invalidate_recordset(["active"])
        with freeze_time(LETTER_DATE):
            actions.with_user(self.accountant).action_render_letter()
        self.assertEqual(actions.letter_render_state, "done")
        self.assertIn(actions.letter_attachment_id, actions.mail_id.attachment_ids)

    def test_run_ends_with_letters_and_emails(self):
        """``_run_dunning`` stays synchronous: its letters are rendered and
        their emails queued when it returns."""
        partner = self._create_customer(
            "Garage Peyrol", dunning_policy_id=self.policy.id
        )
        self._create_invoice(partner, 480.0, DUE)
        with freeze_time(DUE):
            actions = self.Action._run_dunning(
                date=DUE.replace(day=5), companies=self.company, partners=partner
            )
        self.assertTrue(actions)
        self.assertEqual(set(actions.mapped("letter_render_state")), {"done"})
        for action in actions:
            self.assertIn(action.letter_attachment_id, action.mail_id.attachment_ids)


@tagged("post_install", "-at_install")
class TestLetterGroupsPdf(LetterRenderingCommon, HttpCase):
    """Real PDFs through wkhtmltopdf (the server serves the stylesheets)."""

    def test_one_call_per_group_each_action_its_letter(self):
        names = ["Menuiserie Arnaud", "Plomberie Bonnet", "Charpente Colin"]
        actions = self._pending(names, long_index=1, send_email=True)
        with (
            _spy(self.env["ir.actions.report"], "_run_wkhtmltopdf") as wkhtmltopdf,
            _spy(self.env["mail.template"], "send_mail_batch") as send_mail_batch,
        ):
            self.Rendering.with_context(force_report_rendering=True)._render_pending(
                actions
            )
        self.assertEqual(wkhtmltopdf.call_count, 1, "one wkhtmltopdf call")
        self.assertEqual(send_mail_batch.call_count, 1, "the emails queued together")
        self.assertEqual(set(actions.mapped("letter_render_state")), {"done"})
        for action, name, expected_pages in zip(actions, names, (1, 2, 1), strict=True):
            attachment = action.letter_attachment_id
            self.assertEqual(attachment.mimetype, "application/pdf")
            self.assertEqual(attachment.name, f"{action.name} - first.pdf")
            pages, text = self._pdf_text(attachment.raw)
            self.assertEqual(pages, expected_pages, name)
            self.assertIn(name, text)
            self.assertIn(action.name, text)
            # Numbered from the letter's own first page, not the group's.
            self.assertIn(f"Page {expected_pages} of {expected_pages}", text)
            for other in set(names) - {name}:
                self.assertNotIn(other, text)
            # Its email carries its own letter, to its own customer.
            self.assertEqual(action.mail_id.attachment_ids, attachment)
            self.assertEqual(action.mail_id.recipient_ids, action.partner_id)

    def test_group_failing_to_cut_is_rendered_letter_by_letter(self):
        names = ["Menuiserie Arnaud", "Plomberie Bonnet"]
        actions = self._pending(names)
        with patch.object(
            type(self.Rendering),
            "_split",
            autospec=True,
            side_effect=rendering.LetterSplitError("no marker"),
        ):
            self.Rendering.with_context(force_report_rendering=True)._render_pending(
                actions
            )
        self.assertEqual(set(actions.mapped("letter_render_state")), {"done"})
        for action, name in zip(actions, names, strict=True):
            pages, text = self._pdf_text(action.letter_attachment_id.raw)
            self.assertEqual(pages, 1)
            self.assertIn(name, text)

    # The failed letter is logged with its traceback, as in production.
    @mute_logger("odoo.addons.account_dunning_fr.models.account_dunning_send")
    def test_broken_letter_in_a_group_costs_a_few_calls(self):
        """A letter failing in its values fails alone; the group is rendered
        again in halves (a failing half calls no wkhtmltopdf), not letter by
        letter: the others keep their own footers and pages."""
        names = [
            "Menuiserie Arnaud",
            "Plomberie Bonnet",
            "Charpente Colin",
            "Zinc Dufour",
        ]
        actions = self._pending(names)
        broken = actions[3]
        with (
            _letter_broken(self.env, broken, "Adresse illisible"),
            _spy(self.env["ir.actions.report"], "_run_wkhtmltopdf") as wkhtmltopdf,
        ):
            self.Rendering.with_context(force_report_rendering=True)._render_pending(
                actions
            )
        # 4 letters fail before wkhtmltopdf; halves: 2 in one call, 2 fail;
        # then one call for the letter beside the broken one.
        self.assertEqual(wkhtmltopdf.call_count, 2)
        self.assertEqual(
            actions.mapped("letter_render_state"), ["done", "done", "done", "failed"]
        )
        self.assertEqual(broken.letter_render_error, "Adresse illisible")
        for action, name in zip(actions - broken, names, strict=False):
            pages, text = self._pdf_text(action.letter_attachment_id.raw)
            self.assertEqual(pages, 1, name)
            self.assertIn(name, text)
            self.assertIn("Page 1 of 1", text)
