def post_init_hook(env):
    """Companies established in France that existed before the module get
    the shipped policies too (the main company owns the originals).

    The originals are created for the main company whatever its country:
    when French law does not govern it, they are archived and it keeps no
    default policy, so that it is left out of the daily run until an
    administrator gives it a policy of its own; the other companies still
    copy them.
    """
    companies = env["res.company"].search([])
    companies._dunning_install_default_policies()
    Policy = env["account.dunning.policy"]
    shipped = Policy._dunning_shipped_policies()
    foreign = shipped.company_id.filtered(
        lambda company: not company._dunning_french_law_applies()
    )
    if foreign:
        shipped.filtered(lambda policy: policy.company_id in foreign).active = False
        foreign.dunning_default_policy_id = False
