//! An index of offers by category and place, so that ranking one request
//! looks only at offers that could meet its category and distance rules
//! instead of every offer in the country.
//!
//! Offers are filed under each of their categories and each weekday they
//! give a slot on, in square cells of a grid laid over latitude and
//! longitude. A request looks in its category, on the weekdays it can be
//! helped (an offer with no slot on any of them has no time in common), in
//! the cells that a box around it touches (the box holds every point
//! within the furthest any offer there will travel), and keeps the offers
//! near enough by the same distance rule the matcher applies. Every offer
//! that could be a candidate is among those returned, so ranking them gives
//! exactly the candidates, in exactly the order, that ranking every offer
//! gives; offers set aside here simply go unmentioned among the exclusions.

use std::collections::HashMap;

use super::offer::Offer;
use super::request::Request;
use super::vocabulary::CategoryId;
use crate::place::Coordinates;
use crate::schedule::Weekday;

/// Metres in a degree of latitude (and of longitude at the equator).
const METRES_PER_DEGREE: f64 = 111_195.0;

/// The offers of one category, filed by cell.
#[derive(Debug, Default)]
struct Shelf {
    cells: HashMap<(i32, i32), Vec<usize>>,
    /// The furthest any offer here will travel.
    reach_metres: u32,
}

/// Offers by category, weekday and grid cell, as positions in the slice
/// indexed.
#[derive(Debug)]
pub struct OfferIndex {
    cell_lat: f64,
    cell_lon: f64,
    shelves: HashMap<(CategoryId, Weekday), Shelf>,
}

impl OfferIndex {
    /// Files `offers` in cells about `cell_metres` across; cells of about
    /// the distance people typically travel work best.
    pub fn build(offers: &[Offer], cell_metres: f64) -> Self {
        let cell_lat = cell_metres.max(1.0) / METRES_PER_DEGREE;
        // Longitude degrees shrink away from the equator; a cell a little
        // off square is still correct, only a little less tight.
        let latitude = if offers.is_empty() {
            0.0
        } else {
            #[expect(
                clippy::cast_precision_loss,
                reason = "an average of latitudes needs no exact count"
            )]
            let count = offers.len() as f64;
            offers.iter().map(|o| o.location.latitude).sum::<f64>() / count
        };
        let cell_lon = cell_lat / latitude.to_radians().cos().max(0.01);
        let mut index = Self {
            cell_lat,
            cell_lon,
            shelves: HashMap::new(),
        };
        for (position, offer) in offers.iter().enumerate() {
            let cell = index.cell(offer.location);
            let mut days: Vec<Weekday> = offer.availability.slots.iter().map(|s| s.day).collect();
            days.sort_unstable();
            days.dedup();
            for category in &offer.categories {
                for day in &days {
                    let shelf = index.shelves.entry((category.clone(), *day)).or_default();
                    shelf.cells.entry(cell).or_default().push(position);
                    shelf.reach_metres = shelf.reach_metres.max(offer.max_distance_metres);
                }
            }
        }
        index
    }

    #[expect(
        clippy::cast_possible_truncation,
        reason = "cells of a metre or more keep the Earth's coordinates far inside i32"
    )]
    fn cell(&self, point: Coordinates) -> (i32, i32) {
        (
            (point.latitude / self.cell_lat).floor() as i32,
            (point.longitude / self.cell_lon).floor() as i32,
        )
    }

    /// The offers that meet the request's category and both sides'
    /// distance limits and have a slot long enough in a window it can be
    /// helped in, in the order they were indexed.
    pub fn nearby<'o>(&self, offers: &'o [Offer], request: &Request) -> Vec<&'o Offer> {
        let mut days: Vec<Weekday> = request.windows().iter().map(|w| w.day).collect();
        days.sort_unstable();
        days.dedup();
        let mut found = Vec::new();
        for day in days {
            if let Some(filed) = self.shelves.get(&(request.category.clone(), day)) {
                self.look(filed, request, &mut found);
            }
        }
        found.sort_unstable();
        // An offer is filed once per category and weekday it names.
        found.dedup();
        found
            .into_iter()
            .map(|position| &offers[position])
            .filter(|offer| within_reach(request, offer) && has_common_time(request, offer))
            .collect()
    }

    /// Adds the positions filed in the cells around the request.
    fn look(&self, filed: &Shelf, request: &Request, found: &mut Vec<usize>) {
        let reach = request
            .max_distance_metres
            .map_or(filed.reach_metres, |own| own.min(filed.reach_metres));
        let area = request.location.bounding_box(f64::from(reach));
        let (low_lat, low_lon) = self.cell(Coordinates {
            latitude: area.min_latitude,
            longitude: area.min_longitude,
        });
        let (high_lat, high_lon) = self.cell(Coordinates {
            latitude: area.max_latitude,
            longitude: area.max_longitude,
        });
        for lat in low_lat..=high_lat {
            for lon in low_lon..=high_lon {
                if let Some(positions) = filed.cells.get(&(lat, lon)) {
                    found.extend(positions.iter().copied());
                }
            }
        }
    }
}

/// Both sides' distance limits, by the matcher's own rule.
fn within_reach(request: &Request, offer: &Offer) -> bool {
    let metres = request.location.distance_metres(offer.location);
    metres <= f64::from(offer.max_distance_metres)
        && request
            .max_distance_metres
            .is_none_or(|own| metres <= f64::from(own))
}

/// Some slot shares enough of one of the request's windows for the help,
/// booked or not: without one the matcher finds no common time.
fn has_common_time(request: &Request, offer: &Offer) -> bool {
    let windows = request.windows();
    offer.availability.slots.iter().any(|slot| {
        windows.iter().any(|window| {
            window.day == slot.day
                && window
                    .time
                    .overlap(slot.time)
                    .is_some_and(|shared| shared.minutes() >= request.duration_minutes)
        })
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::rank::Matcher;
    use super::super::rules::MatchingRules;
    use super::super::towns;
    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Ranking through the index finds exactly the candidates, in the
        /// same order, that ranking every offer finds.
        #[test]
        fn the_index_loses_no_candidate(
            offers in towns::offers(40),
            requests in towns::requests(8),
            history in towns::history(),
            cell in prop::sample::select(vec![200.0, 700.0, 3_000.0, 50_000.0]),
        ) {
            let rules = MatchingRules::default();
            let matcher = Matcher::new(&rules, &history, towns::today());
            let index = OfferIndex::build(&offers, cell);
            for request in &requests {
                let everything = matcher.rank(request, &offers);
                let nearby = matcher.rank(request, index.nearby(&offers, request));
                prop_assert_eq!(&nearby.candidates, &everything.candidates);
            }
        }
    }

    #[test]
    fn an_empty_index_finds_nothing() {
        let index = OfferIndex::build(&[], 1_000.0);
        let request = super::super::fixtures::shopping("r1", "ann");
        assert!(index.nearby(&[], &request).is_empty());
    }
}
