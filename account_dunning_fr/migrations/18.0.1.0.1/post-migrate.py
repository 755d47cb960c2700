"""The reminder emails now go to the recipient chosen for the action when it
is carried out (``email_partner_id``). Their templates are loaded once and
never updated afterwards (``noupdate``): those still as shipped are brought
to the new recipient here; a template the company changed is left as it is."""

OLD = "{{ (object.contact_id or object.partner_id).id }}"
NEW = "{{ (object.email_partner_id or object.contact_id or object.partner_id).id }}"


def migrate(cr, version):
    cr.execute(
        """
        UPDATE mail_template t
           SET partner_to = %s
          FROM ir_model_data d
         WHERE d.model = 'mail.template'
           AND d.module = 'account_dunning_fr'
           AND d.res_id = t.id
           AND t.partner_to = %s
        """,
        (NEW, OLD),
    )
