"""The letters of executed actions, rendered apart from the execution.

The execution only marks the letter of an action as pending
(``letter_render_state``); the PDF is made here, by the scheduled action
``account_dunning_fr.ir_cron_account_dunning_letters`` or, for the
synchronous entry points (``_run_dunning``, an accountant's validation, the
workflows' wizards), right after the execution. The email of an action that
attaches its letter leaves once the letter exists.

Letters are rendered in groups: one QWeb pass and one wkhtmltopdf call for
about ten letters of the same report, company and language, each letter
starting a new page of one HTML document, then the PDF is cut back into one
file per letter. Odoo's own several-records rendering cannot be used with the
Debian build of wkhtmltopdf (unpatched Qt): that build prints one HTML
document per call (Odoo gives it one per record, and gets an empty file) and
makes no outline (Odoo splits along it). The cut follows a marker drawn at
the top of each letter: a white dot whose image size says which letter of the
group starts on that page (text cannot be the marker: what is printed with a
web font is drawn as outlines). A group that fails to render or to cut is
rendered again in halves, down to letter by letter (at once when the cut
failed, which would fail again), so that a broken letter is marked failed
with its reason and never holds back the others.

Letters of an archived company are not rendered: they are marked failed with
that reason, so that nothing stays pending for ever and the accountant sees
them; once the company is restored, "Render the letter" produces them and
sends the emails that waited.

Where the time goes (``bench/profile_letters.py``, 2 shared cores): a
wkhtmltopdf call costs about 1.5 s whatever its size, 0.7 s more when it
loads the report stylesheets from the server, then some 50 ms per letter;
QWeb 20 to 40 ms per letter. The footer stamp adds its own small drawing to
each page instead of merging a PDF page into it, which parsed and rewrote
the whole page (0.3 s per letter, more than all the rest).
"""

import base64
import io
import logging
import time
from collections import defaultdict

import lxml.html
from PIL import Image

from odoo import api, models, tools
from odoo.exceptions import UserError
from odoo.tools.pdf import PdfFileWriter, PdfReader

from ..tools.page_footer import stamp_pages

_logger = logging.getLogger(__name__)

# Letters per wkhtmltopdf call: one call costs about two seconds whatever
# its size, then some 50 ms per letter. Measured per letter: 10 letters
# ~0.27 s, 20 ~0.17 s, 40 no better under load (and a failing group costs
# more to redo), so twenty.
GROUP_SIZE = 20
# Seconds of rendering per scheduled-action callback, far inside Odoo's
# 120-second default cron limit (``limit_time_real_cron``) and below the
# 30 seconds a callback may last: no group is started that the slowest group
# of the callback so far would take past it.
CRON_TIME_BUDGET = 20.0
# Size, in image pixels, of the marker of the first letter of a group (see
# ``_marker_node``): a white image three pixels high is nothing a letter prints.
MARKER_WIDTH = 61
MARKER_HEIGHT = 3


class LetterSplitError(Exception):
    """The PDF of a group cannot be cut back into its letters."""


