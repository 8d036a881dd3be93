//! The map of the search results, for browsers that run JavaScript: where
//! each service on the page is, and the circle a postcode search covered,
//! handed to `web/src/search-map.js` as JSON in a data attribute. The list
//! stays the page's content; the map only draws the same results again.

use serde::Serialize;

use super::service_href;
use crate::web::i18n::fill;
use crate::{
    asset_map::search::{Hit, Near},
    asset_map::store,
    db::{Db, StoreResult},
    settings::MapSettings,
    web::Shell,
};

/// Most spots one page's map pins. Twenty services rarely have more than a
/// few places each; a national chain with hundreds should not make the
/// page heavy, so the first spots, in the order of the results, are kept.
const MAX_PINS: usize = 200;

/// What the template needs to offer the map.
pub struct SearchMap {
    /// The JSON the script reads. The template escapes it like any other
    /// attribute value, and the browser unescapes it, so no `|safe` is
    /// needed and nothing in a service's name can break out.
    pub data: String,
    /// Whether tiles are drawn behind the pins, or a plain background.
    pub has_tiles: bool,
    /// Whether the search had a postcode, so a circle shows its radius.
    pub has_radius: bool,
}

/// One spot on the map, with every service on the page found there:
/// services sharing a hall share a pin, so none hides another.
#[derive(Debug, Serialize)]
struct Pin {
    latitude: f64,
    longitude: f64,
    /// The pin's accessible name: the service and place, or how many
    /// services are there.
    label: String,
    services: Vec<ServiceThere>,
}

/// A service at a pin: its popup's link.
#[derive(Debug, Serialize)]
struct ServiceThere {
    name: String,
    href: String,
    /// The place's own name, when the listing gives one.
    place: Option<String>,
}

#[derive(Serialize)]
struct Tiles<'a> {
    url: &'a str,
    attribution: &'a str,
}

#[derive(Serialize)]
struct Circle {
    latitude: f64,
    longitude: f64,
    radius_metres: f64,
}

/// Words the script shows that Leaflet would otherwise show in English.
#[derive(Serialize)]
struct Words {
    zoom_in: String,
    zoom_out: String,
    /// The name of a pin standing for several spots too close to tell
    /// apart at the map's zoom.
    pins_near: String,
}

#[derive(Serialize)]
struct MapData<'a> {
    tiles: Option<Tiles<'a>>,
    near: Option<Circle>,
    pins: Vec<Pin>,
    words: Words,
}

/// The map of `hits`, or none when not one of them has a place with
/// coordinates (the list alone says everything then).
pub async fn for_results(
    db: &Db,
    settings: &MapSettings,
    shell: &Shell,
    hits: &[Hit],
    near: Option<Near>,
) -> crate::error::Result<Option<SearchMap>> {
    let pins = pins(db, shell, hits).await?;
    if pins.is_empty() {
        return Ok(None);
    }
    let data = MapData {
        tiles: settings.tile_url.as_ref().map(|tiles| Tiles {
            url: tiles.template(),
            attribution: &settings.tile_attribution,
        }),
        near: near.map(|near| Circle {
            latitude: near.centre.latitude,
            longitude: near.centre.longitude,
            radius_metres: near.radius_metres,
        }),
        pins,
        words: Words {
            zoom_in: shell.t("find_help.map.zoom_in"),
            zoom_out: shell.t("find_help.map.zoom_out"),
            pins_near: shell.t("find_help.map.pins_near"),
        },
    };
    Ok(Some(SearchMap {
        data: serde_json::to_string(&data).map_err(anyhow::Error::from)?,
        has_tiles: data.tiles.is_some(),
        has_radius: data.near.is_some(),
    }))
}

/// Every place with coordinates of each service in `hits`, one pin to a
/// spot, in the order of the results, so moving through the pins by
/// keyboard follows the list.
async fn pins(db: &Db, shell: &Shell, hits: &[Hit]) -> StoreResult<Vec<Pin>> {
    if hits.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<&str> = hits.iter().map(|hit| hit.id.as_str()).collect();
    let mut places = store::service_places(db, &ids).await?;
    let mut pins: Vec<Pin> = Vec::new();
    for hit in hits {
        for (place, latitude, longitude) in places.remove(&hit.id).unwrap_or_default() {
            let service = ServiceThere {
                name: hit.name.clone(),
                href: service_href(&hit.id),
                place,
            };
            if let Some(pin) = pins
                .iter_mut()
                .find(|pin| same_spot(pin, latitude, longitude))
            {
                pin.services.push(service);
            } else if pins.len() < MAX_PINS {
                pins.push(Pin {
                    latitude,
                    longitude,
                    label: String::new(),
                    services: vec![service],
                });
            }
        }
    }
    for pin in &mut pins {
        pin.label = label(shell, &pin.services);
    }
    Ok(pins)
}

/// Closer than this, in degrees (about ten centimetres), two places are
/// one spot: the same hall entered twice, or one postcode's centre.
const SAME_SPOT_DEGREES: f64 = 1e-6;

fn same_spot(pin: &Pin, latitude: f64, longitude: f64) -> bool {
    (pin.latitude - latitude).abs() < SAME_SPOT_DEGREES
        && (pin.longitude - longitude).abs() < SAME_SPOT_DEGREES
}

/// A pin's accessible name: "Lunch Club at Seaview Hall", or "3 services
/// at Seaview Hall" when they share it, or "3 services here" when the
/// listings name the spot differently.
fn label(shell: &Shell, services: &[ServiceThere]) -> String {
    let (first, rest) = match services {
        [] => return String::new(),
        [only] => {
            return match &only.place {
                Some(place) => fill(&shell.t("find_help.map.pin_at"), &[&only.name, place]),
                None => only.name.clone(),
            };
        }
        [first, rest @ ..] => (first, rest),
    };
    let count = services.len().to_string();
    match &first.place {
        Some(place) if rest.iter().all(|s| s.place == first.place) => {
            fill(&shell.t("find_help.map.pin_shared_at"), &[&count, place])
        }
        _ => shell.t1("find_help.map.pin_shared", &count),
    }
}
