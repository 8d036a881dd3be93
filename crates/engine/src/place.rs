//! Where things are: UK postcodes, coordinates and distances on the Earth.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Invalid;

/// A UK postcode in its canonical form: upper case, one space before the
/// inward code ("AV1 2BD").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Postcode(String);

impl Postcode {
    /// Accepts any spacing and case ("av12bd", " AV1  2BD ") and checks the
    /// shape of the outward code (A9, A99, A9A, AA9, AA99, AA9A) and the
    /// inward code (9AA).
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let compact: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if compact.is_empty() {
            return Err(Invalid::new("error.postcode.missing"));
        }
        if !(5..=7).contains(&compact.len()) || !compact.is_ascii() {
            return Err(Invalid::new("error.postcode.format"));
        }
        let (outward, inward) = compact.split_at(compact.len() - 3);
        let inward_ok = {
            let b = inward.as_bytes();
            b[0].is_ascii_digit() && b[1].is_ascii_alphabetic() && b[2].is_ascii_alphabetic()
        };
        let shape: String = outward
            .chars()
            .map(|c| {
                if c.is_ascii_digit() {
                    '9'
                } else if c.is_ascii_alphabetic() {
                    'A'
                } else {
                    '?'
                }
            })
            .collect();
        let outward_ok = matches!(
            shape.as_str(),
            "A9" | "A99" | "A9A" | "AA9" | "AA99" | "AA9A"
        );
        if !(inward_ok && outward_ok) {
            return Err(Invalid::new("error.postcode.format"));
        }
        Ok(Self(format!("{outward} {inward}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the space ("AV1"), which names a postcode district.
    pub fn outward(&self) -> &str {
        self.0.split(' ').next().unwrap_or(&self.0)
    }
}

impl TryFrom<String> for Postcode {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Postcode> for String {
    fn from(value: Postcode) -> Self {
        value.0
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A point on the Earth in WGS 84 degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Coordinates {
    pub latitude: f64,
    pub longitude: f64,
}

/// The mean radius of the Earth, in metres (IUGG).
const EARTH_RADIUS_METRES: f64 = 6_371_008.8;

impl Coordinates {
    /// Refuses numbers that are not on the Earth (and NaN).
    pub fn new(latitude: f64, longitude: f64) -> Result<Self, Invalid> {
        if !(-90.0..=90.0).contains(&latitude) {
            return Err(Invalid::new("error.coordinates.latitude"));
        }
        if !(-180.0..=180.0).contains(&longitude) {
            return Err(Invalid::new("error.coordinates.longitude"));
        }
        Ok(Self {
            latitude,
            longitude,
        })
    }

    /// Great-circle distance by the haversine formula: within 0.5% of the
    /// ellipsoidal distance, far better than anyone choosing a lunch club needs.
    pub fn distance_metres(self, other: Coordinates) -> f64 {
        let (phi1, phi2) = (self.latitude.to_radians(), other.latitude.to_radians());
        let d_phi = phi2 - phi1;
        let d_lambda = (other.longitude - self.longitude).to_radians();
        let a =
            (d_phi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (d_lambda / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_METRES * a.sqrt().min(1.0).asin()
    }

    /// A latitude/longitude box that contains every point within `metres`,
    /// so a database can narrow a radius search with plain comparisons
    /// before the exact distance is computed.
    pub fn bounding_box(self, metres: f64) -> BoundingBox {
        let angular = metres / EARTH_RADIUS_METRES;
        let d_lat = angular.to_degrees();
        let cos_lat = self.latitude.to_radians().cos();
        let d_lon = if cos_lat < 1e-9 {
            180.0
        } else {
            (angular.sin() / cos_lat).asin().to_degrees()
        };
        let d_lon = if d_lon.is_nan() { 180.0 } else { d_lon };
        BoundingBox {
            min_latitude: (self.latitude - d_lat).max(-90.0),
            max_latitude: (self.latitude + d_lat).min(90.0),
            min_longitude: (self.longitude - d_lon).max(-180.0),
            max_longitude: (self.longitude + d_lon).min(180.0),
        }
    }
}

/// A rectangle of latitude and longitude.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundingBox {
    pub min_latitude: f64,
    pub max_latitude: f64,
    pub min_longitude: f64,
    pub max_longitude: f64,
}

impl BoundingBox {
    pub fn contains(&self, point: Coordinates) -> bool {
        (self.min_latitude..=self.max_latitude).contains(&point.latitude)
            && (self.min_longitude..=self.max_longitude).contains(&point.longitude)
    }
}

/// A GSS statistical geography code, such as `S01012345` (a data zone) or
/// `S12000036` (a council area): a letter, two digits for the entity, six
/// digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct GssCode(String);

impl GssCode {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let value = raw.trim().to_ascii_uppercase();
        let bytes = value.as_bytes();
        let ok = bytes.len() == 9
            && bytes[0].is_ascii_uppercase()
            && bytes[1..].iter().all(u8::is_ascii_digit);
        if ok {
            Ok(Self(value))
        } else {
            Err(Invalid::new("error.gss.format"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The entity code, e.g. `S01` for a data zone.
    pub fn entity(&self) -> &str {
        &self.0[..3]
    }
}

impl TryFrom<String> for GssCode {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<GssCode> for String {
    fn from(value: GssCode) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn postcodes_are_normalised() {
        assert_eq!(Postcode::parse("eh11ad").unwrap().as_str(), "EH1 1AD");
        assert_eq!(Postcode::parse(" G2  8DJ ").unwrap().as_str(), "G2 8DJ");
        assert_eq!(Postcode::parse("AV12 3BD").unwrap().outward(), "AV12");
        assert_eq!(Postcode::parse("W1A 1AA").unwrap().as_str(), "W1A 1AA");
    }

    #[test]
    fn malformed_postcodes_say_why() {
        assert_eq!(
            Postcode::parse("  ").unwrap_err().key,
            "error.postcode.missing"
        );
        for bad in [
            "EH1",
            "EH11 1ADX",
            "1H1 1AD",
            "EH1 AAD",
            "EH1 1A1",
            "EH£ 1AD",
            "ABC1 1AD",
        ] {
            assert_eq!(
                Postcode::parse(bad).unwrap_err().key,
                "error.postcode.format",
                "{bad}"
            );
        }
    }

    #[test]
    fn known_distances() {
        // Edinburgh Waverley to Glasgow Queen Street: about 66.5 km.
        let edinburgh = Coordinates::new(55.9521, -3.1893).unwrap();
        let glasgow = Coordinates::new(55.8622, -4.2510).unwrap();
        let km = edinburgh.distance_metres(glasgow) / 1000.0;
        assert!((66.0..67.5).contains(&km), "{km}");
        assert!(edinburgh.distance_metres(edinburgh).abs() < 1e-6);
    }

    #[test]
    fn coordinates_must_be_on_the_earth() {
        assert!(Coordinates::new(91.0, 0.0).is_err());
        assert!(Coordinates::new(0.0, -180.5).is_err());
        assert!(Coordinates::new(f64::NAN, 0.0).is_err());
    }

    #[test]
    fn gss_codes() {
        assert_eq!(GssCode::parse("s01012345").unwrap().entity(), "S01");
        assert!(GssCode::parse("S0101234").is_err());
        assert!(GssCode::parse("SX1012345").is_err());
    }

    proptest! {
        /// Every point within the radius lies inside the bounding box, so a
        /// box pre-filter never drops a true result.
        #[test]
        fn the_box_holds_every_point_within_the_radius(
            lat in -80.0_f64..80.0, lon in -179.0_f64..179.0,
            bearing in 0.0_f64..360.0, fraction in 0.0_f64..1.0, radius in 10.0_f64..200_000.0,
        ) {
            let centre = Coordinates::new(lat, lon).unwrap();
            // Walk `fraction * radius` along `bearing` (the direct geodesic on a sphere).
            let delta = fraction * radius / EARTH_RADIUS_METRES;
            let theta = bearing.to_radians();
            let (phi1, lambda1) = (lat.to_radians(), lon.to_radians());
            let phi2 = (phi1.sin() * delta.cos() + phi1.cos() * delta.sin() * theta.cos()).asin();
            let lambda2 = lambda1 + (theta.sin() * delta.sin() * phi1.cos()).atan2(delta.cos() - phi1.sin() * phi2.sin());
            let lon2 = (lambda2.to_degrees() + 540.0) % 360.0 - 180.0;
            let point = Coordinates::new(phi2.to_degrees(), lon2).unwrap();
            prop_assume!((point.longitude - lon).abs() < 180.0);
            prop_assert!(centre.distance_metres(point) <= radius * 1.000_001);
            prop_assert!(centre.bounding_box(radius * 1.000_001).contains(point));
        }

        #[test]
        fn distance_is_symmetric_and_never_negative(
            a in -89.0_f64..89.0, b in -179.0_f64..179.0, c in -89.0_f64..89.0, d in -179.0_f64..179.0,
        ) {
            let p = Coordinates::new(a, b).unwrap();
            let q = Coordinates::new(c, d).unwrap();
            prop_assert!(p.distance_metres(q) >= 0.0);
            prop_assert!((p.distance_metres(q) - q.distance_metres(p)).abs() < 1e-6);
        }
    }
}