class AccountDunningLetterRendering(models.AbstractModel):
    _name = "account.dunning.letter.rendering"
    _description = "Dunning Letter Rendering"

    # ------------------------------------------------------------ entry points
    @api.model
    def _cron_render_letters(self):
        """Scheduled action: render pending letters, a group at a time, until
        none is left or the time budget is spent; Odoo's cron runner calls
        again (committing in between) while letters remain."""
        deadline = time.monotonic() + CRON_TIME_BUDGET
        done = 0
        slowest = 0.0
        # At least one group per callback, whatever the budget.
        while claimed := self._claim(limit=GROUP_SIZE):
            start = time.monotonic()
            self._render(claimed)
            done += len(claimed)
            slowest = max(slowest, time.monotonic() - start)
            if time.monotonic() + slowest >= deadline:
                break
        self.env["ir.cron"]._notify_progress(done=done, remaining=self._count_pending())

    @api.model
    def _render_pending(self, actions):
        """Render now the pending letters of ``actions``
        (``account.dunning.action``), in groups, then queue their emails.

        Letters claimed meanwhile by the scheduled action are left to it.

        :return: the actions whose letter was rendered or failed here
        """
        claimed = self._claim(actions=actions)
        self._render(claimed)
        return claimed

    @api.model
    def _count_pending(self, actions=None):
        """Number of letters waiting to be rendered, among ``actions``
        (``account.dunning.action``) or everywhere."""
        domain = [("letter_render_state", "=", "pending")]
        if actions is not None:
            domain.append(("id", "in", actions.ids))
        # The scheduled action renders the letters of every company: its progress
        # counts them all, whatever companies its user may open.
        return self.env["account.dunning.action"].sudo().search_count(domain)

    @api.model
    def _trigger(self):
        """Wake the scheduled action that renders pending letters."""
        cron = self.env.ref(
            "account_dunning_fr.ir_cron_account_dunning_letters",
            raise_if_not_found=False,
        )
        if cron:
            # Only administrators may write scheduled actions; the accountant whose
            # letters wait only asks for the callback.
            cron.sudo()._trigger()

    # ------------------------------------------------------------ claiming
    @api.model
    def _claim(self, actions=None, limit=None):
        """Lock pending letters for this transaction, skipping those another
        transaction renders (``FOR UPDATE SKIP LOCKED``): a letter is never
        rendered, attached or emailed twice.

        :param actions: ``account.dunning.action`` to restrict to, or None
        :param limit: at most this many letters (None: all)
        :return: ``account.dunning.action`` claimed, by company and level
            (so that a limited claim makes few, full groups), then id
        """
        if actions is not None and not actions:
            return self.env["account.dunning.action"]
        query = """
            SELECT id FROM account_dunning_action
             WHERE letter_render_state = 'pending'
               {restrict}
          ORDER BY company_id, level_id NULLS LAST, id
             {limit}
        FOR UPDATE SKIP LOCKED
        """.format(
            restrict="AND id = ANY(%(ids)s)" if actions is not None else "",
            limit="LIMIT %(limit)s" if limit else "",
        )
        self.env["account.dunning.action"].flush_model(["letter_render_state"])
        self.env.cr.execute(
            query, {"ids": actions.ids if actions is not None else [], "limit": limit}
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        claimed = self.env["account.dunning.action"].browse(ids)
        claimed.invalidate_recordset(["letter_render_state"])
        return claimed

    # ------------------------------------------------------------ rendering
    @api.model
    def _render(self, actions):
        """Render the letters of ``actions`` in groups; attach each to its
        action and queue the email that carries it; the letters of an
        archived company fail (see the module's docstring)."""
        archived = actions.filtered(lambda action: not action.company_id.active)
        for action in archived:
            self._mark_failed(
                action,
                self.env._(
                    "The company %(company)s is archived. Restore it, then "
                    "use Render Letter Again.",
                    company=action.company_id.name,
                ),
            )
        for group in self._make_groups(actions - archived):
            # As in the run, each company's letters in that company's
            # environment (its rates, settings and currency).
            company = group.company_id
            self.with_company(company)._render_group(group.with_company(company))

    @api.model
    def _make_groups(self, actions):
        """Groups of at most ``GROUP_SIZE`` actions printed by the same report,
        for the same company, in the same language.

        :return: list of ``account.dunning.action`` recordsets
        """
        return [
            group[start : start + GROUP_SIZE]
            for group in self._group_by_report(actions)
            for start in range(0, len(group), GROUP_SIZE)
        ]

    @api.model
    def _group_by_report(self, actions):
        """``actions`` split by what one wkhtmltopdf call can print together:
        the same report, company and language.

        :return: list of ``account.dunning.action`` recordsets
        """
        Letter = self.env["account.dunning.letter"]
        by_key = defaultdict(lambda: self.env["account.dunning.action"])
        for action in actions:
            key = (
                Letter._get_letter_type(action),
                action.company_id.id,
                Letter._get_lang(action),
            )
            by_key[key] |= action
        return list(by_key.values())

    @api.model
    def _render_group(self, actions):
        """One wkhtmltopdf call for ``actions``. When it fails, each half is
        rendered the same way, so that one broken letter costs a few calls
        (those failing in QWeb cost no wkhtmltopdf call at all); when the
        PDF could not be cut, one call per letter. Each failure is kept on
        its own letter."""
        if len(actions) > 1 and self._renders_pdf():
            try:
                with self.env.cr.savepoint():
                    self._attach(actions, self._render_together(actions), "pdf")
                return
            except Exception as error:  # noqa: BLE001 - retried below
                halve = len(actions) > 2 and not isinstance(error, LetterSplitError)
                _logger.warning(
                    "Dunning letters %s rendered together failed (%s); "
                    "rendering them %s.",
                    ", ".join(actions.mapped("name")),
                    error,
                    "in halves" if halve else "one by one",
                )
                if halve:
                    middle = len(actions) // 2
                    self._render_group(actions[:middle])
                    self._render_group(actions[middle:])
                    return
        for action in actions:
            try:
                with self.env.cr.savepoint():
                    content, fmt = self._render_alone(action)
                    self._attach(action, {action.id: content}, fmt)
            except Exception as error:  # noqa: BLE001 - one letter never stops the others
                _logger.exception("Dunning letter of %s failed", action.name)
                self._mark_failed(action, self._failure_reason(error))

    def _renders_pdf(self):
        # Odoo renders reports as HTML in tests, unless a test asks for the
        # PDF (see ir.actions.report._pre_render_qweb_pdf); one by one keeps
        # that behaviour.
        return not (
            (tools.config["test_enable"] or tools.config["test_file"])
            and not self.env.context.get("force_report_rendering")
        )

    @api.model
    def _render_alone(self, action):
        """The letter of one action, as Odoo renders any report.

        :return: ``(content bytes, "pdf" or "html")``
        """
        Letter = self.env["account.dunning.letter"]
        report = Letter._get_report(Letter._get_letter_type(action))
        return (
            self.env["ir.actions.report"]
            .with_context(lang=Letter._get_lang(action))
            ._render_qweb_pdf(report, action.ids)
        )

    @api.model
    def _render_together(self, actions):
        """Render the letters of ``actions`` (one report, company and
        language) in one wkhtmltopdf call and cut the PDF per letter.

        :return: ``{action id: PDF bytes}``
        :raise LetterSplitError: the PDF cannot be cut back into its letters
        """
        Letter = self.env["account.dunning.letter"]
        first = actions[0]
        report = Letter._get_report(Letter._get_letter_type(first))
        Report = self.env["ir.actions.report"].with_context(
            lang=Letter._get_lang(first), debug=False
        )
        html = Report._render_qweb_html(
            report, actions.ids, data={"report_type": "pdf", "debug": False}
        )[0]
        bodies, html_ids, header, footer, paperformat_args = report.with_context(
            debug=False
        )._prepare_html(html, report_model=actions._name)
        if html_ids != actions.ids:
            raise LetterSplitError(
                f"one article per letter expected, found {html_ids} for {actions.ids}"
            )
        pdf = Report._run_wkhtmltopdf(
            [self._join_bodies(bodies)],
            report_ref=report,
            header=header,
            footer=footer,
            specific_paperformat_args=paperformat_args,
        )
        # Each letter gets its own footer, numbered from its first page, as
        # ir.actions.report stamps a letter rendered alone; a group shares
        # one company and language, so the first letter's footer is theirs.
        # Stamped while cutting: each letter's PDF is written once.
        footer = Letter._get_page_footer(*Letter._get_document_company_lang(first))
        return self._split(pdf, actions, footer=footer)

    @api.model
    def _join_bodies(self, bodies):
        """One HTML document of several letter documents (an unpatched Qt
        prints one document per call): each letter starts a new page, with
        its marker first."""
        root = lxml.html.fromstring(bodies[0])
        body = root.find("body")
        for node in list(body):
            body.remove(node)
        for index, document in enumerate(bodies):
            for position, node in enumerate(
                lxml.html.fromstring(document).find("body")
            ):
                if position == 0:
                    if index:
                        style = node.get("style", "")
                        node.set("style", f"page-break-before: always; {style}")
                    node.insert(0, self._marker_node(index))
                body.append(node)
        return lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")

    @api.model
    def _marker_node(self, index):
        """A white dot, one pixel wide on paper, whose image is
        ``MARKER_WIDTH + index`` by ``MARKER_HEIGHT`` pixels: the PDF keeps
        image sizes, so the page that shows it is where letter ``index``
        starts. (The Debian wkhtmltopdf draws text as outlines: no text can be
        read back from its PDFs.)"""
        image = Image.new("RGB", (MARKER_WIDTH + index, MARKER_HEIGHT), "white")
        stream = io.BytesIO()
        image.save(stream, format="PNG")
        return lxml.html.fromstring(
            '<img alt="" class="o_dunning_letter_marker" '
            'style="display: block; width: 1px; height: 1px; margin-bottom: -1px;" '
            f'src="data:image/png;base64,{base64.b64encode(stream.getvalue()).decode()}"/>'
        )

    @api.model
    def _page_markers(self, page, count):
        """Indexes of the markers of ``count`` letters drawn on ``page`` (a
        PDF page)."""
        xobjects = page.get("/Resources", {}).get("/XObject", {})
        found = []
        for xobject in xobjects.values():
            xobject = xobject.get_object()
            if (
                xobject.get("/Subtype") == "/Image"
                and xobject.get("/Height") == MARKER_HEIGHT
                and MARKER_WIDTH <= xobject.get("/Width", 0) < MARKER_WIDTH + count
            ):
                found.append(xobject["/Width"] - MARKER_WIDTH)
        return found

    @api.model
    def _split(self, pdf, actions, footer=None):
        """Cut ``pdf`` (bytes, rendered from ``_join_bodies``) into the
        letters of ``actions``: letter ``i`` runs from the page showing
        marker ``i`` to the page before marker ``i + 1``.

        :param footer: ``(text, page_label)`` stamped at the foot of each
            letter's pages, numbered from its own first page (see
            ``tools.page_footer.stamp_pages``), or None

        :return: ``{action id: PDF bytes}``
        :raise LetterSplitError: the markers are not each found once, in
            order, the first one on the first page
        """
        reader = PdfReader(io.BytesIO(pdf), strict=False)
        starts = {}
        for number, page in enumerate(reader.pages):
            for index in self._page_markers(page, len(actions)):
                if index in starts:
                    raise LetterSplitError(f"letter {index} starts twice")
                starts[index] = number
        pages = [starts.get(index) for index in range(len(actions))]
        if (
            len(starts) != len(actions)
            or None in pages
            or pages[0] != 0
            or pages != sorted(set(pages))
        ):
            raise LetterSplitError(f"letter starts {starts} for {len(actions)} letters")
        ends = pages[1:] + [len(reader.pages)]
        files = {}
        for action, start, end in zip(actions, pages, ends, strict=True):
            writer = PdfFileWriter()
            for number in range(start, end):
                writer.add_page(reader.pages[number])
            if footer:
                stamp_pages(writer, *footer)
            stream = io.BytesIO()
            writer.write(stream)
            files[action.id] = stream.getvalue()
        return files

    # ------------------------------------------------------------ results
    @api.model
    def _attach(self, actions, files, fmt):
        """Attach each letter to its action, as the post room and the
        action's form expect it, then queue together the emails that carry
        them.

        :param files: ``{action id: bytes}``, one file per action
        :param fmt: "pdf", or "html" where no PDF can be printed
        """
        Letter = self.env["account.dunning.letter"]
        vals_list = []
        for action in actions:
            title = Letter._get_title(
                action.with_context(lang=Letter._get_lang(action))
            )
            vals_list.append(
                {
                    "name": f"{action.name} - {title}.{fmt}",
                    "raw": files[action.id],
                    "res_model": action._name,
                    "res_id": action.id,
                    "mimetype": "application/pdf" if fmt == "pdf" else "text/html",
                }
            )
        attachments = self.env["ir.attachment"].create(vals_list)
        for action, attachment in zip(actions, attachments, strict=True):
            action.write(
                {
                    "letter_attachment_id": attachment.id,
                    "letter_render_state": "done",
                    "letter_render_error": False,
                }
            )
        self.env["account.dunning.channel"]._send_emails(
            actions.filtered(lambda a: a.channel_email and not a.mail_id)
        )

    @api.model
    def _failure_reason(self, error):
        """What the accountant reads: the message of the user error behind
        a template error, else the error itself."""
        cause = error
        while cause is not None and not isinstance(cause, UserError):
            cause = cause.__cause__ or cause.__context__
        error = cause or error
        return str(error.args[0]) if error.args else repr(error)

    @api.model
    def _mark_failed(self, action, reason):
        """The letter, and the email waiting for it, stay with the accountant:
        nothing left for this customer."""
        action.write({"letter_render_state": "failed", "letter_render_error": reason})
        action._post_history(
            self.env._(
                "The letter could not be produced, nothing was sent: %(reason)s",
                reason=reason,
            )
        )
