//! A fictional partnership for demonstrations and browser tests: one health
//! and social care partnership with two localities, thirty organisations
//! across the three sectors, and people in every role. Every name and
//! address is made up (the `.example` domain is reserved for exactly this).

use std::fmt::Write as _;

use coprod_engine::people::{EmailAddress, LineOfText, NewPassword, Role, Sector};

use crate::{
    accounts::{password, store as accounts},
    db::Db,
    organisations::store as organisations,
    places::{import as postcode_import, store as postcodes},
};

/// The partnership's name when the operator has not set one.
pub const PARTNERSHIP_NAME: &str = "Ardnaveen Health and Social Care Partnership";

/// The GSS code the demo uses for its one council area (an unassigned one).
pub const COUNCIL_AREA: &str = "S12099001";

/// The council area's name.
pub const COUNCIL_AREA_NAME: &str = "Ardnaveen";

/// The health board the demo's area lies in, and its name.
pub const HEALTH_BOARD: (&str, &str) = ("S08099001", "NHS Ardnaveen");

/// The two electoral wards: the coast (districts AV1 and AV2) and the glens
/// (AV3 and AV4).
pub const WARDS: [(&str, &str); 2] = [
    ("S13099001", "Ardnaveen Coast"),
    ("S13099002", "Ardnaveen Glens"),
];

/// The names of the sixteen data zones, S01099001 to S01099016, in order.
pub const DATA_ZONE_NAMES: [&str; 16] = [
    "Harbour and Pier",
    "Shore Road",
    "Kilbride Bay",
    "Lighthouse Point",
    "Portnacroish North",
    "Portnacroish South",
    "Castle Brae",
    "Ferry Brae",
    "Glen Arnish",
    "Inverarnish",
    "Strathbeg West",
    "Strathbeg East",
    "Balnagown",
    "Achnacraig",
    "Dalmore",
    "Glenfalloch Head",
];

/// The password of every demo account.
pub const PASSWORD: &str = "coprod-demo-pass";

/// One sign-in per role, printed when the demo starts.
pub const ACCOUNTS: &[(&str, &str, Role)] = &[
    ("admin@demo.example", "Alasdair Nicolson", Role::Admin),
    ("manager@demo.example", "Morven Campbell", Role::Manager),
    (
        "coordinator@demo.example",
        "Catriona Urquhart",
        Role::Coordinator,
    ),
    (
        "linkworker@demo.example",
        "Lachlan Stewart",
        Role::LinkWorker,
    ),
    ("volunteer@demo.example", "Valerie Murray", Role::Volunteer),
    ("citizen@demo.example", "Calum MacDonald", Role::Citizen),
];

const LOCALITIES: &[&str] = &["Ardnaveen Coast", "Ardnaveen Glens"];

/// (name, sector, locality index)
const ORGANISATIONS: &[(&str, Sector, usize)] = &[
    (
        "Ardnaveen Health and Social Care Partnership",
        Sector::Public,
        0,
    ),
    ("Ardnaveen Council", Sector::Public, 0),
    ("NHS Ardnaveen", Sector::Public, 1),
    ("Ardnaveen Coast Community Health Team", Sector::Public, 0),
    ("Glens Community Mental Health Service", Sector::Public, 1),
    ("Ardnaveen Libraries", Sector::Public, 0),
    ("Ardnaveen Housing Support", Sector::Public, 1),
    ("Ardnaveen Third Sector Interface", Sector::Third, 0),
    ("Harbourside Food Run", Sector::Third, 0),
    ("Glens Befriending Network", Sector::Third, 1),
    ("Coastline Carers Centre", Sector::Third, 0),
    ("Kilbrannan Community Transport", Sector::Third, 1),
    ("Ardnaveen Men's Shed", Sector::Third, 0),
    ("Strathfeorag Lunch Club", Sector::Third, 1),
    ("Seaview Dementia Cafe", Sector::Third, 0),
    ("Ardnaveen Sight Loss Group", Sector::Third, 0),
    ("Glens Walking Group", Sector::Third, 1),
    ("Ardnaveen Citizens Advice Service", Sector::Third, 0),
    ("Benmore Youth Project", Sector::Third, 1),
    ("Ardnaveen Community Garden", Sector::Third, 0),
    ("Glens Village Hall Committee", Sector::Third, 1),
    ("Ardnaveen Gaelic Choir", Sector::Third, 0),
    ("Rowanbank Care Home", Sector::Independent, 0),
    ("Glenside Home Care Ltd", Sector::Independent, 1),
    ("Ardnaveen Pharmacy Group", Sector::Independent, 0),
    ("Heatherlea Day Services", Sector::Independent, 1),
    ("Coast Mobility Aids", Sector::Independent, 0),
    ("Glens Taxi Co-operative", Sector::Independent, 1),
    ("Shorefront Physiotherapy", Sector::Independent, 0),
    ("Ardnaveen Community Pharmacy", Sector::Independent, 1),
];

