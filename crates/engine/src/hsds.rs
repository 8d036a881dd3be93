//! Open Referral HSDS 3.0 service documents: checking one is well formed
//! (every problem named by its JSON path) and projecting the fields that
//! search needs. The document itself is kept whole, so what was imported is
//! what is exported; the projection is derived from it and can always be
//! rebuilt.

use serde_json::Value;

use crate::schedule::WeeklyOpening;

/// One problem in a document, at a JSON path such as
/// `service_at_locations[0].location.latitude`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    pub path: String,
    pub problem: String,
}

impl std::fmt::Display for PathError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.problem)
    }
}

/// Where a service is delivered.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceLocation {
    pub service_at_location_id: String,
    pub location_id: String,
    pub name: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub postcode: Option<String>,
    /// Accessibility notes of the location, as written.
    pub accessibility: Vec<String>,
}

/// A taxonomy term a service is classified under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermRef {
    pub id: String,
    pub name: Option<String>,
}

/// The raw fields of one HSDS schedule, for the schedule module to read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScheduleFields {
    pub freq: Option<String>,
    pub byday: Option<String>,
    pub opens_at: Option<String>,
    pub closes_at: Option<String>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
}

/// What search and listings need from a service document.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceProjection {
    pub id: String,
    pub name: String,
    pub description: String,
    pub status: String,
    pub organization_id: Option<String>,
    pub organization_name: Option<String>,
    pub minimum_age: Option<f64>,
    pub maximum_age: Option<f64>,
    pub last_modified: Option<String>,
    pub assured_date: Option<String>,
    pub terms: Vec<TermRef>,
    pub locations: Vec<ServiceLocation>,
    pub schedules: Vec<ScheduleFields>,
    /// Language codes or names the service is offered in.
    pub languages: Vec<String>,
    /// True when the service states its cost options and every one is free.
    pub free: bool,
}

/// Reads values out of a document, recording every problem with its path.
struct Reader<'a> {
    errors: &'a mut Vec<PathError>,
}

