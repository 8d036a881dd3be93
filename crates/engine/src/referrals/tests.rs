use proptest::prelude::*;

use super::*;

fn step(status: Status, at: i64, note: &str) -> Step {
    Step {
        status,
        at,
        actor: Actor::Account(7),
        channel: Channel::Phone,
        note: note.to_owned(),
    }
}

#[test]
fn the_whole_way_through() {
    let mut history = History::referred(100, Actor::Account(1), Channel::Online);
    for (status, at) in [
        (Status::Accepted, 200),
        (Status::Contacted, 300),
        (Status::FirstAttended, 400),
        (Status::Completed, 500),
    ] {
        history.take(step(status, at, ""), Side::Receiver).unwrap();
    }
    assert_eq!(history.status(), Status::Completed);
    assert_eq!(history.reached(Status::Contacted), Some(300));
    assert_eq!(history.referred_at(), 100);
    assert_eq!(
        history.take(step(Status::Withdrawn, 600, "moved away"), Side::Referrer),
        Err(StepError::Final(Status::Completed))
    );
}

#[test]
fn only_the_receiver_answers_and_a_decline_needs_a_reason() {
    let mut history = History::referred(100, Actor::Account(1), Channel::Online);
    assert_eq!(
        history.take(step(Status::Accepted, 200, ""), Side::Referrer),
        Err(StepError::WrongSide)
    );
    assert_eq!(
        history.take(step(Status::Declined, 200, "  "), Side::Receiver),
        Err(StepError::ReasonMissing)
    );
    assert_eq!(
        history.take(step(Status::Completed, 200, ""), Side::Receiver),
        Err(StepError::NotNext {
            from: Status::Referred,
            to: Status::Completed
        })
    );
    assert_eq!(
        history.take(step(Status::Accepted, 50, ""), Side::Receiver),
        Err(StepError::BeforePrevious)
    );
    history
        .take(step(Status::Withdrawn, 200, "feels better"), Side::Referrer)
        .unwrap();
    assert_eq!(history.steps().len(), 2);
}

#[test]
fn a_stored_history_is_replayed_and_checked() {
    let steps = vec![
        (step(Status::Referred, 1, ""), Side::Referrer),
        (step(Status::Accepted, 2, ""), Side::Receiver),
        (step(Status::DidNotAttend, 3, ""), Side::Receiver),
    ];
    assert_eq!(
        History::replay(steps).unwrap().status(),
        Status::DidNotAttend
    );
    assert!(History::replay(vec![(step(Status::Accepted, 1, ""), Side::Receiver)]).is_err());
    assert!(History::replay(Vec::new()).is_err());
}

#[test]
fn words_round_trip() {
    for status in Status::ALL {
        assert_eq!(Status::parse(status.key()), Ok(status));
        assert_eq!(status.is_final(), status.next().is_empty());
    }
    for channel in Channel::ALL {
        assert_eq!(Channel::parse(channel.key()), Ok(channel));
    }
    for kind in ReferrerKind::ALL {
        assert_eq!(ReferrerKind::parse(kind.key()), Ok(kind));
    }
    assert!(Status::parse("escalated").is_err());
}

#[test]
fn sharing_needs_something_and_keeps_each_field_once() {
    assert_eq!(
        Sharing::parse(["", " "]).unwrap_err().key,
        "error.referral.share_nothing"
    );
    assert!(Sharing::parse(["name", "shoe_size"]).is_err());
    let sharing = Sharing::parse(["reason", "name", "name"]).unwrap();
    assert_eq!(sharing.to_stored(), "name,reason");
    assert_eq!(Sharing::from_stored("name,reason"), Ok(sharing.clone()));
    assert!(sharing.shares(SharedField::Reason));
    assert!(!sharing.shares(SharedField::Phone));
}

fn any_status() -> impl Strategy<Value = Status> {
    proptest::sample::select(Status::ALL.to_vec())
}

fn any_side() -> impl Strategy<Value = Side> {
    proptest::sample::select(vec![Side::Referrer, Side::Receiver, Side::Either])
}

fn any_actor() -> impl Strategy<Value = Actor> {
    prop_oneof![
        (1i64..100).prop_map(Actor::Account),
        (1i64..100).prop_map(Actor::Token),
        Just(Actor::Operator),
    ]
}

proptest! {
    /// Whatever is attempted, in whatever order: nothing leaves a final
    /// state, a refused step changes nothing, and every step kept has an
    /// actor and a time no earlier than the one before.
    #[test]
    fn no_transition_out_of_a_final_state(
        attempts in proptest::collection::vec(
            (any_status(), 0i64..1_000, any_actor(), any_side(), proptest::bool::ANY),
            0..40,
        )
    ) {
        let mut history = History::referred(500, Actor::Account(1), Channel::Phone);
        for (status, at, actor, side, with_reason) in attempts {
            let before = history.clone();
            let was_final = history.status().is_final();
            let note = if with_reason { "a reason" } else { "" };
            let attempt = Step { status, at, actor, channel: Channel::Email, note: note.into() };
            let result = history.take(attempt, side);
            if was_final {
                prop_assert_eq!(result.clone(), Err(StepError::Final(before.status())));
            }
            if result.is_err() {
                prop_assert_eq!(&history, &before);
            } else {
                prop_assert!(before.status().next().iter().any(|&(to, _)| to == status));
            }
        }
        let steps = history.steps();
        prop_assert_eq!(steps[0].status, Status::Referred);
        for pair in steps.windows(2) {
            prop_assert!(pair[1].at >= pair[0].at);
            prop_assert!(!pair[0].status.is_final());
        }
        // Replaying what was kept gives the same history.
        let replayed = History::replay(steps.iter().cloned().map(|s| (s, Side::Either))).unwrap();
        prop_assert_eq!(replayed, history);
    }
}
