//! Tests of the ledger's rules, one at a time: transfers, limits, gifts,
//! refusals and reversals.

use super::*;

fn date(raw: &str) -> Date {
    Date::parse(raw).unwrap()
}

fn member(id: &str) -> AccountId {
    AccountId::Member(id.into())
}

/// Ann and Jean, with the default limits: 10 hours of debt, no cap.
fn two_members() -> Ledger {
    let mut ledger = Ledger::default();
    ledger.open_account("ann".into(), None).unwrap();
    ledger.open_account("jean".into(), None).unwrap();
    ledger
}

fn total(ledger: &Ledger) -> i64 {
    ledger.balance(&AccountId::Organisation).unwrap()
        + ledger
            .member_balances()
            .map(|(_, balance)| balance)
            .sum::<i64>()
}

#[test]
fn an_exchange_is_two_movements_that_cancel_out() {
    let mut ledger = two_members();
    let id = ledger
        .record_exchange(
            &member("ann"),
            &"jean".into(),
            90,
            date("2026-03-03"),
            Some("exchange-7".into()),
        )
        .unwrap();
    assert_eq!(id, TransferId(1));
    assert_eq!(ledger.balance(&member("ann")), Ok(-90));
    assert_eq!(ledger.balance(&member("jean")), Ok(90));
    let transfer = &ledger.transfers()[0];
    assert_eq!(transfer.from(), &member("ann"));
    assert_eq!(transfer.to(), &member("jean"));
    assert_eq!(transfer.minutes(), 90);
    assert_eq!(transfer.movements.iter().map(|m| m.minutes).sum::<i64>(), 0);
    assert_eq!(total(&ledger), 0);
}

#[test]
fn the_organisation_gifts_hours_and_pays_for_outsiders() {
    let mut ledger = two_members();
    ledger
        .gift(&"ann".into(), 120, date("2026-03-01"), None)
        .unwrap();
    ledger
        .record_exchange(
            &AccountId::Organisation,
            &"jean".into(),
            60,
            date("2026-03-02"),
            None,
        )
        .unwrap();
    assert_eq!(ledger.balance(&member("ann")), Ok(120));
    assert_eq!(ledger.balance(&member("jean")), Ok(60));
    assert_eq!(ledger.balance(&AccountId::Organisation), Ok(-180));
    assert_eq!(ledger.transfers()[0].purpose, Purpose::Gift);
    assert_eq!(total(&ledger), 0);
}

#[test]
fn debt_beyond_the_limit_is_refused_and_changes_nothing() {
    let mut ledger = two_members();
    ledger
        .record_exchange(
            &member("ann"),
            &"jean".into(),
            540,
            date("2026-03-03"),
            None,
        )
        .unwrap();
    let before = ledger.clone();
    let refused =
        ledger.record_exchange(&member("ann"), &"jean".into(), 61, date("2026-03-10"), None);
    assert_eq!(
        refused,
        Err(LedgerError::DebtLimit {
            member: "ann".into(),
            balance_after: -601,
            max_debt_minutes: 600
        })
    );
    assert_eq!(
        refused.unwrap_err().to_string(),
        "member ann would owe 10 h 1 min, more than the 10 h a member may owe"
    );
    assert_eq!(ledger, before);
    // Exactly to the limit is allowed.
    ledger
        .record_exchange(&member("ann"), &"jean".into(), 60, date("2026-03-10"), None)
        .unwrap();
    assert_eq!(ledger.balance(&member("ann")), Ok(-600));
}

#[test]
fn a_member_can_have_limits_of_their_own() {
    let mut ledger = two_members();
    let capped = Limits {
        max_debt_minutes: 0,
        max_balance_minutes: Some(120),
    };
    ledger.set_limits(&"jean".into(), Some(capped)).unwrap();
    assert_eq!(ledger.limits(&"jean".into()), Ok(capped));
    assert_eq!(ledger.limits(&"ann".into()), Ok(Limits::default()));
    ledger
        .record_exchange(
            &member("ann"),
            &"jean".into(),
            120,
            date("2026-03-03"),
            None,
        )
        .unwrap();
    let refused = ledger.gift(&"jean".into(), 1, date("2026-03-04"), None);
    assert_eq!(
        refused.clone().unwrap_err().to_string(),
        "member jean would hold 2 h 1 min, more than the 2 h a member may hold"
    );
    assert!(matches!(refused, Err(LedgerError::BalanceLimit { .. })));
    // Jean may not go into debt at all.
    ledger
        .record_exchange(
            &member("jean"),
            &"ann".into(),
            120,
            date("2026-03-05"),
            None,
        )
        .unwrap();
    assert!(matches!(
        ledger.record_exchange(&member("jean"), &"ann".into(), 1, date("2026-03-06"), None),
        Err(LedgerError::DebtLimit { .. })
    ));
    ledger.set_limits(&"jean".into(), None).unwrap();
    assert!(
        ledger
            .record_exchange(&member("jean"), &"ann".into(), 1, date("2026-03-06"), None)
            .is_ok()
    );
}