impl Reader<'_> {
    fn fail(&mut self, path: &str, problem: impl Into<String>) {
        self.errors.push(PathError {
            path: path.to_owned(),
            problem: problem.into(),
        });
    }

    fn string(&mut self, object: &Value, key: &str, path: &str, required: bool) -> Option<String> {
        let full = join(path, key);
        match object.get(key) {
            None | Some(Value::Null) => {
                if required {
                    self.fail(&full, "is required");
                }
                None
            }
            Some(Value::String(text)) => {
                if required && text.trim().is_empty() {
                    self.fail(&full, "must not be empty");
                }
                Some(text.clone())
            }
            Some(other) => {
                self.fail(&full, format!("must be text, not {}", kind(other)));
                None
            }
        }
    }

    fn number(&mut self, object: &Value, key: &str, path: &str) -> Option<f64> {
        match object.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => n.as_f64(),
            Some(other) => {
                self.fail(
                    &join(path, key),
                    format!("must be a number, not {}", kind(other)),
                );
                None
            }
        }
    }

    fn array<'v>(&mut self, object: &'v Value, key: &str, path: &str) -> &'v [Value] {
        match object.get(key) {
            None | Some(Value::Null) => &[],
            Some(Value::Array(items)) => items,
            Some(other) => {
                self.fail(
                    &join(path, key),
                    format!("must be a list, not {}", kind(other)),
                );
                &[]
            }
        }
    }

    fn object<'v>(&mut self, value: &'v Value, path: &str) -> Option<&'v Value> {
        if value.is_object() {
            Some(value)
        } else {
            self.fail(path, format!("must be an object, not {}", kind(value)));
            None
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The parts of a service document, each read with its own checks.
impl Reader<'_> {
    /// The organisation it belongs to: `organization_id`, or the embedded one.
    fn organization(&mut self, service: &Value, path: &str) -> (Option<String>, Option<String>) {
        let r = self;
        let mut organization_id = r.string(service, "organization_id", path, false);
        let mut organization_name = None;
        if let Some(organization) = service.get("organization").filter(|v| !v.is_null()) {
            let org_path = join(path, "organization");
            if let Some(organization) = r.object(organization, &org_path) {
                let embedded_id = r.string(organization, "id", &org_path, true);
                organization_name = r.string(organization, "name", &org_path, true);
                if organization_id.is_some()
                    && embedded_id.is_some()
                    && organization_id != embedded_id
                {
                    r.fail(&join(&org_path, "id"), "does not match organization_id");
                }
                organization_id = organization_id.or(embedded_id);
            }
        }
        (organization_id, organization_name)
    }

    /// The taxonomy terms attached through `attributes`.
    fn terms(&mut self, service: &Value, path: &str) -> Vec<TermRef> {
        let r = self;
        let mut terms = Vec::new();
        for (i, attribute) in r.array(service, "attributes", path).iter().enumerate() {
            let at = format!("{}[{i}]", join(path, "attributes"));
            let Some(attribute) = r.object(attribute, &at) else {
                continue;
            };
            let term = attribute.get("taxonomy_term").filter(|v| !v.is_null());
            let direct = r.string(attribute, "taxonomy_term_id", &at, false);
            match term {
                Some(term) => {
                    let term_path = join(&at, "taxonomy_term");
                    if let Some(term) = r.object(term, &term_path) {
                        let id = r.string(term, "id", &term_path, true);
                        let name = r.string(term, "name", &term_path, true);
                        if let Some(id) = id.or(direct) {
                            terms.push(TermRef { id, name });
                        }
                    }
                }
                None => {
                    if let Some(id) = direct {
                        terms.push(TermRef { id, name: None });
                    }
                }
            }
        }
        terms
    }

    /// Where it is delivered, from `service_at_locations`.
    fn locations(&mut self, service: &Value, path: &str) -> Vec<ServiceLocation> {
        let r = self;
        let mut locations = Vec::new();
        for (i, sal) in r
            .array(service, "service_at_locations", path)
            .iter()
            .enumerate()
        {
            let at = format!("{}[{i}]", join(path, "service_at_locations"));
            let Some(sal) = r.object(sal, &at) else {
                continue;
            };
            let sal_id = r.string(sal, "id", &at, true);
            let Some(location) = sal.get("location").filter(|v| !v.is_null()) else {
                let location_id = r.string(sal, "location_id", &at, false);
                if let (Some(sal_id), Some(location_id)) = (sal_id, location_id) {
                    locations.push(ServiceLocation {
                        service_at_location_id: sal_id,
                        location_id,
                        name: None,
                        latitude: None,
                        longitude: None,
                        postcode: None,
                        accessibility: Vec::new(),
                    });
                }
                continue;
            };
            let loc_path = join(&at, "location");
            let Some(location) = r.object(location, &loc_path) else {
                continue;
            };
            let location_id = r.string(location, "id", &loc_path, true);
            let latitude = r.number(location, "latitude", &loc_path);
            let longitude = r.number(location, "longitude", &loc_path);
            // The schema allows any number; only a point on the Earth can be
            // searched by distance, so others are kept in the document but
            // left out of the projection.
            let on_earth = matches!((latitude, longitude), (Some(lat), Some(lon))
            if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon));
            let (latitude, longitude) = if on_earth {
                (latitude, longitude)
            } else {
                (None, None)
            };
            let mut postcode = None;
            for (j, address) in r.array(location, "addresses", &loc_path).iter().enumerate() {
                let address_path = format!("{}[{j}]", join(&loc_path, "addresses"));
                if let Some(address) = r.object(address, &address_path) {
                    let code = r.string(address, "postal_code", &address_path, false);
                    postcode = postcode.or(code);
                }
            }
            let mut accessibility = Vec::new();
            for (j, entry) in r
                .array(location, "accessibility", &loc_path)
                .iter()
                .enumerate()
            {
                let entry_path = format!("{}[{j}]", join(&loc_path, "accessibility"));
                if let Some(entry) = r.object(entry, &entry_path) {
                    for key in ["description", "details"] {
                        if let Some(text) = r.string(entry, key, &entry_path, false) {
                            accessibility.push(text);
                        }
                    }
                }
            }
            if let (Some(sal_id), Some(location_id)) = (sal_id, location_id) {
                locations.push(ServiceLocation {
                    service_at_location_id: sal_id,
                    location_id,
                    name: r.string(location, "name", &loc_path, false),
                    latitude,
                    longitude,
                    postcode,
                    accessibility,
                });
            }
        }
        locations
    }

    /// Its own schedules and those of each place it is delivered at.
    fn schedules(&mut self, service: &Value, path: &str) -> Vec<ScheduleFields> {
        let r = self;
        let mut schedules = Vec::new();
        let mut read_schedules = |r: &mut Reader<'_>, owner: &Value, owner_path: &str| {
            for (i, schedule) in r.array(owner, "schedules", owner_path).iter().enumerate() {
                let at = format!("{}[{i}]", join(owner_path, "schedules"));
                if let Some(schedule) = r.object(schedule, &at) {
                    let fields = ScheduleFields {
                        freq: r.string(schedule, "freq", &at, false),
                        byday: r.string(schedule, "byday", &at, false),
                        opens_at: r.string(schedule, "opens_at", &at, false),
                        closes_at: r.string(schedule, "closes_at", &at, false),
                        valid_from: r.string(schedule, "valid_from", &at, false),
                        valid_to: r.string(schedule, "valid_to", &at, false),
                    };
                    if let Err(invalid) = WeeklyOpening::from_hsds(
                        fields.freq.as_deref(),
                        fields.byday.as_deref(),
                        fields.opens_at.as_deref(),
                        fields.closes_at.as_deref(),
                        fields.valid_from.as_deref(),
                        fields.valid_to.as_deref(),
                    ) {
                        let (field, problem) = match invalid.key {
                            "error.schedule.byday" => {
                                ("byday", "must list days as MO, TU, WE, TH, FR, SA or SU")
                            }
                            "error.schedule.time" => (
                                "opens_at",
                                "opens_at and closes_at must be times like 09:30",
                            ),
                            _ => (
                                "valid_from",
                                "valid_from and valid_to must be dates like 2026-11-23, in order",
                            ),
                        };
                        r.fail(&join(&at, field), problem);
                    }
                    schedules.push(fields);
                }
            }
        };
        read_schedules(&mut *r, service, path);
        for (i, sal) in r
            .array(service, "service_at_locations", path)
            .iter()
            .enumerate()
        {
            if sal.is_object() {
                let at = format!("{}[{i}]", join(path, "service_at_locations"));
                read_schedules(&mut *r, sal, &at);
            }
        }
        schedules
    }

    /// The languages it is offered in.
    fn languages(&mut self, service: &Value, path: &str) -> Vec<String> {
        let r = self;
        let mut languages = Vec::new();
        for (i, language) in r.array(service, "languages", path).iter().enumerate() {
            let at = format!("{}[{i}]", join(path, "languages"));
            if let Some(language) = r.object(language, &at) {
                let code = r.string(language, "code", &at, false);
                let name = r.string(language, "name", &at, false);
                if let Some(value) = code.or(name) {
                    languages.push(value);
                }
            }
        }
        languages
    }

    /// Whether it states costs and every one is zero.
    fn free(&mut self, service: &Value, path: &str) -> bool {
        let r = self;
        let mut amounts = Vec::new();
        for (i, option) in r.array(service, "cost_options", path).iter().enumerate() {
            let at = format!("{}[{i}]", join(path, "cost_options"));
            if let Some(option) = r.object(option, &at) {
                amounts.push(r.number(option, "amount", &at));
            }
        }

        !amounts.is_empty() && amounts.iter().all(|a| *a == Some(0.0))
    }
}

