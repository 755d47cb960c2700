"""Odoo's own floor for a reminded customer: what the run must write through
Odoo's mechanisms, and nothing of the add-on.

The run logs each reminder as one chatter note on the customer (the invoices
get none: they show their reminders from the action's lines), and a reminder
by email is queued in Odoo's mail queue (``mail.mail``, itself a
``mail.message`` on the record). This phase writes exactly those rows for the
customers the run reminded, with the same bodies, through the same calls
(``_message_log_batch`` on the customers, ``mail.mail`` created per set), in
sets of the run's size, and nothing else: no action, no lines, no delivery,
no level written on the items. Its customers per second bound what any
dunning run built on Odoo's chatter and mail queue can do on this machine; it
is printed beside ours and OCA's, measured in the same invocation.
"""

import time

from markupsafe import Markup

SET_SIZE = 100  # the run's sets of units in the cron runner (COMMIT_SET_SIZE)


def floor_phase(env, actions, phase, deadline=None):
    """Write, for the customers of ``actions`` (carried out, with an email),
    the chatter note of each reminder on the customer and its email again,
    rolled back at the end.

    :param actions: ``account.dunning.action`` of the run without letters
    :param phase: the bench's ``Phase``, entered by the caller
    :param deadline: ``time.perf_counter()`` value after which no set starts
    """
    actions = actions.filtered(lambda a: a.state == "done" and a.mail_id)
    plan = [
        (
            action.partner_id.id,
            action.mail_id.body_html,
            action.mail_id.subject,
            action.mail_id.email_to or action.partner_id.email,
        )
        for action in actions
    ]
    env.invalidate_all()
    note = Markup("<p>%s</p>") % "Dunning level carried out: email."
    with phase:
        for start in range(0, len(plan), SET_SIZE):
            chunk = plan[start : start + SET_SIZE]
            _write_set(env, chunk, note)
            env.flush_all()
            env.invalidate_all()
            phase.items += len(chunk)
            left = len(plan) - start - len(chunk)
            if left and deadline and time.perf_counter() > deadline:
                phase.extra["remaining"] = left
                break
    phase.extra["notes"] = len(plan)
    env.cr.rollback()
    return phase.result()


def _write_set(env, chunk, note):
    # a run reminds a customer once: one note each, in one call
    customers = {partner_id: note for partner_id, *_rest in chunk}
    env["res.partner"].browse(list(customers))._message_log_batch(bodies=customers)
    env["mail.mail"].sudo().create(
        [
            {
                "model": "res.partner",
                "res_id": partner_id,
                "message_type": "email_outgoing",
                "subject": subject,
                "body_html": body,
                "email_to": email_to,
                "auto_delete": False,
            }
            for partner_id, body, subject, email_to in chunk
        ]
    )
