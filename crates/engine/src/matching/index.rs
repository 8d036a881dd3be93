//! An index of offers by category and place, so that ranking one request
//! looks only at offers that could meet its category and distance rules
//! instead of every offer in the country.
//!
//! Offers are filed under each of their categories, in square cells of a
//! grid laid over latitude and longitude. A request looks in its category,
//! in the cells that a box around it touches (the box holds every point
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

/// Metres in a degree of latitude (and of longitude at the equator).
const METRES_PER_DEGREE: f64 = 111_195.0;

/// The offers of one category, filed by cell.
#[derive(Debug, Default)]
struct Shelf {
    cells: HashMap<(i32, i32), Vec<usize>>,
    /// The furthest any offer here will travel.
    reach_metres: u32,
}

/// Offers by category and grid cell, as positions in the slice indexed.
#[derive(Debug)]
pub struct OfferIndex {
    cell_lat: f64,
    cell_lon: f64,
    shelves: HashMap<CategoryId, Shelf>,
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
            for category in &offer.categories {
                let shelf = index.shelves.entry(category.clone()).or_default();
                shelf.cells.entry(cell).or_default().push(position);
                shelf.reach_metres = shelf.reach_metres.max(offer.max_distance_metres);
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
    /// distance limits, in the order they were indexed.
    pub fn nearby<'o>(&self, offers: &'o [Offer], request: &Request) -> Vec<&'o Offer> {
        let Some(filed) = self.shelves.get(&request.category) else {
            return Vec::new();
        };
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
        let mut found = Vec::new();
        for lat in low_lat..=high_lat {
            for lon in low_lon..=high_lon {
                if let Some(positions) = filed.cells.get(&(lat, lon)) {
                    found.extend(positions.iter().copied());
                }
            }
        }
        found.sort_unstable();
        // An offer naming a category twice is filed twice.
        found.dedup();
        found
            .into_iter()
            .map(|position| &offers[position])
            .filter(|offer| {
                let metres = request.location.distance_metres(offer.location);
                metres <= f64::from(offer.max_distance_metres)
                    && request
                        .max_distance_metres
                        .is_none_or(|own| metres <= f64::from(own))
            })
            .collect()
    }
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