/// Extra people so lists and searches have something in them:
/// (name, role, organisation index or none for partnership-wide).
const PEOPLE: &[(&str, Role, Option<usize>)] = &[
    ("Iona Robertson", Role::Citizen, None),
    ("Ruaridh Grant", Role::Citizen, None),
    ("Effie MacKay", Role::Citizen, None),
    ("Tormod MacIver", Role::Volunteer, Some(8)),
    ("Kirsty Paterson", Role::Volunteer, Some(9)),
    ("Angus Munro", Role::Volunteer, Some(11)),
    ("Shona Sinclair", Role::Coordinator, Some(8)),
    ("Fraser Ross", Role::Coordinator, Some(10)),
    ("Eilidh Drummond", Role::LinkWorker, Some(3)),
    ("Hamish Buchanan", Role::Manager, Some(1)),
];

/// What was seeded.
#[derive(Debug, Default)]
pub struct Seeded {
    pub already_present: bool,
    pub organisations: usize,
    pub accounts: usize,
    pub postcodes: usize,
    pub services: usize,
    pub budgets: usize,
    pub survey_responses: usize,
    /// Requests for help, with their offers and round.
    pub help_requests: usize,
    /// Co-Production Star initiatives, and how many have a business case.
    pub star_initiatives: usize,
    pub business_cases: usize,
    /// Social prescribing referrals, across every state.
    pub referrals: usize,
    /// Teams, and the people on their caseloads.
    pub teams: usize,
    pub caseload: usize,
    /// Feedback, compliments and complaints, and how many are complaints.
    pub feedback: usize,
    pub complaints: usize,
    /// Community plans, their indicators' figures, and "you said, we did".
    pub planning: crate::planning::demo::Seeded,
}

/// The fictional area's postcode directory, in the NRS file layout so the
/// demo goes through the same importer an operator uses. "AV" is not a UK
/// postcode area, so none of these can be mistaken for a real address; the
/// data zone and council codes are in unassigned ranges for the same reason.
/// Districts AV1 and AV2 lie on the coast, AV3 and AV4 in the glens.
pub fn postcode_directory() -> String {
    let mut csv = String::from(
        "Postcode,Latitude,Longitude,DataZone2011Code,DataZone2011Name,CouncilArea2019Code,\
         CouncilArea2019Name,ElectoralWard2022Code,ElectoralWard2022Name,\
         HealthBoardArea2019Code,HealthBoardArea2019Name\n",
    );
    let (board, board_name) = HEALTH_BOARD;
    let units = ["AB", "AD", "BA", "BE", "DA", "DE", "EA", "EB"];
    for district in 1..=4_u32 {
        let (base_lat, base_lon) = if district <= 2 {
            (56.40, -5.52)
        } else {
            (56.47, -5.30)
        };
        for sector in 1..=4_u32 {
            for (n, unit) in units.iter().enumerate() {
                let n = u32::try_from(n).unwrap_or(0);
                let latitude = base_lat
                    + f64::from(district % 2) * 0.03
                    + f64::from(sector) * 0.006
                    + f64::from(n) * 0.0007;
                let longitude = base_lon + f64::from(sector) * 0.011 - f64::from(n) * 0.0009;
                let zone = (district - 1) * 4 + sector;
                let data_zone = 99_000 + zone;
                let zone_name = DATA_ZONE_NAMES[usize::try_from(zone - 1).unwrap_or(0)];
                let (ward, ward_name) = WARDS[usize::from(district > 2)];
                let _ = writeln!(
                    csv,
                    "AV{district} {sector}{unit},{latitude:.5},{longitude:.5},S01{data_zone:06},{zone_name},\
                     {COUNCIL_AREA},{COUNCIL_AREA_NAME},{ward},{ward_name},{board},{board_name}"
                );
            }
        }
    }
    csv
}