/// The statuses HSDS 3.0 allows for a service.
/// The service statuses HSDS 3.0 allows.
pub const STATUSES: &[&str] = &["active", "inactive", "defunct", "temporarily closed"];

/// Checks a service document and projects it. `path` prefixes every error
/// (e.g. `services[3]`) so a file's problems can be told apart.
pub fn project_service(document: &Value, path: &str) -> Result<ServiceProjection, Vec<PathError>> {
    let mut errors = Vec::new();
    let projection = {
        let mut r = Reader {
            errors: &mut errors,
        };
        let Some(service) = r.object(document, if path.is_empty() { "service" } else { path })
        else {
            return Err(errors);
        };
        let id = r.string(service, "id", path, true);
        let name = r.string(service, "name", path, true);
        let status = r.string(service, "status", path, true);
        if let Some(status) = &status
            && !STATUSES.contains(&status.as_str())
        {
            r.fail(
                &join(path, "status"),
                format!("must be one of {}", STATUSES.join(", ")),
            );
        }
        let description = r
            .string(service, "description", path, false)
            .unwrap_or_default();
        let minimum_age = r.number(service, "minimum_age", path);
        let maximum_age = r.number(service, "maximum_age", path);
        if let (Some(min), Some(max)) = (minimum_age, maximum_age)
            && min > max
        {
            r.fail(&join(path, "minimum_age"), "must not be above maximum_age");
        }
        let last_modified = r.string(service, "last_modified", path, false);
        let assured_date = r.string(service, "assured_date", path, false);
        let (organization_id, organization_name) = r.organization(service, path);
        let terms = r.terms(service, path);
        let locations = r.locations(service, path);
        let schedules = r.schedules(service, path);
        let languages = r.languages(service, path);
        let free = r.free(service, path);
        match (id, name, status) {
            (Some(id), Some(name), Some(status)) => Some(ServiceProjection {
                id,
                name,
                description,
                status,
                organization_id,
                organization_name,
                minimum_age,
                maximum_age,
                last_modified,
                assured_date,
                terms,
                locations,
                schedules,
                languages,
                free,
            }),
            _ => None,
        }
    };
    match projection {
        Some(projection) if errors.is_empty() => Ok(projection),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn projects_the_fields_search_needs() {
        let document = json!({
            "id": "s1", "name": "Seaview Lunch Club", "status": "active",
            "description": "Soup and company on Tuesdays.",
            "minimum_age": 60,
            "organization": {"id": "o1", "name": "Harbourside Food Run", "description": "Meals."},
            "attributes": [{"id": "a1", "taxonomy_term": {"id": "t1", "name": "Food", "description": "Food"}}],
            "service_at_locations": [{"id": "sal1", "location": {
                "id": "l1", "location_type": "physical", "name": "Seaview Hall",
                "latitude": 56.41, "longitude": -5.47,
                "addresses": [{"id": "ad1", "address_1": "1 Shore Road", "city": "Ardnaveen",
                    "state_province": "Argyll", "postal_code": "AV1 1AB", "country": "GB", "address_type": "physical"}],
                "accessibility": [{"id": "ac1", "description": "Step-free entrance", "details": "Hearing loop"}]
            }, "schedules": [{"id": "sc1", "freq": "WEEKLY", "byday": "TU", "opens_at": "12:00", "closes_at": "14:00"}]}],
            "cost_options": [{"id": "c1", "amount": 0}],
            "languages": [{"id": "lg1", "code": "gd"}]
        });
        let p = project_service(&document, "").unwrap();
        assert_eq!(p.organization_name.as_deref(), Some("Harbourside Food Run"));
        assert_eq!(p.organization_id.as_deref(), Some("o1"));
        assert_eq!(
            p.terms,
            [TermRef {
                id: "t1".into(),
                name: Some("Food".into())
            }]
        );
        assert_eq!(p.locations[0].postcode.as_deref(), Some("AV1 1AB"));
        assert_eq!(
            p.locations[0].accessibility,
            ["Step-free entrance", "Hearing loop"]
        );
        assert_eq!(p.schedules[0].byday.as_deref(), Some("TU"));
        assert_eq!(p.languages, ["gd"]);
        assert!(p.free);
        assert_eq!(p.minimum_age, Some(60.0));
    }

    #[test]
    fn every_problem_is_named_by_its_path() {
        let document = json!({
            "id": "s1", "status": "open",
            "minimum_age": "twelve",
            "service_at_locations": [{"id": "sal1", "location": {"id": "l1", "latitude": 123.0, "longitude": "west"}}],
            "attributes": [{"id": "a1", "taxonomy_term": {"id": "t1"}}],
            "schedules": [{"id": "sc1", "freq": "WEEKLY", "byday": "MONDAY", "opens_at": "10:00", "closes_at": "12:00"}]
        });
        let errors = project_service(&document, "services[4]").unwrap_err();
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        for expected in [
            "services[4].name: is required",
            "services[4].status: must be one of",
            "services[4].minimum_age: must be a number, not text",
            "services[4].attributes[0].taxonomy_term.name: is required",
            "services[4].schedules[0].byday: must list days",
            "services[4].service_at_locations[0].location.longitude: must be a number",
        ] {
            assert!(
                shown.iter().any(|s| s.starts_with(expected)),
                "missing {expected:?} in {shown:#?}"
            );
        }
    }

    #[test]
    fn the_specification_example_projects() {
        let text = include_str!("../../../../shared/data/hsds/examples/service_full.json");
        let document: Value = serde_json::from_str(text).unwrap();
        let p = project_service(&document, "").unwrap();
        assert_eq!(p.name, "Community Counselling");
        assert_eq!(p.minimum_age, Some(12.0));
        // Its coordinates (100, 101) are placeholders, not a place.
        assert_eq!(p.locations[0].latitude, None);
        assert_eq!(p.locations[0].postcode.as_deref(), Some("ABC 1234"));
        assert!(!p.free, "it charges for sessions");
    }
}
