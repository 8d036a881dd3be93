//! The made-up people of the demo teams' caseloads: who they are, what
//! matters to them, when their plan is reviewed, who leads, the handover
//! note, and for some a goal and a circle of support.

use crate::{
    people::model::{ActionBy, Layer},
    star::model::TalkingPoint,
};

/// A tie of a demo circle: ring, name, role, what they do, how often.
pub type DemoTie = (
    Layer,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// A person the demo adds: name, preferred name, what matters, plan
/// review in days (negative: overdue), lead (index into the team's
/// members), handover note, a goal, and their circle.
pub struct Person {
    pub name: &'static str,
    pub preferred: &'static str,
    pub what_matters: &'static str,
    pub review_in: Option<i64>,
    pub lead: usize,
    pub note: &'static str,
    pub goal: Option<(&'static str, TalkingPoint, ActionBy)>,
    pub circle: &'static [DemoTie],
}

const fn person(
    name: &'static str,
    preferred: &'static str,
    what_matters: &'static str,
    review_in: Option<i64>,
    lead: usize,
    note: &'static str,
) -> Person {
    Person {
        name,
        preferred,
        what_matters,
        review_in,
        lead,
        note,
        goal: None,
        circle: &[],
    }
}

/// New people the link-worker service holds.
pub const LINK_PEOPLE: &[Person] = &[
    Person {
        goal: Some((
            "Join the Thursday walking group",
            TalkingPoint::SeeingPeople,
            ActionBy::CommunityGroup,
        )),
        circle: &[
            (
                Layer::Household,
                "Alan Reid",
                "Husband",
                "Company at home",
                "Every day",
            ),
            (
                Layer::Informal,
                "Glens Walking Group",
                "Walking group",
                "A walk and a blether",
                "Thursdays",
            ),
        ],
        ..person(
            "Elizabeth Reid",
            "Betty",
            "Getting out of the house more. I have not been further than the shop since the winter.",
            Some(3),
            1,
            "Nervous about the first walk; Ailsa offered to go along.",
        )
    },
    person(
        "John Walker",
        "Jock",
        "Sorting out the money side so I can stop worrying about the gas bill.",
        Some(-2),
        2,
        "Citizens Advice appointment booked; check he went.",
    ),
    person(
        "Margaret Thomson",
        "Peggy",
        "Seeing my grandchildren more often.",
        Some(20),
        0,
        "",
    ),
    Person {
        goal: Some((
            "Cook a proper meal twice a week",
            TalkingPoint::ThingsToDo,
            ActionBy::Volunteer,
        )),
        circle: &[
            (
                Layer::Household,
                "Neil Hughes",
                "Son",
                "Phones on Sundays",
                "Weekly",
            ),
            (
                Layer::Volunteers,
                "Harbourside Food Run",
                "Deliveries",
                "Brings the shopping",
                "Fridays",
            ),
            (
                Layer::Formal,
                "Harbour Medical Practice",
                "GP practice",
                "Diabetes review",
                "Every six months",
            ),
        ],
        ..person(
            "Robert Hughes",
            "Bobby",
            "Eating properly again since Jean died. I never learned to cook.",
            Some(6),
            1,
            "Likes the cooking class idea; needs a lift.",
        )
    },
    person(
        "Agnes Kerr",
        "",
        "Keeping my independence. I do not want anyone doing things for me that I can do myself.",
        Some(35),
        2,
        "",
    ),
    person(
        "Thomas Wallace",
        "Tam",
        "Getting back to the bowls and the pub quiz.",
        None,
        0,
        "Moved house in October; new address on the record.",
    ),
    person(
        "Christine Boyle",
        "Chris",
        "Some time for myself. I care for my mum full time.",
        Some(1),
        1,
        "Carers Centre assessment due; respite to discuss.",
    ),
    person(
        "William Gray",
        "Willie",
        "Talking to someone. The days are long.",
        Some(14),
        2,
        "",
    ),
    Person {
        goal: Some((
            "Feel confident using the bus again",
            TalkingPoint::Confidence,
            ActionBy::Team,
        )),
        circle: &[
            (
                Layer::Informal,
                "Moira Scott",
                "Friend",
                "Coffee on a Saturday",
                "Weekly",
            ),
            (
                Layer::Volunteers,
                "Kilbrannan Community Transport",
                "Driver service",
                "Lifts to appointments",
                "When booked",
            ),
        ],
        ..person(
            "Sheena McKay",
            "",
            "Being able to get about on my own after my eyes went.",
            Some(-5),
            0,
            "Sight Loss Group referral made; waiting to hear.",
        )
    },
    person(
        "David Black",
        "Davie",
        "Finding work that fits round my health.",
        Some(28),
        1,
        "",
    ),
    person(
        "Marion Hamilton",
        "",
        "Getting my confidence back after the divorce, and making some new friends.",
        Some(10),
        2,
        "Interested in the community garden.",
    ),
    person(
        "Kenneth Ritchie",
        "Kenny",
        "Getting on top of the debts before Christmas.",
        Some(-4),
        0,
        "Debt advice started; next appointment on Tuesday.",
    ),
    Person {
        circle: &[
            (
                Layer::Household,
                "Ruth Dunlop",
                "Partner",
                "Drives to appointments",
                "When needed",
            ),
            (
                Layer::Informal,
                "Ardnaveen Men's Shed",
                "Community group",
                "Woodwork and company",
                "Tuesdays",
            ),
            (
                Layer::Formal,
                "Glens Community Mental Health Service",
                "Mental health nurse",
                "Check-ins",
                "Fortnightly",
            ),
        ],
        ..person(
            "Stuart Dunlop",
            "Stu",
            "Having somewhere to go during the day that is not the pub.",
            Some(16),
            1,
            "",
        )
    },
    person(
        "Rose McIntyre",
        "Rosie",
        "Learning to use the tablet so I can see my grandson in Canada.",
        Some(25),
        2,
        "Library digital drop-in on Fridays.",
    ),
];

/// New people the nursing team holds.
pub const NURSING_PEOPLE: &[Person] = &[
    Person {
        goal: Some((
            "Walk to the end of the street and back",
            TalkingPoint::Mobility,
            ActionBy::Person,
        )),
        circle: &[
            (
                Layer::Household,
                "Annie Morrison",
                "Wife",
                "Lives with Donald",
                "Every day",
            ),
            (
                Layer::Informal,
                "Ewan Morrison",
                "Brother",
                "Takes him fishing",
                "Monthly",
            ),
            (
                Layer::Team,
                "Coast neighbourhood nursing team",
                "Nurses",
                "Wound care and the plan",
                "Twice a week",
            ),
            (
                Layer::Formal,
                "Shorefront Physiotherapy",
                "Physiotherapy",
                "Exercises",
                "Weekly",
            ),
        ],
        ..person(
            "Donald Morrison",
            "Donnie",
            "Getting my strength back after the operation so I can get down to the harbour.",
            Some(2),
            0,
            "Dressing changed Monday; healing well.",
        )
    },
    person(
        "Janet Paterson",
        "Jan",
        "Staying in my own home.",
        Some(-1),
        1,
        "Pressure area check each visit.",
    ),
    Person {
        goal: Some((
            "Manage my tablets on my own",
            TalkingPoint::FeelingSafe,
            ActionBy::Team,
        )),
        circle: &[
            (
                Layer::Household,
                "Lorna Johnston",
                "Daughter",
                "Sets out the tablets",
                "Weekly",
            ),
            (
                Layer::Formal,
                "Ardnaveen Pharmacy Group",
                "Pharmacy",
                "Blister packs",
                "Weekly",
            ),
        ],
        ..person(
            "Alexander Johnston",
            "Sandy",
            "Not being a burden on Lorna.",
            Some(5),
            2,
            "Blister packs started; check he is managing.",
        )
    },
    person(
        "Helen Cameron",
        "Nell",
        "Keeping the garden tidy and seeing the neighbours.",
        Some(40),
        0,
        "",
    ),
    person(
        "George Fleming",
        "Dod",
        "Breathing easier so I can get to the church.",
        Some(4),
        1,
        "Inhaler technique reviewed; oxygen assessment asked for.",
    ),
    person(
        "Mary Sutherland",
        "May",
        "Getting out to the lunch club on a Wednesday.",
        Some(18),
        2,
        "",
    ),
    person(
        "James Anderson",
        "Jim",
        "Looking after Betty, my wife, for as long as I can.",
        Some(-3),
        0,
        "Carer strain; talk about a sitting service.",
    ),
    person(
        "Catherine Bell",
        "Kate",
        "Feeling safe at night.",
        Some(9),
        1,
        "",
    ),
    person(
        "Andrew Clark",
        "Andy",
        "Keeping my leg ulcer healed so I can go back to the bowling.",
        Some(7),
        2,
        "Compression bandaging; doppler next month.",
    ),
    person(
        "Isabel Martin",
        "Isa",
        "Seeing my sister in Oban again.",
        Some(60),
        0,
        "",
    ),
    Person {
        goal: Some((
            "Sing with the choir at Christmas",
            TalkingPoint::ThingsToDo,
            ActionBy::Neighbour,
        )),
        circle: &[
            (
                Layer::Informal,
                "Ardnaveen Gaelic Choir",
                "Choir",
                "Rehearsals",
                "Wednesday evenings",
            ),
            (
                Layer::Informal,
                "Kirsteen Maclean",
                "Neighbour",
                "Walks with her to rehearsals",
                "Wednesdays",
            ),
        ],
        ..person(
            "Flora Maclean",
            "",
            "Singing. It is the one thing that lifts me.",
            Some(12),
            1,
            "",
        )
    },
    person(
        "Ian Ferguson",
        "",
        "Staying out of hospital this winter.",
        Some(0),
        2,
        "Heart failure: daily weights; call if up two pounds.",
    ),
    person(
        "Morag Urquhart",
        "",
        "Being at home for Christmas with the family.",
        Some(6),
        0,
        "Palliative care plan agreed with the GP; family know who to call.",
    ),
    person(
        "Hugh MacKenzie",
        "Shug",
        "Getting back on my feet after the fall.",
        Some(11),
        1,
        "Falls clinic referral; frame delivered.",
    ),
    Person {
        goal: Some((
            "Get to the day centre on Tuesdays",
            TalkingPoint::SeeingPeople,
            ActionBy::OtherService,
        )),
        circle: &[
            (
                Layer::Household,
                "Graham Watt",
                "Son",
                "Lives with her",
                "Every day",
            ),
            (
                Layer::Formal,
                "Heatherlea Day Services",
                "Day centre",
                "Lunch and company",
                "Tuesdays",
            ),
            (
                Layer::Formal,
                "Glenside Home Care Ltd",
                "Home care",
                "Morning visit",
                "Daily",
            ),
        ],
        ..person(
            "Jessie Watt",
            "",
            "Company. I sit here all day when Graham is at work.",
            Some(3),
            2,
            "Day centre place offered from January.",
        )
    },
    person(
        "Archibald Reid",
        "Archie",
        "Keeping my diabetes steady so I keep my feet.",
        Some(45),
        0,
        "",
    ),
    person(
        "Euphemia Ross",
        "Effie",
        "Staying in the house I was born in.",
        Some(-6),
        1,
        "Home adaptations assessment overdue; chase OT.",
    ),
    person(
        "Colin Forbes",
        "",
        "Managing my pain well enough to sleep.",
        Some(8),
        2,
        "Pain diary started.",
    ),
];