#[test]
fn a_lowered_limit_still_lets_a_member_earn_their_way_back() {
    let mut ledger = two_members();
    ledger
        .record_exchange(
            &member("ann"),
            &"jean".into(),
            300,
            date("2026-03-03"),
            None,
        )
        .unwrap();
    ledger
        .set_limits(
            &"ann".into(),
            Some(Limits {
                max_debt_minutes: 60,
                max_balance_minutes: None,
            }),
        )
        .unwrap();
    assert!(
        ledger
            .record_exchange(&member("ann"), &"jean".into(), 1, date("2026-03-04"), None)
            .is_err()
    );
    assert!(
        ledger
            .record_exchange(&member("jean"), &"ann".into(), 30, date("2026-03-04"), None)
            .is_ok()
    );
    assert_eq!(ledger.balance(&member("ann")), Ok(-270));
}

#[test]
fn malformed_transfers_are_refused() {
    let mut ledger = two_members();
    let on = date("2026-03-03");
    assert_eq!(
        ledger.record_exchange(&member("ann"), &"jean".into(), 0, on, None),
        Err(LedgerError::NoTime)
    );
    assert_eq!(
        ledger.record_exchange(&member("jean"), &"jean".into(), 30, on, None),
        Err(LedgerError::SameAccount)
    );
    assert_eq!(
        ledger.record_exchange(&member("ann"), &"moira".into(), 30, on, None),
        Err(LedgerError::UnknownMember("moira".into()))
    );
    assert_eq!(
        ledger.gift(&"moira".into(), 30, on, None),
        Err(LedgerError::UnknownMember("moira".into()))
    );
    assert_eq!(
        ledger.open_account("ann".into(), None),
        Err(LedgerError::AlreadyOpen("ann".into()))
    );
    assert_eq!(
        ledger.balance(&member("moira")),
        Err(LedgerError::UnknownMember("moira".into()))
    );
    assert!(ledger.transfers().is_empty());
    assert_eq!(
        LedgerError::UnknownMember("moira".into()).to_string(),
        "member moira has no time bank account"
    );
}

#[test]
fn a_mistake_is_reversed_not_erased() {
    let mut ledger = two_members();
    let wrong = ledger
        .record_exchange(
            &member("ann"),
            &"jean".into(),
            600,
            date("2026-03-03"),
            None,
        )
        .unwrap();
    let undo = ledger
        .reverse(wrong, date("2026-03-05"), Some("entered twice".into()))
        .unwrap();
    assert_eq!(ledger.balance(&member("ann")), Ok(0));
    assert_eq!(ledger.balance(&member("jean")), Ok(0));
    let reversal = &ledger.transfers()[1];
    assert_eq!(reversal.id, undo);
    assert_eq!(reversal.purpose, Purpose::Reversal { of: wrong });
    assert_eq!(reversal.from(), &member("jean"));
    assert_eq!(
        ledger.reverse(wrong, date("2026-03-06"), None),
        Err(LedgerError::AlreadyReversed(wrong))
    );
    assert_eq!(
        ledger.reverse(undo, date("2026-03-06"), None),
        Err(LedgerError::ReversalOfReversal(undo))
    );
    assert_eq!(
        ledger.reverse(TransferId(99), date("2026-03-06"), None),
        Err(LedgerError::UnknownTransfer(TransferId(99)))
    );
}

