"""Shared setup of the dunning engine tests: a five-level policy walked by
daily runs for a customer followed by an accountant."""

from freezegun import freeze_time

from .common import DUE, DunningCommon, day  # noqa: F401 (shared by the tests)


class DunningEngineCommon(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Action = cls.env["account.dunning.action"]
        cls.policy = cls._create_policy(
            "Politique de test",
            [
                cls._level_vals(
                    10,
                    -5,
                    name="Rappel",
                    payment_deadline_days=0,
                    min_days_since_last=0,
                    letter_type="pre_due",
                ),
                cls._level_vals(
                    20,
                    3,
                    name="Relance 1",
                    payment_deadline_days=8,
                    min_days_since_last=3,
                ),
                cls._level_vals(
                    30,
                    12,
                    name="Appel",
                    send_email=False,
                    create_call=True,
                    payment_deadline_days=0,
                    min_days_since_last=5,
                ),
                cls._level_vals(
                    40,
                    15,
                    name="Relance 2",
                    send_letter=True,
                    letter_type="second",
                    mention_penalties=True,
                    payment_deadline_days=8,
                    min_days_since_last=3,
                ),
                cls._level_vals(
                    50,
                    30,
                    name="Mise en demeure",
                    send_email=True,
                    send_registered_letter=True,
                    is_formal_notice=True,
                    letter_type="formal_notice",
                    payment_deadline_days=15,
                    min_days_since_last=3,
                ),
            ],
        )
        cls.levels = cls.policy._get_levels_ordered()
        cls.followup_user = cls.accountant
        cls.customer = cls._create_customer(
            dunning_policy_id=cls.policy.id,
            user_id=cls.salesperson.id,
            dunning_followup_user_id=cls.followup_user.id,
            lang="fr_FR" if cls.env["res.lang"]._lang_get("fr_FR") else "en_US",
        )

    def _run(self, on, **kwargs):
        with freeze_time(on):
            return self.Action._run_dunning(date=on, companies=self.company, **kwargs)

    def _run_and_post(self, on):
        """A day of the run, then the post room sends the day's letters."""
        actions = self._run(on)
        with freeze_time(on):
            self.Action.search([("print_state", "=", "to_print")]).action_mark_printed()
        return actions
