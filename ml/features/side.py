"""Per-client aggregates of the six side tables, written once as Ibis expressions.

Each function takes cleaned Ibis tables and returns one row per ``SK_ID_CURR``. Only columns
known at the application date are used (history before it); ``ml.training.leakage`` declares the
forbidden ones (e.g. ``CNT_INSTALMENT_FUTURE``, ``DAYS_TERMINATION``).
"""
from __future__ import annotations

import ibis

from ml.features.application import ratio

LATE_STATUSES = ["1", "2", "3", "4", "5"]
ID = "SK_ID_CURR"
STATUS_DIGITS = ["0", *LATE_STATUSES]


def bureau_aggregates(bureau: ibis.Table, bureau_balance: ibis.Table) -> ibis.Table:
    """Credits at other institutions (bureau) and their monthly status (bureau_balance)."""
    b = bureau
    credits = b.group_by("SK_ID_CURR").aggregate(
        BUREAU_CREDIT_COUNT=b.SK_ID_BUREAU.count(),
        BUREAU_ACTIVE_COUNT=b.SK_ID_BUREAU.count(where=b.CREDIT_ACTIVE == "Active"),
        BUREAU_CLOSED_COUNT=b.SK_ID_BUREAU.count(where=b.CREDIT_ACTIVE == "Closed"),
        BUREAU_DEBT_SUM=b.AMT_CREDIT_SUM_DEBT.sum(),
        BUREAU_DEBT_MEAN=b.AMT_CREDIT_SUM_DEBT.mean(),
        BUREAU_CREDIT_SUM=b.AMT_CREDIT_SUM.sum(),
        BUREAU_OVERDUE_SUM=b.AMT_CREDIT_SUM_OVERDUE.sum(),
        BUREAU_OVERDUE_MEAN=b.AMT_CREDIT_SUM_OVERDUE.mean(),
        BUREAU_MAX_OVERDUE_AMOUNT=b.AMT_CREDIT_MAX_OVERDUE.max(),
        BUREAU_OVERDUE_DAYS_MAX=b.CREDIT_DAY_OVERDUE.max(),
        BUREAU_PROLONG_SUM=b.CNT_CREDIT_PROLONG.sum(),
        BUREAU_DAYS_SINCE_LAST_CREDIT=-b.DAYS_CREDIT.max(),
    )
    credits = credits.mutate(
        BUREAU_DEBT_CREDIT_RATIO=ratio(credits.BUREAU_DEBT_SUM, credits.BUREAU_CREDIT_SUM)
    )
    months = bureau_balance.join(b.select("SK_ID_BUREAU", "SK_ID_CURR"), "SK_ID_BUREAU")
    history = months.group_by("SK_ID_CURR").aggregate(
        BB_MONTHS_COUNT=months.MONTHS_BALANCE.count(),
        BB_LATE_SHARE=months.STATUS.isin(LATE_STATUSES).cast("float64").mean(),
        BB_WORST_STATUS=ibis.ifelse(
            months.STATUS.isin(STATUS_DIGITS), months.STATUS.cast("float64"), 0.0
        ).max(),
    )
    return join_on_client(credits, history)


def join_on_client(left: ibis.Table, right: ibis.Table) -> ibis.Table:
    """Left join on SK_ID_CURR keeping one key column (Ibis keeps the right key otherwise)."""
    right = right.rename(_client_key=ID)
    return left.left_join(right, left[ID] == right._client_key).drop("_client_key")


