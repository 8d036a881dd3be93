//! Property test of the stored time bank: after any sequence of gifts,
//! exchanges, reversals and limit changes made through the store (refused
//! ones included), every stored transfer is two movements summing to zero,
//! all movements together sum to zero, and the ledger rebuilt from the
//! rows has exactly the balances a ledger kept in memory alongside has.

use crate::support::{TestApp, coordination::person};
use coprod_server::{
    coordination::{
        model::Channel,
        store::{self, ledger::member},
    },
    coprod_engine::{
        schedule::Date,
        timebank::{AccountId, Ledger, Limits, TransferId},
    },
    db::{Backend, Db},
};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Step {
    Exchange {
        paid_by: Option<usize>,
        helper: usize,
        minutes: u32,
        day: i64,
    },
    Gift {
        to: usize,
        minutes: u32,
        day: i64,
    },
    Reverse {
        pick: u64,
        day: i64,
    },
    Limits {
        member: usize,
        debt: Option<u32>,
    },
}

fn step() -> impl Strategy<Value = Step> {
    let minutes = prop_oneof![Just(0_u32), 1_u32..=300, 300_u32..=900];
    prop_oneof![
        4 => (prop::option::of(0..3_usize), 0..3_usize, minutes.clone(), 0..30_i64)
            .prop_map(|(paid_by, helper, minutes, day)| Step::Exchange { paid_by, helper, minutes, day }),
        2 => (0..3_usize, minutes, 0..30_i64).prop_map(|(to, minutes, day)| Step::Gift { to, minutes, day }),
        2 => (1..12_u64, 0..40_i64).prop_map(|(pick, day)| Step::Reverse { pick, day }),
        1 => (0..3_usize, prop::option::of(0_u32..=600)).prop_map(|(member, debt)| Step::Limits { member, debt }),
    ]
}

fn day(offset: i64) -> Date {
    Date::parse("2026-03-01").unwrap().add_days(offset)
}

/// Runs the steps through the store and, beside it, on a ledger in memory.
async fn run(db: &Db, people: &[i64], steps: &[Step]) -> Ledger {
    let mut shadow = Ledger::default();
    for id in people {
        shadow.open_account(member(*id), None).unwrap();
    }
    for step in steps {
        let mut conn = db.pool().acquire().await.unwrap();
        if let Step::Limits { member: who, debt } = step {
            let limits = debt.map(|d| Limits {
                max_debt_minutes: d,
                max_balance_minutes: None,
            });
            store::ledger::set_limits(&mut conn, people[*who], *debt, None)
                .await
                .unwrap();
            shadow.set_limits(&member(people[*who]), limits).unwrap();
            continue;
        }
        let change = |ledger: &mut Ledger| match step {
            Step::Exchange {
                paid_by,
                helper,
                minutes,
                day: d,
            } => {
                let payer = paid_by.map_or(AccountId::Organisation, |p| {
                    AccountId::Member(member(people[p]))
                });
                ledger.record_exchange(&payer, &member(people[*helper]), *minutes, day(*d), None)
            }
            Step::Gift {
                to,
                minutes,
                day: d,
            } => ledger.gift(
                &member(people[*to]),
                *minutes,
                day(*d),
                Some("thanks".into()),
            ),
            Step::Reverse { pick, day: d } => ledger.reverse(TransferId(*pick), day(*d), None),
            Step::Limits { .. } => unreachable!("handled above"),
        };
        let mut tx = db.begin_write().await.unwrap();
        let stored = store::ledger::post(&mut tx, None, change).await;
        let expected = change(&mut shadow);
        match (stored, expected) {
            (Ok(transfer), Ok(id)) => {
                assert_eq!(transfer.id, id);
                tx.commit().await.unwrap();
            }
            (Err(store::ledger::PostError::Refused(a)), Err(b)) => {
                assert_eq!(a, b);
                tx.rollback().await.unwrap();
            }
            (stored, expected) => panic!("store {stored:?} but memory {expected:?}"),
        }
    }
    shadow
}

async fn check(steps: Vec<Step>) {
    let app = TestApp::new(Backend::Sqlite).await;
    let db = app.state.db.clone();
    let mut people = Vec::new();
    for name in ["Ann", "Bill", "Jean"] {
        people.push(person(&db, name, None, Channel::Phone).await);
    }
    let shadow = run(&db, &people, &steps).await;
    let unbalanced: Vec<(i64,)> = sqlx::query_as(
        "SELECT transfer_id FROM timebank_movements GROUP BY transfer_id \
         HAVING SUM(minutes) <> 0 OR COUNT(*) <> 2",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    assert!(unbalanced.is_empty(), "{unbalanced:?}");
    let (total,): (i64,) =
        sqlx::query_as("SELECT CAST(COALESCE(SUM(minutes), 0) AS BIGINT) FROM timebank_movements")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(total, 0);
    let mut conn = db.pool().acquire().await.unwrap();
    let rebuilt = store::ledger::load(&mut conn).await.unwrap();
    assert_eq!(rebuilt.transfers(), shadow.transfers());
    for id in &people {
        let account = AccountId::Member(member(*id));
        assert_eq!(
            rebuilt.balance(&account).unwrap(),
            shadow.balance(&account).unwrap()
        );
    }
    assert_eq!(
        rebuilt.balance(&AccountId::Organisation).unwrap(),
        shadow.balance(&AccountId::Organisation).unwrap()
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn the_stored_books_always_balance(steps in prop::collection::vec(step(), 1..25)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(check(steps));
    }
}
