//! Reading an HSDS 3.0 tabular data package (a folder of CSV files, one per
//! table, as `datapackage.json` describes) into full service documents, so
//! it imports through the same checks and transaction as JSON does.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
};

use serde_json::{Map, Value};

/// Why a data package could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error("{0} has no services.csv: is it an HSDS data package?")]
    NoServices(PathBuf),
    #[error("{file}: {problem}")]
    Csv { file: String, problem: String },
}

/// Columns whose values are numbers in HSDS; every other column is text.
const NUMBERS: &[&str] = &[
    "minimum_age",
    "maximum_age",
    "latitude",
    "longitude",
    "amount",
    "extension",
    "year_incorporated",
    "count",
    "interval",
    "timezone",
];

/// One table: its rows as JSON objects, empty cells left out.
#[derive(Default)]
struct Table {
    rows: Vec<Map<String, Value>>,
}

impl Table {
    fn read(folder: &Path, name: &str) -> Result<Self, PackageError> {
        let path = folder.join(format!("{name}.csv"));
        if !path.exists() {
            return Ok(Self::default());
        }
        let csv_error = |problem: String| PackageError::Csv {
            file: format!("{name}.csv"),
            problem,
        };
        let mut reader = csv::Reader::from_path(&path).map_err(|e| csv_error(e.to_string()))?;
        let headers = reader
            .headers()
            .map_err(|e| csv_error(e.to_string()))?
            .clone();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(e.to_string()))?;
            let line = record.position().map_or(0, csv::Position::line);
            let mut row = Map::new();
            for (header, cell) in headers.iter().zip(record.iter()) {
                let header = header.trim().trim_start_matches('\u{feff}');
                if cell.is_empty() {
                    continue;
                }
                let value = if NUMBERS.contains(&header) {
                    let number: f64 = cell.trim().parse().map_err(|_| {
                        csv_error(format!(
                            "line {line}, column {header}: {cell:?} is not a number"
                        ))
                    })?;
                    serde_json::Number::from_f64(number)
                        .map(|n| {
                            // Whole numbers stay whole (12, not 12.0), as the JSON form has them.
                            if number.fract() == 0.0 && number.abs() < 9.0e15 {
                                #[expect(
                                    clippy::cast_possible_truncation,
                                    reason = "checked whole and in range just above"
                                )]
                                Value::from(number as i64)
                            } else {
                                Value::Number(n)
                            }
                        })
                        .ok_or_else(|| {
                            csv_error(format!(
                                "line {line}, column {header}: {cell:?} is not a finite number"
                            ))
                        })?
                } else {
                    Value::String(cell.to_owned())
                };
                row.insert(header.to_owned(), value);
            }
            rows.push(row);
        }
        Ok(Self { rows })
    }

    /// Rows whose `key` column equals `value`, with the link columns removed
    /// (the nesting says what they said).
    fn children(&self, key: &str, value: &str, drop: &[&str]) -> Vec<Value> {
        self.rows
            .iter()
            .filter(|row| row.get(key).and_then(Value::as_str) == Some(value))
            .map(|row| {
                let mut row = row.clone();
                for column in drop {
                    row.remove(*column);
                }
                Value::Object(row)
            })
            .collect()
    }

    fn by_id(&self) -> HashMap<String, Map<String, Value>> {
        self.rows
            .iter()
            .filter_map(|row| Some((row.get("id")?.as_str()?.to_owned(), row.clone())))
            .collect()
    }
}

/// Puts `items` under `key` when there are any.
fn nest(object: &mut Map<String, Value>, key: &str, items: Vec<Value>) {
    if !items.is_empty() {
        object.insert(key.to_owned(), Value::Array(items));
    }
}

const LINKS: &[&str] = &[
    "service_id",
    "location_id",
    "organization_id",
    "service_at_location_id",
    "contact_id",
    "phone_id",
];

/// Every table of a package, read once.
struct Package {
    services: Table,
    organizations: HashMap<String, Map<String, Value>>,
    locations: HashMap<String, Map<String, Value>>,
    terms: HashMap<String, Map<String, Value>>,
    taxonomies: HashMap<String, Map<String, Value>>,
    places: Table,
    addresses: Table,
    accessibility: Table,
    phones: Table,
    languages: Table,
    schedules: Table,
    areas: Table,
    costs: Table,
    funding: Table,
    documents: Table,
    contacts: Table,
    attributes: Table,
    metadata: Table,
}

/// Reads the folder's tables and assembles one full document per service.
pub fn read(folder: &Path) -> Result<Vec<Value>, PackageError> {
    if !folder.join("services.csv").exists() {
        return Err(PackageError::NoServices(folder.to_owned()));
    }
    let table = |name: &str| Table::read(folder, name);
    let package = Package {
        services: table("services")?,
        organizations: table("organizations")?.by_id(),
        locations: table("locations")?.by_id(),
        terms: table("taxonomy_terms")?.by_id(),
        taxonomies: table("taxonomies")?.by_id(),
        places: table("service_at_location")?,
        addresses: table("addresses")?,
        accessibility: table("accessibility")?,
        phones: table("phones")?,
        languages: table("languages")?,
        schedules: table("schedules")?,
        areas: table("service_areas")?,
        costs: table("cost_options")?,
        funding: table("funding")?,
        documents: table("required_documents")?,
        contacts: table("contacts")?,
        attributes: table("attributes")?,
        metadata: table("metadata")?,
    };
    Ok(package
        .services
        .rows
        .iter()
        .map(|row| package.service(row))
        .collect())
}

fn text_of<'a>(row: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    row.get(key).and_then(Value::as_str)
}

