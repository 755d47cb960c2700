"""The payer profile suggested by a customer's payment history.

A suggestion only: the accountant decides (GDPR art. 22, no automatic
decision without review). Thresholds, applied in this order (first match):

- administrative: a public buyer (slow circuits by nature);
- insolvent: an insolvency judgment, a broken payment plan, or on average
  more than 90 days late;
- bad: 2 broken promises or more, on average more than 30 days late, or more
  than half paid late with over 15 days late on average;
- negligent: more than 20 % paid late, on average more than 5 days late, or
  2 open disputes or more;
- good: otherwise, once at least one invoice fell due.
"""

INSOLVENT_AVG_DAYS = 90
BAD_AVG_DAYS = 30
BAD_BROKEN_PROMISES = 2
BAD_LATE_SHARE = 50.0
BAD_LATE_SHARE_AVG_DAYS = 15
NEGLIGENT_LATE_SHARE = 20.0
NEGLIGENT_AVG_DAYS = 5
NEGLIGENT_OPEN_DISPUTES = 2


def suggest_profile(stats, debtor_type=None, insolvent=False):
    """Return the payer profile code suggested by ``stats``, or False.

    :param stats: dict of the customer's last 12 months, every key optional:
        ``count`` (invoices due), ``avg_days_late`` (days, float),
        ``late_share`` (percent of invoices paid late), ``broken_promises``,
        ``open_disputes``, ``broken_plans`` (counts)
    :param debtor_type: "professional", "consumer" or "public"
    :param insolvent: whether an insolvency judgment is recorded
    :return: "administrative", "insolvent", "bad", "negligent", "good", or
        False when nothing fell due yet
    """
    if debtor_type == "public":
        return "administrative"
    if not stats.get("count") and not stats.get("broken_promises"):
        return False
    avg = stats.get("avg_days_late", 0.0)
    share = stats.get("late_share", 0.0)
    if insolvent or stats.get("broken_plans") or avg > INSOLVENT_AVG_DAYS:
        return "insolvent"
    if (
        stats.get("broken_promises", 0) >= BAD_BROKEN_PROMISES
        or avg > BAD_AVG_DAYS
        or (share > BAD_LATE_SHARE and avg > BAD_LATE_SHARE_AVG_DAYS)
    ):
        return "bad"
    if (
        share > NEGLIGENT_LATE_SHARE
        or avg > NEGLIGENT_AVG_DAYS
        or stats.get("open_disputes", 0) >= NEGLIGENT_OPEN_DISPUTES
    ):
        return "negligent"
    return "good"
