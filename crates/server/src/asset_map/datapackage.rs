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

/// Reads the folder's tables and assembles one full document per service.
pub fn read(folder: &Path) -> Result<Vec<Value>, PackageError> {
    if !folder.join("services.csv").exists() {
        return Err(PackageError::NoServices(folder.to_owned()));
    }
    let table = |name: &str| Table::read(folder, name);
    let services = table("services")?;
    let organizations = table("organizations")?.by_id();
    let locations = table("locations")?.by_id();
    let terms = table("taxonomy_terms")?.by_id();
    let taxonomies = table("taxonomies")?.by_id();
    let (sals, addresses, accessibility, phones, languages, schedules) = (
        table("service_at_location")?,
        table("addresses")?,
        table("accessibility")?,
        table("phones")?,
        table("languages")?,
        table("schedules")?,
    );
    let (areas, costs, funding, documents, contacts, attributes, metadata) = (
        table("service_areas")?,
        table("cost_options")?,
        table("funding")?,
        table("required_documents")?,
        table("contacts")?,
        table("attributes")?,
        table("metadata")?,
    );
    // Phones carry their languages; contacts carry their phones.
    let phone_with_languages = |phone: Value| -> Value {
        let mut phone = phone;
        if let Some(object) = phone.as_object_mut()
            && let Some(id) = object.get("id").and_then(Value::as_str).map(str::to_owned)
        {
            nest(
                object,
                "languages",
                languages.children("phone_id", &id, LINKS),
            );
        }
        phone
    };
    let phones_of = |key: &str, id: &str| -> Vec<Value> {
        phones
            .rows
            .iter()
            .filter(|p| p.get(key).and_then(Value::as_str) == Some(id))
            // A phone of a contact belongs under that contact only.
            .filter(|p| key == "contact_id" || !p.contains_key("contact_id"))
            .map(|p| {
                let mut p = p.clone();
                for column in LINKS {
                    p.remove(*column);
                }
                phone_with_languages(Value::Object(p))
            })
            .collect()
    };
    let contacts_of = |key: &str, id: &str| -> Vec<Value> {
        contacts
            .children(key, id, LINKS)
            .into_iter()
            .map(|mut contact| {
                if let Some(object) = contact.as_object_mut()
                    && let Some(cid) = object.get("id").and_then(Value::as_str).map(str::to_owned)
                {
                    nest(object, "phones", phones_of("contact_id", &cid));
                }
                contact
            })
            .collect()
    };
    let mut documents_out = Vec::with_capacity(services.rows.len());
    for row in &services.rows {
        let mut service = row.clone();
        let Some(id) = service.get("id").and_then(Value::as_str).map(str::to_owned) else {
            documents_out.push(Value::Object(service));
            continue;
        };
        nest(
            &mut service,
            "phones",
            phones_of("service_id", &id)
                .into_iter()
                .filter(|p| p.get("service_at_location_id").is_none())
                .collect(),
        );
        nest(
            &mut service,
            "schedules",
            schedules
                .children("service_id", &id, LINKS)
                .into_iter()
                .collect(),
        );
        nest(
            &mut service,
            "service_areas",
            areas.children("service_id", &id, LINKS),
        );
        let mut places = Vec::new();
        for sal in sals
            .rows
            .iter()
            .filter(|r| r.get("service_id").and_then(Value::as_str) == Some(id.as_str()))
        {
            let mut place = sal.clone();
            let sal_id = place
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let location_id = place
                .get("location_id")
                .and_then(Value::as_str)
                .map(str::to_owned);
            place.remove("service_id");
            place.remove("location_id");
            nest(
                &mut place,
                "contacts",
                contacts_of("service_at_location_id", &sal_id),
            );
            nest(
                &mut place,
                "phones",
                phones_of("service_at_location_id", &sal_id),
            );
            nest(
                &mut place,
                "schedules",
                schedules.children("service_at_location_id", &sal_id, LINKS),
            );
            if let Some(location_id) = location_id
                && let Some(found) = locations.get(&location_id)
            {
                let mut location = found.clone();
                location.remove("organization_id");
                nest(
                    &mut location,
                    "languages",
                    languages.children("location_id", &location_id, LINKS),
                );
                nest(
                    &mut location,
                    "addresses",
                    addresses.children("location_id", &location_id, LINKS),
                );
                nest(
                    &mut location,
                    "contacts",
                    contacts_of("location_id", &location_id),
                );
                nest(
                    &mut location,
                    "accessibility",
                    accessibility.children("location_id", &location_id, LINKS),
                );
                nest(
                    &mut location,
                    "phones",
                    phones_of("location_id", &location_id),
                );
                nest(
                    &mut location,
                    "schedules",
                    schedules.children("location_id", &location_id, LINKS),
                );
                place.insert("location".into(), Value::Object(location));
            }
            places.push(Value::Object(place));
        }
        nest(&mut service, "service_at_locations", places);
        nest(
            &mut service,
            "languages",
            languages
                .children("service_id", &id, LINKS)
                .into_iter()
                .filter(|l| l.get("phone_id").is_none())
                .collect(),
        );
        if let Some(organization_id) = service.get("organization_id").and_then(Value::as_str)
            && let Some(organization) = organizations.get(organization_id)
        {
            service.insert("organization".into(), Value::Object(organization.clone()));
        }
        nest(
            &mut service,
            "funding",
            funding.children("service_id", &id, LINKS),
        );
        nest(
            &mut service,
            "cost_options",
            costs.children("service_id", &id, LINKS),
        );
        nest(
            &mut service,
            "required_documents",
            documents.children("service_id", &id, LINKS),
        );
        nest(&mut service, "contacts", contacts_of("service_id", &id));
        let linked: Vec<Value> = attributes
            .children("link_id", &id, &[])
            .into_iter()
            .map(|mut attribute| {
                if let Some(object) = attribute.as_object_mut() {
                    object.remove("link_id");
                    if let Some(term_id) = object.get("taxonomy_term_id").and_then(Value::as_str)
                        && let Some(term) = terms.get(term_id)
                    {
                        let mut term = term.clone();
                        if let Some(taxonomy) = term
                            .get("taxonomy_id")
                            .and_then(Value::as_str)
                            .and_then(|t| taxonomies.get(t))
                        {
                            term.insert("taxonomy_detail".into(), Value::Object(taxonomy.clone()));
                        }
                        object.insert("taxonomy_term".into(), Value::Object(term));
                    }
                }
                attribute
            })
            .collect();
        nest(&mut service, "attributes", linked);
        nest(
            &mut service,
            "metadata",
            metadata.children("resource_id", &id, &["resource_id"]),
        );
        documents_out.push(Value::Object(service));
    }
    Ok(documents_out)
}