impl Package {
    /// The phones linked by `key`, each with its languages. A phone of a
    /// contact belongs under that contact only.
    fn phones_of(&self, key: &str, id: &str) -> Vec<Value> {
        self.phones
            .rows
            .iter()
            .filter(|p| text_of(p, key) == Some(id))
            .filter(|p| key == "contact_id" || !p.contains_key("contact_id"))
            .filter(|p| {
                key == "service_at_location_id" || !p.contains_key("service_at_location_id")
            })
            .map(|p| {
                let mut phone = p.clone();
                for column in LINKS {
                    phone.remove(*column);
                }
                if let Some(phone_id) = text_of(p, "id") {
                    nest(
                        &mut phone,
                        "languages",
                        self.languages.children("phone_id", phone_id, LINKS),
                    );
                }
                Value::Object(phone)
            })
            .collect()
    }

    /// The contacts linked by `key`, each with its phones.
    fn contacts_of(&self, key: &str, id: &str) -> Vec<Value> {
        self.contacts
            .children(key, id, LINKS)
            .into_iter()
            .map(|mut contact| {
                if let Some(object) = contact.as_object_mut()
                    && let Some(contact_id) =
                        object.get("id").and_then(Value::as_str).map(str::to_owned)
                {
                    nest(object, "phones", self.phones_of("contact_id", &contact_id));
                }
                contact
            })
            .collect()
    }

    /// A location with everything that hangs off it.
    fn location(&self, id: &str) -> Option<Value> {
        let mut location = self.locations.get(id)?.clone();
        location.remove("organization_id");
        nest(
            &mut location,
            "languages",
            self.languages.children("location_id", id, LINKS),
        );
        nest(
            &mut location,
            "addresses",
            self.addresses.children("location_id", id, LINKS),
        );
        nest(
            &mut location,
            "contacts",
            self.contacts_of("location_id", id),
        );
        nest(
            &mut location,
            "accessibility",
            self.accessibility.children("location_id", id, LINKS),
        );
        nest(&mut location, "phones", self.phones_of("location_id", id));
        nest(
            &mut location,
            "schedules",
            self.schedules.children("location_id", id, LINKS),
        );
        Some(Value::Object(location))
    }

    /// One service-at-location row, with its location nested.
    fn place(&self, row: &Map<String, Value>) -> Value {
        let mut place = row.clone();
        let id = text_of(row, "id").unwrap_or_default();
        place.remove("service_id");
        place.remove("location_id");
        nest(
            &mut place,
            "contacts",
            self.contacts_of("service_at_location_id", id),
        );
        nest(
            &mut place,
            "phones",
            self.phones_of("service_at_location_id", id),
        );
        nest(
            &mut place,
            "schedules",
            self.schedules.children("service_at_location_id", id, LINKS),
        );
        if let Some(location) = text_of(row, "location_id").and_then(|l| self.location(l)) {
            place.insert("location".into(), location);
        }
        Value::Object(place)
    }

    /// The service's attributes, each with its taxonomy term (and the
    /// term's taxonomy) nested.
    fn attributes_of(&self, id: &str) -> Vec<Value> {
        self.attributes
            .children("link_id", id, &["link_id"])
            .into_iter()
            .map(|mut attribute| {
                if let Some(object) = attribute.as_object_mut()
                    && let Some(term) = object
                        .get("taxonomy_term_id")
                        .and_then(Value::as_str)
                        .and_then(|t| self.terms.get(t))
                {
                    let mut term = term.clone();
                    if let Some(taxonomy) =
                        text_of(&term, "taxonomy_id").and_then(|t| self.taxonomies.get(t))
                    {
                        term.insert("taxonomy_detail".into(), Value::Object(taxonomy.clone()));
                    }
                    object.insert("taxonomy_term".into(), Value::Object(term));
                }
                attribute
            })
            .collect()
    }

    /// One full service document.
    fn service(&self, row: &Map<String, Value>) -> Value {
        let mut service = row.clone();
        let Some(id) = text_of(row, "id") else {
            return Value::Object(service);
        };
        nest(&mut service, "phones", self.phones_of("service_id", id));
        nest(
            &mut service,
            "schedules",
            self.schedules.children("service_id", id, LINKS),
        );
        nest(
            &mut service,
            "service_areas",
            self.areas.children("service_id", id, LINKS),
        );
        let places = self
            .places
            .rows
            .iter()
            .filter(|r| text_of(r, "service_id") == Some(id))
            .map(|r| self.place(r))
            .collect();
        nest(&mut service, "service_at_locations", places);
        let languages = self
            .languages
            .children("service_id", id, LINKS)
            .into_iter()
            .filter(|l| l.get("phone_id").is_none())
            .collect();
        nest(&mut service, "languages", languages);
        if let Some(organization) =
            text_of(row, "organization_id").and_then(|o| self.organizations.get(o))
        {
            service.insert("organization".into(), Value::Object(organization.clone()));
        }
        nest(
            &mut service,
            "funding",
            self.funding.children("service_id", id, LINKS),
        );
        nest(
            &mut service,
            "cost_options",
            self.costs.children("service_id", id, LINKS),
        );
        nest(
            &mut service,
            "required_documents",
            self.documents.children("service_id", id, LINKS),
        );
        nest(&mut service, "contacts", self.contacts_of("service_id", id));
        nest(&mut service, "attributes", self.attributes_of(id));
        nest(
            &mut service,
            "metadata",
            self.metadata.children("resource_id", id, &["resource_id"]),
        );
        Value::Object(service)
    }
}
