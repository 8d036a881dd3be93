//! The person's record as pages read it: who they are, how to reach them,
//! what matters to them, the conversation and the agreed plan, and the
//! circle of support. Each vocabulary has a stable key (stored, and used
//! in forms) and a label in the message catalogue under `people.*`.

use coprod_engine::schedule::Date;

use crate::{coordination::model::Person, star::model::TalkingPoint};

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, [$($(#[$vdoc:meta])* $variant:ident => $key:literal),+ $(,)?]) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub const fn key(self) -> &'static str {
                match self {
                    $($name::$variant => $key),+
                }
            }

            pub fn parse(raw: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.key() == raw.trim())
            }

            /// The catalogue key of its label.
            pub fn label_key(self) -> String {
                format!(concat!($prefix, ".{}"), self.key())
            }
        }
    };
}

vocabulary!(
    /// How a person likes to be contacted.
    ContactBy,
    "record.contact_by",
    [
        Phone => "phone",
        Text => "text",
        Email => "email",
        Letter => "letter",
        Visit => "visit",
    ]
);

vocabulary!(
    /// The rings of the circle of support, from the person outwards (the
    /// Buurtzorg onion). The person is the centre and has no ring.
    Layer,
    "record.layer",
    [
        /// Household and family.
        Household => "household",
        /// Friends, neighbours, clubs and groups.
        Informal => "informal",
        /// Volunteers, from the time bank or elsewhere.
        Volunteers => "volunteers",
        /// The team supporting the person (link workers, nurses).
        Team => "team",
        /// GP practice, district nursing, home care, third sector services.
        Formal => "formal",
    ]
);

vocabulary!(
    /// Who does an action of the plan.
    ActionBy,
    "record.by",
    [
        Person => "person",
        Family => "family",
        Neighbour => "neighbour",
        Volunteer => "volunteer",
        CommunityGroup => "community_group",
        Team => "team",
        OtherService => "other_service",
    ]
);

vocabulary!(
    /// Where a goal of the plan stands.
    GoalStatus,
    "record.goal_status",
    [
        Open => "open",
        Achieved => "achieved",
        Stopped => "stopped",
    ]
);

/// The person's record: the co-delivery person with everything the
/// record adds.
#[derive(Debug, Clone)]
pub struct Record {
    pub person: Person,
    pub preferred_name: String,
    pub date_of_birth: Option<Date>,
    pub address: String,
    pub postcode: String,
    pub contact_by: Option<ContactBy>,
    pub languages: String,
    pub communication_needs: String,
    pub speaks_for_them: String,
    pub what_matters: String,
    pub plan_review_on: Option<Date>,
}

impl Record {
    pub fn id(&self) -> i64 {
        self.person.id
    }

    /// The name to use with them: the preferred one when given.
    pub fn called(&self) -> &str {
        if self.preferred_name.is_empty() {
            &self.person.display_name
        } else {
            &self.preferred_name
        }
    }
}

/// What the record adds to a person, as entered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Details {
    pub preferred_name: String,
    pub date_of_birth: Option<Date>,
    pub address: String,
    pub postcode: String,
    pub contact_by: Option<ContactBy>,
    pub languages: String,
    pub communication_needs: String,
    pub speaks_for_them: String,
    pub what_matters: String,
}

/// One tie of the circle of support.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tie {
    pub id: i64,
    pub person_id: i64,
    pub layer: Layer,
    pub name: String,
    pub role: String,
    pub what_they_do: String,
    pub how_often: String,
    /// How to reach them: for staff only.
    pub contact: String,
    pub in_plan: bool,
    /// A service on the asset map, and its name.
    pub service: Option<(String, String)>,
}

/// A tie about to be added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTie {
    pub layer: Layer,
    pub name: String,
    pub role: String,
    pub what_they_do: String,
    pub how_often: String,
    pub contact: String,
    pub in_plan: bool,
    pub service_id: Option<String>,
}

/// What the person said about one Talking Points outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationNote {
    pub outcome: TalkingPoint,
    pub note: String,
}

/// A goal of the agreed plan, with its actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Goal {
    pub id: i64,
    pub goal: String,
    pub outcome: Option<TalkingPoint>,
    pub status: GoalStatus,
    pub actions: Vec<PlanAction>,
}

/// Who does what towards a goal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanAction {
    pub id: i64,
    pub goal_id: i64,
    pub action: String,
    pub by: ActionBy,
    pub who_name: String,
    /// A tie of the circle, and its name.
    pub tie: Option<(i64, String)>,
    /// A service on the asset map, and its name.
    pub service: Option<(String, String)>,
    pub due_on: Option<Date>,
    pub done: bool,
}

/// An action about to be added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAction {
    pub goal_id: i64,
    pub action: String,
    pub by: ActionBy,
    pub who_name: String,
    pub tie_id: Option<i64>,
    pub service_id: Option<String>,
    pub due_on: Option<Date>,
}