#[test]
fn a_reversal_keeps_to_the_limits_and_the_calendar() {
    let mut ledger = two_members();
    let earned = ledger
        .record_exchange(
            &member("ann"),
            &"jean".into(),
            300,
            date("2026-03-03"),
            None,
        )
        .unwrap();
    assert_eq!(
        ledger.reverse(earned, date("2026-03-02"), None),
        Err(LedgerError::ReversalBeforeTransfer(earned))
    );
    // Jean spent the credit and more (she owes 9 h); taking it back would
    // put her 14 h in debt.
    ledger
        .record_exchange(
            &member("jean"),
            &"ann".into(),
            840,
            date("2026-03-04"),
            None,
        )
        .unwrap();
    let before = ledger.clone();
    assert!(matches!(
        ledger.reverse(earned, date("2026-03-05"), None),
        Err(LedgerError::DebtLimit { .. })
    ));
    assert_eq!(ledger, before);
    // Refused, so it can still be reversed later.
    ledger
        .gift(&"jean".into(), 300, date("2026-03-06"), None)
        .unwrap();
    assert!(ledger.reverse(earned, date("2026-03-06"), None).is_ok());
}

#[test]
fn ids_and_purposes_serialise_plainly() {
    assert_eq!(
        serde_json::to_value(member("ann")).unwrap(),
        serde_json::json!({"member": "ann"})
    );
    assert_eq!(
        serde_json::to_value(AccountId::Organisation).unwrap(),
        serde_json::json!("organisation")
    );
    assert_eq!(
        serde_json::to_value(Purpose::Reversal { of: TransferId(4) }).unwrap(),
        serde_json::json!({"type": "reversal", "of": 4})
    );
    let limits: Limits = serde_json::from_str(r#"{"max_balance_minutes": 6000}"#).unwrap();
    assert_eq!(limits.max_debt_minutes, 600);
    assert_eq!(limits.max_balance_minutes, Some(6_000));
}

#[test]
fn a_ledger_rebuilt_from_storage_is_the_same_ledger() {
    let mut ledger = two_members();
    ledger
        .set_limits(
            &"jean".into(),
            Some(Limits {
                max_debt_minutes: 0,
                max_balance_minutes: Some(600),
            }),
        )
        .unwrap();
    let first = ledger
        .record_exchange(&member("ann"), &"jean".into(), 90, date("2026-03-03"), None)
        .unwrap();
    ledger
        .gift(&"ann".into(), 60, date("2026-03-04"), None)
        .unwrap();
    ledger.reverse(first, date("2026-03-05"), None).unwrap();
    let rebuilt = Ledger::from_records(
        Limits::default(),
        ledger.member_records(),
        ledger.transfers().to_vec(),
    )
    .unwrap();
    assert_eq!(rebuilt, ledger);
}

#[test]
fn tampered_records_are_refused() {
    let mut ledger = two_members();
    let first = ledger
        .record_exchange(&member("ann"), &"jean".into(), 90, date("2026-03-03"), None)
        .unwrap();
    ledger.reverse(first, date("2026-03-05"), None).unwrap();
    let rebuild = |transfers: Vec<Transfer>| {
        Ledger::from_records(Limits::default(), ledger.member_records(), transfers)
    };
    let stored = ledger.transfers().to_vec();

    let mut lopsided = stored.clone();
    lopsided[0].movements[1].minutes = 100;
    assert_eq!(
        rebuild(lopsided),
        Err(LedgerError::Unbalanced(TransferId(1)))
    );
    let mut backwards = stored.clone();
    backwards[0].movements[0].minutes = 90;
    backwards[0].movements[1].minutes = -90;
    assert_eq!(
        rebuild(backwards),
        Err(LedgerError::Unbalanced(TransferId(1)))
    );
    let mut skipped = stored.clone();
    skipped.remove(0);
    assert_eq!(
        rebuild(skipped),
        Err(LedgerError::OutOfSequence(TransferId(2)))
    );
    let mut twice = stored.clone();
    let mut again = stored[1].clone();
    again.id = TransferId(3);
    twice.push(again);
    assert_eq!(rebuild(twice), Err(LedgerError::AlreadyReversed(first)));
    let mut not_a_mirror = stored.clone();
    not_a_mirror[1].movements[0].minutes = -30;
    not_a_mirror[1].movements[1].minutes = 30;
    assert_eq!(
        rebuild(not_a_mirror),
        Err(LedgerError::Unbalanced(TransferId(2)))
    );
    let mut stranger = stored.clone();
    stranger[0].movements[1].account = member("moira");
    assert_eq!(
        rebuild(stranger),
        Err(LedgerError::UnknownMember("moira".into()))
    );
    let mut to_self = stored;
    to_self[0].movements[1].account = member("ann");
    assert_eq!(rebuild(to_self), Err(LedgerError::SameAccount));
}
