//! The words the toolkit stores: who co-produces an initiative, the
//! Talking Points outcomes it can aim at, and the parties a charter names.
//! Each has a stable key (stored, and used in forms and the API) and a
//! plain-language label in the message catalogue under `star.*`.

macro_rules! keyed {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, [$($variant:ident => $key:literal),+ $(,)?]) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub const fn key(self) -> &'static str {
                match self {
                    $($name::$variant => $key),+
                }
            }

            pub fn parse(raw: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.key() == raw)
            }

            /// The catalogue key of its label.
            pub fn label_key(self) -> String {
                format!(concat!($prefix, ".{}"), self.key())
            }
        }
    };
}

keyed!(
    /// Who co-produces an initiative with the organisation.
    Partner,
    "star.partner",
    [
        Users => "users",
        Carers => "carers",
        Volunteers => "volunteers",
        CommunityGroups => "community_groups",
        Staff => "staff",
    ]
);

keyed!(
    /// The Talking Points personal outcomes, in three groups: quality of
    /// life, how people are treated (process), and change.
    TalkingPoint,
    "star.talking_point",
    [
        FeelingSafe => "feeling_safe",
        ThingsToDo => "things_to_do",
        SeeingPeople => "seeing_people",
        StayingWell => "staying_well",
        LivingAsYouWant => "living_as_you_want",
        DealingWithStigma => "dealing_with_stigma",
        ListenedTo => "listened_to",
        HavingASay => "having_a_say",
        TreatedWithRespect => "treated_with_respect",
        RespondedTo => "responded_to",
        Reliability => "reliability",
        Confidence => "confidence",
        Skills => "skills",
        Mobility => "mobility",
        ReducedSymptoms => "reduced_symptoms",
    ]
);

impl TalkingPoint {
    /// Which of the three groups it belongs to.
    pub fn group_key(self) -> &'static str {
        match self {
            TalkingPoint::FeelingSafe
            | TalkingPoint::ThingsToDo
            | TalkingPoint::SeeingPeople
            | TalkingPoint::StayingWell
            | TalkingPoint::LivingAsYouWant
            | TalkingPoint::DealingWithStigma => "star.talking_points.quality_of_life",
            TalkingPoint::ListenedTo
            | TalkingPoint::HavingASay
            | TalkingPoint::TreatedWithRespect
            | TalkingPoint::RespondedTo
            | TalkingPoint::Reliability => "star.talking_points.process",
            TalkingPoint::Confidence
            | TalkingPoint::Skills
            | TalkingPoint::Mobility
            | TalkingPoint::ReducedSymptoms => "star.talking_points.change",
        }
    }
}

keyed!(
    /// The parties a co-production charter sets out roles for.
    Party,
    "star.party",
    [
        Users => "users",
        Carers => "carers",
        Citizens => "citizens",
        FrontlineStaff => "frontline_staff",
        Managers => "managers",
        ElectedMembers => "elected_members",
    ]
);

/// An outcome an initiative aims at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AimedOutcome {
    TalkingPoint(TalkingPoint),
    OwnWords(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_reads_back_and_unknown_keys_do_not() {
        for partner in Partner::ALL {
            assert_eq!(Partner::parse(partner.key()), Some(*partner));
        }
        for point in TalkingPoint::ALL {
            assert_eq!(TalkingPoint::parse(point.key()), Some(*point));
        }
        for party in Party::ALL {
            assert_eq!(Party::parse(party.key()), Some(*party));
        }
        assert_eq!(Party::parse("councillors"), None);
        assert_eq!(TalkingPoint::ALL.len(), 15);
    }
}
