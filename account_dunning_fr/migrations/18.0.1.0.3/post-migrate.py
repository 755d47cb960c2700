"""A promise on an invoice is now kept in company currency, as the run claims
what the invoice owes (``account.move._dunning_open_amount``): the promised
amount and the open amount when promised of a pending promise on an invoice
in another currency were in the invoice's currency. They are brought to
company currency at the rate the invoice is booked at, the rate its open
amount in company currency follows."""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE account_move m
           SET dunning_promise_amount = ROUND(
                   m.dunning_promise_amount * m.amount_total_signed
                   / m.amount_total,
                   c.decimal_places
               ),
               dunning_promise_base_residual = ROUND(
                   m.dunning_promise_base_residual * m.amount_total_signed
                   / m.amount_total,
                   c.decimal_places
               )
          FROM res_company co
          JOIN res_currency c ON c.id = co.currency_id
         WHERE co.id = m.company_id
           AND m.currency_id != co.currency_id
           AND m.dunning_promise_date IS NOT NULL
           AND m.amount_total != 0
        """
    )
