"""A run's unit now keeps the planned recipient and channels in fields of its
own, which the run wizard's preview lets the accountant change; they were
values of the planned action (JSON). The units still to carry out take them
from there, so that a run in progress during the upgrade sends what was
planned."""

# The channels' fields, as the add-on's vocabulary names them; written out
# because a migration must not depend on the code it upgrades.
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


def migrate(cr, version):
    assignments = ", ".join(
        f"{name} = COALESCE((action_vals ->> '{name}')::boolean, FALSE)"
        for name in CHANNELS
    )
    moved = " - ".join(f"'{name}'" for name in (*CHANNELS, "contact_id"))
    cr.execute(
        f"""
        UPDATE account_dunning_run_unit
           SET {assignments},
               contact_id = (
                   SELECT p.id
                     FROM res_partner p
                    WHERE p.id = NULLIF(action_vals ->> 'contact_id', 'false')::integer
               ),
               action_vals = action_vals - {moved}
         WHERE state = 'pending'
           AND action_vals IS NOT NULL
        """
    )
