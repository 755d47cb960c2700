"""What the dunning letters print, computed once per action.

The QWeb templates hold the wording; this model is the report model of the
nine letter reports and gives them the figures they show
(``_get_report_values``: ``letters[o.id]`` in the templates): the items of
the customer's account the action claims, each with its legal amounts as of
the letter's date, the credits deducted, the totals per currency and the net
claim (all from ``account.dunning.letter.items``), the penalty rate, the
debtor type, the bank details, the promise and the payment plan. It also
says which report prints an action and which email carries it. Items are
shown in their own currency; the claim and the legal amounts are in company
currency.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import format_amount, formatLang

from ..tools import letter_pages
from ..tools.late_payment import RECOVERY_INDEMNITY_EUR
from ..tools.page_footer import stamp_footer
from ..tools.semesters import semester_starts
from ..tools.vocabularies import LETTER_TYPES

# Letter type -> email template sent with it when its level names none.
LETTER_MAIL_TEMPLATES = {
    "pre_due": "account_dunning_fr.mail_template_dunning_pre_due",
    "formal_notice": "account_dunning_fr.mail_template_dunning_formal_notice",
    "call_confirmation": "account_dunning_fr.mail_template_dunning_call_confirmation",
    "payment_plan": "account_dunning_fr.mail_template_dunning_payment_plan",
    "delivery_suspension": (
        "account_dunning_fr.mail_template_dunning_delivery_suspension"
    ),
    "statement": "account_dunning_fr.mail_template_dunning_statement",
    "public_moratorium": "account_dunning_fr.mail_template_dunning_public_moratorium",
}


class AccountDunningLetter(models.AbstractModel):
    _name = "account.dunning.letter"
    _description = "Dunning Letter Content"

    # ------------------------------------------------------------------
    # Which letter, to whom, in which language
    # ------------------------------------------------------------------

    @api.model
    def _get_letter_type(self, action):
        """Letter printed for ``action``: a workflow may print another letter
        than its level's (a call confirmation recorded at any level)."""
        return action.letter_type_override or action.letter_type or "first"

    @api.model
    def _get_report(self, letter_type):
        """The ``ir.actions.report`` printing ``letter_type`` (one per type)."""
        return self.env.ref(f"account_dunning_fr.report_dunning_letter_{letter_type}")

    @api.model
    def _is_letter_report(self, report):
        """Whether ``report`` (``ir.actions.report``) prints a letter: one of
        the reports of ``_get_report``, or a copy of one, known as Odoo knows
        a report's model, by the template it renders (``report_name``)."""
        return report.model == "account.dunning.action" and report.report_name in {
            f"account_dunning_fr.report_dunning_letter_{letter_type}_document"
            for letter_type, _label in LETTER_TYPES
        }

    @api.model
    def _get_report_values(self, docids, data=None):
        """The values every letter report renders with: Odoo's report model.

        Odoo looks for the values of a report in a model named
        ``report.<report_name>``, one per report. The values of a letter do
        not depend on its type (each type's template picks what it prints),
        so nine such models would be nine copies of this method; nor can the
        nine reports share one ``report_name``, by which Odoo finds a report
        (the web client prints ``/report/pdf/<report_name>``): all would print
        the first. So each report keeps its name and template, and all come
        here (``ir.actions.report._get_rendering_context_model``, extended by
        this module); each template reads its action's values from
        ``letters``.

        Each letter is written in its reader's language (``_get_lang``), also
        when several actions of different languages are printed at once: its
        values are computed in that language, and the template renders its
        body in it (``langs``).

        :param docids: ids of the ``account.dunning.action`` printed, in
            printing order
        :param data: the report's data (``report_type``...), or None; the
            letters read nothing from it
        :return: dict with ``doc_ids`` (``docids``), ``doc_model``, ``docs``
            (the actions), ``langs`` (``{action id: language code}``) and
            ``letters`` (``{action id: values}``, the ``_get_values`` of the
            action in its language)
        """
        docs = self.env["account.dunning.action"].browse(docids)
        langs = {action.id: self._get_lang(action) for action in docs}
        letters = {
            action.id: self.with_context(lang=langs[action.id])._get_values(
                action.with_context(lang=langs[action.id])
            )
            for action in docs
        }
        return {
            "doc_ids": docids,
            "doc_model": docs._name,
            "docs": docs,
            "langs": langs,
            "letters": letters,
        }

    @api.model
    def _get_title(self, action):
        """Name of the letter, in the context's language: the level's name,
        else the letter type's label."""
        if action.level_id and not action.letter_type_override:
            return action.level_id.name
        labels = dict(
            action._fields["letter_type_override"]._description_selection(action.env)
        )
        return labels[self._get_letter_type(action)]

    @api.model
    def _get_address(self, action):
        """Whose postal address the letter carries: the recipient's own, else
        the customer's, the letter then being for the recipient's attention."""
        address = self.env["account.dunning.recipient"]._get_channel_recipient(
            action.partner_id, "letter", preferred=action._get_recipient("letter")
        )[1]
        return address or action.partner_id.commercial_partner_id

    @api.model
    def _get_lang(self, action):
        """Language the letter is written in: the recipient's, else the
        customer's, else the user's."""
        return (
            action._get_recipient("letter").lang
            or action.partner_id.commercial_partner_id.lang
            or self.env.lang
            or "en_US"
        )

    @api.model
    def _get_document_company_lang(self, record):
        """Company and language of a document the module prints for
        ``record``, as ``(res.company, lang code)``: a letter follows its
        action (see ``_get_lang``); another document (the injunction file),
        the record's company, else the user's, in the language it is
        printed in."""
        if record._name == "account.dunning.action":
            return record.company_id, self._get_lang(record)
        company = record["company_id"] if "company_id" in record._fields else False
        return company or self.env.company, self.env.lang or "en_US"

    @api.model
    def _stamp_page_footer(self, record, content):
        """``content`` (PDF bytes of one document printed for ``record``)
        with the sender's legal mentions and its page numbers stamped at the
        foot of every page (``_get_page_footer``), in the document's company
        and language.

        :return: the stamped PDF, as bytes
        :raises ValueError: when ``content`` is not a PDF
        """
        text, page_label = self._get_page_footer(
            *self._get_document_company_lang(record)
        )
        return stamp_footer(content, text, page_label)

    @api.model
    def _get_mail_template(self, action):
        """Email template sent with the letter of ``action``: see
        ``_get_type_mail_template``."""
        return self._get_type_mail_template(
            self._get_letter_type(action), action.level_id
        )

    @api.model
    def _get_type_mail_template(self, letter_type, level):
        """Email template sent with a letter of ``letter_type`` at ``level``
        (``account.dunning.level``, possibly empty): the level's own, else
        the one written for the letter type, else the generic reminder.

        :return: ``mail.template``
        """
        level_template = level.mail_template_id
        if level_template and letter_type == (level.letter_type or "first"):
            return level_template
        xmlid = LETTER_MAIL_TEMPLATES.get(letter_type)
        template = xmlid and self.env.ref(xmlid, raise_if_not_found=False)
        return (
            template
            or level_template
            or self.env.ref("account_dunning_fr.mail_template_dunning_action")
        )

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------

    @api.model
    def _get_date(self, action):
        """The day a letter of ``action`` is dated and counted on: the
        action's date, or the ``dunning_as_of`` date of the context, so that
        the statement a customer downloads later is as of that day.

        :return: ``datetime.date``
        """
        return (
            self.env.context.get("dunning_as_of")
            or action.date
            or fields.Date.context_today(self)
        )

    @api.model
    def _get_values(self, action):
        """Return everything the letter of ``action`` prints, as a dict.

        The letter states the customer's account as the action lists it
        (``action.line_ids``): the items claimed, the credits deducted, and
        the net claim — ``lines``, ``credits``, ``currency_totals`` and the
        ``total_*`` amounts, built by
        ``account.dunning.letter.items._get_account_values`` (see there for
        their shape). Beside them:

        - ``single_total`` and ``has_foreign_currency`` say how the totals
          print;
        - ``debtor_type`` tells which legal paragraphs apply (professional,
          consumer, public);
        - ``bank``, ``pays_us`` and ``factored`` say where each invoice is
          paid (``_get_payment_accounts``).
        - ``french_law``: French law governs the sender
          (``res.company._dunning_french_law_applies``); without it the letter
          cites no article and claims the principal only.

        The letter is dated and counted on ``_get_date``.
        """
        date = self._get_date(action)
        company = action.company_id
        currency = company.currency_id
        customer = action.partner_id.commercial_partner_id
        debtor_type = customer.dunning_debtor_type or "professional"
        account = self.env["account.dunning.letter.items"]._get_account_values(
            action, date
        )
        lines = account["lines"]
        currency_totals = account["currency_totals"]
        french_law = company._dunning_french_law_applies()
        return {
            **account,
            "date": date,
            "company": company,
            "customer": customer,
            "recipient": action._get_recipient("letter"),
            "address": self._get_address(action),
            "debtor_type": debtor_type,
            "is_professional": debtor_type == "professional",
            "is_consumer": debtor_type == "consumer",
            "is_public": debtor_type == "public",
            "french_law": french_law,
            "currency": currency,
            # One total row is enough when everything is in company currency
            # and nothing is deducted.
            "single_total": not account["credits"]
            and all(total["currency"] == currency for total in currency_totals),
            "has_foreign_currency": any(
                total["currency"] != currency for total in currency_totals
            ),
            "amount_in_words": self._get_amount_in_words(
                action, account["total_claimed"]
            ),
            "indemnity_count": sum(1 for line in lines if line["indemnity"]),
            "indemnity_unit": RECOVERY_INDEMNITY_EUR,
            "penalty_rate_label": (
                self._get_penalty_rate_label(company, lines, debtor_type, date)
                if french_law
                else ""
            ),
            **self._get_payment_accounts(action),
            "place": company.dunning_signature_place or company.city or "",
            "deadline": self._get_deadline(action, date),
            "previous_dates": self._get_previous_dates(action),
            "handled_by": self._get_handled_by(action),
            "shows_penalties": french_law
            and debtor_type != "consumer"
            and bool(account["total_penalty"] or account["total_indemnity"]),
            "einvoice_evidence": self._get_einvoice_evidence(action),
        }

    @api.model
    def _get_payment_accounts(self, action):
        """Where the letter of ``action`` tells the customer to pay.

        An invoice to be paid into a factor's account was sold to the factor:
        once notified, the customer is discharged only by paying the factor
        (C. civ. 1346-5), so the letter prints the factor's account for it,
        never ours. Our own account (the company's dunning bank account,
        else its first one that is no factor's) and the cheque are printed
        only for what is paid to us. The run leaves such invoices out; they
        may still appear in a letter prepared before their account was
        marked.

        :return: dict with ``bank`` (``res.partner.bank``, ours, may be
            empty), ``pays_us`` (bool: something listed is paid to us, or
            nothing is listed) and ``factored`` (list of ``{"bank":
            res.partner.bank, "factor": res.partner, "moves": account.move}``,
            one per factor's account)
        """
        company = action.company_id
        moves = action.line_ids.filtered(lambda line: not line.is_credit).move_id
        sold = moves.filtered("dunning_factor_id")
        factored = [
            {
                "bank": bank,
                "factor": bank.dunning_factor_id,
                "moves": sold.filtered(lambda move, b=bank: move.partner_bank_id == b),
            }
            for bank in sold.partner_bank_id
        ]
        # A factor's account is never offered as ours, even when it comes
        # first among the company's accounts.
        own = (company.dunning_bank_account_id | company.partner_id.bank_ids).filtered(
            lambda bank: not bank.dunning_factor_id
        )
        return {
            "bank": own[:1],
            "pays_us": not moves or bool(moves - sold),
            "factored": factored,
        }

    @api.model
    def _get_einvoice_evidence(self, action):
        """When the buyer's e-invoicing platform made each invoice of
        ``action`` available to the debtor and when the debtor approved it,
        for the invoices where either is known: the debtor cannot say it
        never received an invoice its own platform delivered.

        :return: list of ``{"move": account.move, "available": date or
            False, "approved": date or False}``, oldest due first
        """
        moves = action.move_ids.filtered(
            lambda m: (
                m.dunning_einvoice_available_date or m.dunning_einvoice_approved_date
            )
        )
        return [
            {
                "move": move,
                "available": move.dunning_einvoice_available_date,
                "approved": move.dunning_einvoice_approved_date,
            }
            for move in moves.sorted(lambda m: (m.invoice_date_due or m.date, m.id))
        ]

    @api.model
    def _get_company_identity(self, company):
        """What the letterhead prints to identify the sender, as a dict.

        C. com. R123-237 requires on every company letter the SIREN followed
        by "RCS" and the town of the registry, the legal form and the share
        capital, and the registered office. ``siren`` is read from the
        company ID (a SIRET gives its first nine digits), else from the
        SIRET of l10n_fr, grouped by three as the INSEE prints it; ``rcs``
        is "RCS <town>", empty for a company not on the register (an
        artisan on the trades register, a sole trader).
        """
        number = "".join(
            char
            for char in (company.company_registry or company.siret or "")
            if not char.isspace()
        )
        if number.isdigit() and len(number) in (9, 14):
            number = " ".join((number[0:3], number[3:6], number[6:9]))
        city = (company.dunning_rcs_city or "").strip()
        if city and not city.upper().startswith("RCS"):
            city = f"RCS {city}"
        return {
            "legal_form": company.dunning_legal_form or "",
            "share_capital": company.dunning_share_capital,
            "siren": number,
            "rcs": city,
            "vat": company.vat or "",
        }

    @api.model
    def _get_page_footer(self, company, lang):
        """The line stamped at the foot of every page of a letter, and the
        format of its page number, in ``lang``, as ``(text, page_label)``.

        ``text`` names the sender as C. com. R123-237 and R123-238 require on
        every page: name, legal form and share capital, SIREN with "RCS" and
        the registry's town, VAT number ("" parts left out); ``page_label``
        holds ``{page}`` and ``{pages}`` (see tools/page_footer.py).
        """
        self = self.with_context(lang=lang)
        identity = self._get_company_identity(company)
        form, capital = identity["legal_form"], identity["share_capital"]
        if capital:
            capital = format_amount(
                self.env, capital, company.currency_id, lang_code=lang
            )
            form = (
                self.env._(
                    "%(form)s with a share capital of %(capital)s",
                    form=form,
                    capital=capital,
                )
                if form
                else self.env._("Share capital of %(capital)s", capital=capital)
            )
        siren = " ".join(
            part
            for part in (
                identity["siren"] and f"SIREN {identity['siren']}",
                identity["rcs"],
            )
            if part
        )
        vat = identity["vat"] and self.env._("VAT number %(vat)s", vat=identity["vat"])
        text = " · ".join(part for part in (company.name, form, siren, vat) if part)
        return text, self.env._("Page {page} of {pages}")

    @api.model
    def _get_deadline(self, action, date):
        """Payment deadline announced, as a date: the one recorded on the
        action, else the level's number of days from the letter's date; none
        when it would be the letter's own date (a level without a deadline)."""
        deadline = action.deadline_date
        if not deadline and action.level_id:
            deadline = action.level_id._get_deadline_date(date)
        return deadline if deadline and deadline > date else False

    @api.model
    def _get_penalty_rate_label(self, company, lines, debtor_type, date):
        """Annual rate(s) printed beside the penalties, in the letter's
        language: one rate per semester when a long delay spans several."""
        late = [
            line
            for line in lines
            if line["days_late"] and line["due_date"] and not line["covered"]
        ]
        if not late or debtor_type == "consumer":
            return ""
        if debtor_type == "public":
            rates = [line["public_rate"] for line in late]
        else:
            get_rate = self.env["account.dunning.rate"]._get_rate_getter()
            first = min(line["due_date"] for line in late) + timedelta(days=1)
            Legal = self.env["account.dunning.legal"]
            rates = [
                Legal._get_penalty_rate(company, get_rate(semester))
                for semester in semester_starts(first, date)
            ]
        labels = []
        for rate in rates:
            label = formatLang(self.env, rate, digits=2)
            if label not in labels:
                labels.append(label)
        return " / ".join(f"{label}\N{NO-BREAK SPACE}%" for label in labels)

    @api.model
    def _get_amount_in_words(self, action, amount):
        currency = action.company_id.currency_id
        return currency.with_context(lang=self._get_lang(action)).amount_to_text(amount)

    @api.model
    def _get_previous_dates(self, action):
        """Dates of the written reminders already sent for these invoices."""
        if not action.move_ids:
            return []
        previous = self.env["account.dunning.action"].search(
            [
                ("partner_id", "=", action.partner_id.id),
                ("state", "=", "done"),
                ("move_ids", "in", action.move_ids.ids),
                ("date", "<", action.date),
                "|",
                ("send_email", "=", True),
                "|",
                ("send_letter", "=", True),
                ("send_registered_letter", "=", True),
            ],
            order="date",
        )
        return sorted(set(previous.mapped("date")))

    @api.model
    def _get_handled_by(self, action):
        """The accountant the customer may call about this letter."""
        partner = action.partner_id.commercial_partner_id.with_company(
            action.company_id
        )
        user = partner.dunning_followup_user_id or action.user_id
        # The daily run executes as OdooBot: nobody the customer can call.
        if user and user._is_superuser():
            user = self.env["res.users"]
        return user

    @api.model
    def _get_promise(self, action):
        """What the customer promised on the phone: from the action, else
        from its invoices."""
        moves = action.move_ids
        promise_date = action.promise_date or max(
            (d for d in moves.mapped("dunning_promise_date") if d), default=False
        )
        promise_amount = action.promise_amount or sum(
            moves.mapped("dunning_promise_amount")
        )
        means = False
        if action.promise_means:
            env = action.with_context(lang=self._get_lang(action)).env
            selection = dict(
                action._fields["promise_means"]._description_selection(env)
            )
            means = selection.get(action.promise_means)
        return {"date": promise_date, "amount": promise_amount, "means": means}

    # ------------------------------------------------------------------
    # Long tables cut into pages
    # ------------------------------------------------------------------

    @api.model
    def _get_table_pages(self, action, letter, rows, lines_above, tail_rows=1):
        """``rows`` of a letter's table cut into printed pages, each page a
        table with its own header row (see ``tools/letter_pages.py``: the
        Debian wkhtmltopdf repeats no table header).

        :param letter: the letter's values (``_get_values``)
        :param rows: the table's rows, each a dict of the letter's values
            (an item, a credit, a statement line) or None for a row of one
            line of text
        :param lines_above: lines of the letter's text (paragraph spacing
            counted) between the place and date line and the table, as the
            letter type prints them, rounded up
        :param tail_rows: rows of totals printed under the last row
        :return: list of lists of rows, one per page; the first one empty
            when the table starts on the second page
        """
        heights = [
            letter_pages.row_height(self._get_row_small_lines(row)) for row in rows
        ]
        top = self._get_frame_height(action, letter) + lines_above * (
            letter_pages.TEXT_LINE
        )
        first_room, room = letter_pages.page_rooms(top)
        pages = letter_pages.split_rows(
            heights, first_room, room, tail=tail_rows * letter_pages.ROW
        )
        return [[rows[index] for index in page] for page in pages]

    @api.model
    def _get_invoice_table_pages(self, action, letter, lines_above):
        """The rows of ``report_dunning_letter_invoices`` cut into pages:
        ``(kind, row)`` pairs, kind ``line`` (an item claimed),
        ``deductions`` (the title of the credits) or ``credit``."""
        rows = [("line", line) for line in letter["lines"]]
        if letter["credits"]:
            rows.append(("deductions", None))
            rows += [("credit", credit) for credit in letter["credits"]]
        pages = self._get_table_pages(
            action,
            letter,
            [row for _kind, row in rows],
            lines_above,
            tail_rows=1 if letter["single_total"] else 0,
        )
        kinds = iter(kind for kind, _row in rows)
        return [[(next(kinds), row) for row in page] for page in pages]

    @api.model
    def _get_row_small_lines(self, row):
        """Lines of small text a row prints under its number, counted on the
        safe side (a label may print or not, depending on the table)."""
        if not row:
            return 0
        return sum(
            bool(row.get(key)) for key in ("instalment", "label", "covered", "discount")
        ) + (row.get("kind") in ("credit_note", "payment", "entry"))

    @api.model
    def _get_frame_height(self, action, letter):
        """Height of the first page's frame (letterhead, references and
        address), as ``report_dunning_letter_frame`` prints it for
        ``action``, in points (see ``tools/letter_pages.py``)."""
        company = action.company_id
        address = company.partner_id._display_address(without_company=True)
        letterhead_lines = (
            1
            + len([line for line in address.splitlines() if line.strip()])
            + bool(company.phone)
            + bool(company.email)
        )
        # The references as the frame prints them, each label given room
        # for its longest translation.
        label = " " * 32
        handled_by = letter["handled_by"]
        references = [
            label + (action.name or ""),
            letter["customer"].ref and label + letter["customer"].ref,
            action.move_ids and label + ", ".join(action.move_ids.mapped("name")),
            handled_by
            and label
            + " – ".join(
                filter(None, [handled_by.name, handled_by.email, handled_by.phone])
            ),
            letter["previous_dates"]
            and label + ", ".join("00/00/0000" for _date in letter["previous_dates"]),
        ]
        return letter_pages.frame_height(
            letterhead_lines,
            letter_pages.text_lines(references),
            logo=bool(company.logo and not company.uses_default_logo),
        )