/// Fills an empty database with the demo partnership. Run again, it changes
/// nothing.
#[expect(
    clippy::too_many_lines,
    reason = "one step per capability, in the order they depend on each other"
)]
pub async fn seed(db: &Db) -> anyhow::Result<Seeded> {
    if accounts::find_by_email(db, ACCOUNTS[0].0).await?.is_some() {
        return Ok(Seeded {
            already_present: true,
            ..Seeded::default()
        });
    }
    let mut locality_ids = Vec::new();
    for name in LOCALITIES {
        locality_ids
            .push(organisations::create_locality(db, &LineOfText::parse(name)?, None).await?);
    }
    let mut organisation_ids = Vec::new();
    for (name, sector, locality) in ORGANISATIONS {
        let id = organisations::create(
            db,
            &LineOfText::parse(name)?,
            *sector,
            Some(locality_ids[*locality]),
        )
        .await?;
        organisation_ids.push(id);
    }
    // One hash for every demo account: they share a password, and hashing
    // forty times would only slow the demo's start.
    let hash = password::hash(NewPassword::parse(PASSWORD)?).await?;
    let mut created = 0;
    let mut administrator = None;
    for (email, name, role) in ACCOUNTS {
        let id = accounts::create(
            db,
            &EmailAddress::parse(email)?,
            &LineOfText::parse(name)?,
            &hash,
        )
        .await?;
        // Staff and volunteers belong to an organisation; citizens and the
        // administrator act across the partnership.
        let organisation = match role {
            Role::Citizen | Role::Admin => None,
            Role::Manager | Role::LinkWorker => Some(organisation_ids[0]),
            Role::Coordinator | Role::Volunteer => Some(organisation_ids[8]),
        };
        accounts::grant(db, id, organisation, *role).await?;
        if *role != Role::Citizen {
            accounts::grant(db, id, None, Role::Citizen).await?;
        }
        if *role == Role::Admin {
            administrator = Some(id);
        }
        created += 1;
    }
    for (name, role, organisation) in PEOPLE {
        let email = format!("{}@people.example", name.to_lowercase().replace(' ', "."));
        let id = accounts::create(
            db,
            &EmailAddress::parse(&email)?,
            &LineOfText::parse(name)?,
            &hash,
        )
        .await?;
        accounts::grant(db, id, organisation.map(|i| organisation_ids[i]), *role).await?;
        created += 1;
    }
    let directory = postcode_import::parse(postcode_directory().as_bytes())?;
    let postcodes = postcodes::import_with_names(db, &directory.records, &directory.names).await?;
    let services = crate::asset_map::demo_data::seed(db, &organisation_ids).await?;
    let manager = accounts::find_by_email(db, "manager@demo.example")
        .await?
        .map(|account| account.id)
        .ok_or_else(|| anyhow::anyhow!("the demo manager was not created"))?;
    let budgets = crate::budgeting::demo_data::seed(db, manager).await?;
    // The partnership runs the demo survey, so its manager can read the
    // results.
    let survey_responses =
        crate::surveys::demo_data::seed(db, organisation_ids[0], administrator.unwrap_or_default())
            .await?;
    let help = crate::coordination::demo::seed(db).await?;
    // The link worker's organisation holds a few people's records.
    let link_worker = accounts::find_by_email(db, "linkworker@demo.example")
        .await?
        .map(|account| account.id);
    crate::people::demo::seed(db, Some(organisation_ids[0]), link_worker).await?;
    let referrals = crate::referrals::demo::seed(db, organisation_ids[0]).await?;
    // Two teams share caseloads: the council's link workers and the coast nurses.
    let teams =
        crate::teams::demo::seed(db, &organisation_ids, &hash, link_worker, manager).await?;
    crate::checkins::demo::seed(db, organisation_ids[8], organisation_ids[0]).await?;
    let (feedback, complaints) =
        crate::feedback::demo::seed(db, organisation_ids[0], Some(manager)).await?;
    let (star_initiatives, business_cases, _) =
        crate::star::demo_data::seed(db, &organisation_ids, manager).await?;
    // The partnership keeps its LOIP; the council keeps the coast's plan.
    let planning = crate::planning::demo::seed(
        db,
        organisation_ids[0],
        organisation_ids[1],
        locality_ids[0],
        manager,
    )
    .await?;
    Ok(Seeded {
        planning,
        help_requests: help.requests,
        referrals,
        teams: teams.teams,
        caseload: teams.people,
        feedback,
        complaints,
        star_initiatives,
        business_cases,
        already_present: false,
        organisations: organisation_ids.len(),
        accounts: created,
        postcodes: usize::try_from(postcodes).unwrap_or(usize::MAX),
        services,
        budgets,
        survey_responses,
    })
}
