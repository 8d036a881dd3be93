//! The engine's matcher over what is stored: offers with their bookings and
//! load, PVG checks, genders, and the history of who has helped whom.

use std::collections::HashMap;

use coprod_engine::{
    matching::{CapacityUnit, Gender, History, Matcher, MatchingRules, Offer, Ranking, Request},
    schedule::Date,
};
use sqlx::AnyConnection;

use super::{
    model::{MatchRecord, OfferLoad, OfferRecord, RequestRecord},
    store,
};

/// The partnership's matching rules. The engine's defaults for now; they
/// are plain data, so a settings page can store its own later.
pub fn rules() -> MatchingRules {
    MatchingRules::default()
}

/// Every open offer as the engine sees it, beside its stored record.
pub struct Pool {
    pub records: Vec<OfferRecord>,
    pub offers: Vec<Offer>,
    pub history: History,
    genders: HashMap<i64, Option<Gender>>,
}

impl Pool {
    /// The open offers (or only `only`, open or not), each with what holds
    /// its slots and capacity now.
    pub async fn load(conn: &mut AnyConnection, only: Option<i64>) -> Result<Self, sqlx::Error> {
        let records = match only {
            Some(id) => store::offers::find(conn, id).await?.into_iter().collect(),
            None => store::offers::open(conn).await?,
        };
        let live = store::matches::live(conn).await?;
        let pvg = store::people::pvg_checks(conn).await?;
        let genders = genders(conn).await?;
        let history: History = store::matches::history(conn).await?.iter().collect();
        let offers = records
            .iter()
            .map(|record| {
                let held: Vec<&(MatchRecord, u16)> = live
                    .iter()
                    .filter(|(m, _)| m.offer_id == record.id)
                    .collect();
                let in_use = match record.capacity_unit {
                    CapacityUnit::People => u32::try_from(held.len()).unwrap_or(u32::MAX),
                    CapacityUnit::MinutesPerWeek => {
                        held.iter().map(|(_, minutes)| u32::from(*minutes)).sum()
                    }
                };
                record.to_engine(OfferLoad {
                    bookings: held.iter().map(|(m, _)| m.booking()).collect(),
                    in_use,
                    pvg_until: pvg.get(&record.person_id).copied(),
                    gender: genders.get(&record.person_id).cloned().flatten(),
                })
            })
            .collect();
        Ok(Self {
            records,
            offers,
            history,
            genders,
        })
    }

    /// A stored request as the engine sees it.
    pub fn request(&self, record: &RequestRecord) -> Request {
        record.to_engine(self.genders.get(&record.person_id).cloned().flatten())
    }

    /// Every open offer judged for one request: candidates best first, and
    /// the rest with every rule they fail.
    pub fn rank(&self, request: &Request, today: Date) -> Ranking {
        let rules = rules();
        Matcher::new(&rules, &self.history, today).rank(request, &self.offers)
    }

    /// The stored offer behind an engine offer id.
    pub fn record(&self, offer: &str) -> Option<&OfferRecord> {
        let id: i64 = offer.parse().ok()?;
        self.records.iter().find(|r| r.id == id)
    }
}

async fn genders(conn: &mut AnyConnection) -> Result<HashMap<i64, Option<Gender>>, sqlx::Error> {
    let rows: Vec<(i64, Option<String>)> =
        sqlx::query_as("SELECT id, gender FROM coordination_people")
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, gender)| (id, gender.and_then(|g| Gender::parse(&g).ok())))
        .collect())
}
