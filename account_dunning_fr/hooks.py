def post_init_hook(env):
    """Companies that existed before the module get the shipped policies too
    (the main company owns the originals)."""
    env["res.company"].search([])._dunning_install_default_policies()