def previous_aggregates(previous: ibis.Table) -> ibis.Table:
    """Earlier Home Credit applications: decisions and amounts."""
    p = previous
    counts = p.group_by("SK_ID_CURR").aggregate(
        PREV_COUNT=p.SK_ID_PREV.count(),
        PREV_APPROVED_COUNT=p.SK_ID_PREV.count(where=p.NAME_CONTRACT_STATUS == "Approved"),
        PREV_REFUSED_COUNT=p.SK_ID_PREV.count(where=p.NAME_CONTRACT_STATUS == "Refused"),
        PREV_AMT_APPLICATION_MEAN=p.AMT_APPLICATION.mean(),
        PREV_AMT_CREDIT_MEAN=p.AMT_CREDIT.mean(),
        PREV_AMT_ANNUITY_MEAN=p.AMT_ANNUITY.mean(),
        PREV_APP_CREDIT_RATIO_MEAN=ratio(p.AMT_APPLICATION, p.AMT_CREDIT).mean(),
        PREV_CNT_PAYMENT_MEAN=p.CNT_PAYMENT.mean(),
        PREV_DAYS_SINCE_LAST_DECISION=-p.DAYS_DECISION.max(),
    )
    return counts.mutate(PREV_REFUSED_SHARE=ratio(counts.PREV_REFUSED_COUNT, counts.PREV_COUNT))


def pos_cash_aggregates(pos: ibis.Table) -> ibis.Table:
    """Monthly status of earlier point-of-sale and cash loans: days past due."""
    return pos.group_by("SK_ID_CURR").aggregate(
        POS_MONTHS_COUNT=pos.MONTHS_BALANCE.count(),
        POS_DPD_MAX=pos.SK_DPD.max(),
        POS_DPD_MEAN=pos.SK_DPD.mean(),
        POS_DPD_DEF_MAX=pos.SK_DPD_DEF.max(),
        POS_LATE_SHARE=(pos.SK_DPD > 0).cast("float64").mean(),
    )


def installments_aggregates(installments: ibis.Table) -> ibis.Table:
    """Repayments of earlier loans: delay (days paid after the due date) and amount ratio."""
    i = installments
    delay = (i.DAYS_ENTRY_PAYMENT - i.DAYS_INSTALMENT).cast("float64")
    return i.group_by("SK_ID_CURR").aggregate(
        INST_COUNT=i.NUM_INSTALMENT_NUMBER.count(),
        INST_DELAY_MEAN=delay.mean(),
        INST_DELAY_MAX=delay.max(),
        INST_LATE_SHARE=(delay > 0).cast("float64").mean(),
        INST_PAYMENT_RATIO_MEAN=ratio(i.AMT_PAYMENT, i.AMT_INSTALMENT).mean(),
        INST_UNDERPAID_SHARE=(i.AMT_PAYMENT < i.AMT_INSTALMENT).cast("float64").mean(),
        INST_PAYMENT_SUM=i.AMT_PAYMENT.sum(),
    )


def credit_card_aggregates(cards: ibis.Table) -> ibis.Table:
    """Monthly credit-card balances: utilisation of the limit, drawings, days past due."""
    c = cards
    utilisation = ratio(c.AMT_BALANCE, c.AMT_CREDIT_LIMIT_ACTUAL)
    return c.group_by("SK_ID_CURR").aggregate(
        CC_MONTHS_COUNT=c.MONTHS_BALANCE.count(),
        CC_BALANCE_MEAN=c.AMT_BALANCE.mean(),
        CC_UTILISATION_MEAN=utilisation.mean(),
        CC_UTILISATION_MAX=utilisation.max(),
        CC_DRAWINGS_MEAN=c.AMT_DRAWINGS_CURRENT.mean(),
        CC_DRAWINGS_COUNT_MEAN=c.CNT_DRAWINGS_CURRENT.mean(),
        CC_DPD_MAX=c.SK_DPD.max(),
        CC_LATE_SHARE=(c.SK_DPD > 0).cast("float64").mean(),
    )


# Count features: a client with no row in the source table has 0, not "missing".
COUNT_FEATURES: tuple[str, ...] = (
    "BUREAU_CREDIT_COUNT", "BUREAU_ACTIVE_COUNT", "BUREAU_CLOSED_COUNT", "BB_MONTHS_COUNT",
    "PREV_COUNT", "PREV_APPROVED_COUNT", "PREV_REFUSED_COUNT", "POS_MONTHS_COUNT",
    "INST_COUNT", "CC_MONTHS_COUNT",
)
