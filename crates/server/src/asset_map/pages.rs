//! The public pages of the asset map: "find help near you", a search that
//! works as a plain GET form, and a page for each service drawn from its
//! HSDS document.

use askama::Template;
use axum::{
    extract::{RawQuery, State},
    http::{Method, StatusCode},
    response::Response,
    routing::get,
};
use coprod_engine::{
    place::Postcode,
    schedule::{Weekday, uk_local},
};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::search::{
    self, Category, DEFAULT_RADIUS_KM, Feature, Filters, Found, Near, NextOpening,
};
use crate::{
    access::{Access, Route},
    app::AppState,
    db::{self, Db},
    error::Result,
    places::store as places,
    web::{FieldErrors, Paging, Shell, i18n::fill, page_with_status},
};

/// The map of the results, for browsers that run JavaScript.
mod search_map;
/// A service's own page.
mod service;

/// The search and service pages.
pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/services", Access::Public, get(search_page)),
        Route::new(
            Method::GET,
            "/services/{id}",
            Access::Public,
            get(service::service_page),
        ),
    ]
}

/// Longest value kept from any one query field: a search box, not an essay.
const MAX_FIELD_CHARS: usize = 100;

/// The highest page number asked for that is taken as it is.
const MAX_PAGE: i64 = 10_000;

/// Characters left as they are in a service id within a path.
const ID_SAFE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.');

/// Lower-case weekday names, as the "open on" field sends them.
const DAY_CODES: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

fn day_code(day: Weekday) -> &'static str {
    DAY_CODES[usize::from(day.index())]
}

fn day_name(shell: &Shell, day: Weekday) -> String {
    shell.t(&format!("find_help.day.{}", day_code(day)))
}

/// The path of a service's page.
fn service_href(id: &str) -> String {
    format!("/services/{}", utf8_percent_encode(id, ID_SAFE))
}

/// A minute of the day as a 24-hour clock reads.
fn clock(minute: u16) -> String {
    format!("{:02}:{:02}", (minute / 60) % 24, minute % 60)
}

/// What the search form sent, as typed: shown again in the form and
/// carried by the page links.
#[derive(Debug, Clone, Default)]
struct SearchForm {
    q: String,
    category: String,
    postcode: String,
    radius: String,
    open_now: bool,
    day: String,
    age: String,
    access: Vec<String>,
    free: bool,
    page: i64,
}

impl SearchForm {
    /// Reads the query string. Repeated `access` values are the checked
    /// boxes; anything unknown is ignored, as any GET page ignores it.
    fn parse(raw: Option<&str>) -> Self {
        let mut form = Self {
            page: 1,
            ..Self::default()
        };
        for (key, value) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            let value: String = value.trim().chars().take(MAX_FIELD_CHARS).collect();
            match key.as_ref() {
                "q" => form.q = value,
                "category" => form.category = value,
                "postcode" => form.postcode = value,
                "radius" => form.radius = value,
                "open_now" => form.open_now = !value.is_empty(),
                "day" => form.day = value,
                "age" => form.age = value,
                "access"
                    if !form.access.contains(&value) && form.access.len() < Feature::ALL.len() =>
                {
                    form.access.push(value);
                }
                "free" => form.free = !value.is_empty(),
                // Far past any real last page, and far from overflowing
                // when turned into an offset.
                "page" => form.page = value.parse().unwrap_or(1).clamp(1, MAX_PAGE),
                _ => {}
            }
        }
        form
    }

    /// This search's address, on page `page`.
    fn link(&self, page: i64) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("q", &self.q),
            ("category", &self.category),
            ("postcode", &self.postcode),
            ("day", &self.day),
            ("age", &self.age),
        ] {
            if !value.is_empty() {
                query.append_pair(key, value);
            }
        }
        if !self.postcode.is_empty() && !self.radius.is_empty() {
            query.append_pair("radius", &self.radius);
        }
        if self.open_now {
            query.append_pair("open_now", "yes");
        }
        for code in &self.access {
            query.append_pair("access", code);
        }
        if self.free {
            query.append_pair("free", "yes");
        }
        if page > 1 {
            query.append_pair("page", &page.to_string());
        }
        let query = query.finish();
        if query.is_empty() {
            "/services".to_owned()
        } else {
            format!("/services?{query}")
        }
    }
}

/// Turns the form into filters, noting a clear message against each field
/// that cannot be used: an unknown postcode is never an empty result.
async fn read_filters(
    db: &Db,
    shell: &Shell,
    form: &SearchForm,
    categories: &[Category],
    errors: &mut FieldErrors,
) -> Result<Filters> {
    let mut filters = Filters {
        words: Some(form.q.clone()).filter(|q| !q.is_empty()),
        open_now: form.open_now,
        free_only: form.free,
        features: form
            .access
            .iter()
            .filter_map(|code| Feature::from_code(code))
            .collect(),
        ..Filters::default()
    };
    if !form.category.is_empty() {
        if categories.iter().any(|c| c.id == form.category) {
            filters.category = Some(form.category.clone());
        } else {
            errors.add("category", shell.t("find_help.error.category"));
        }
    }
    if !form.postcode.is_empty() {
        let radius_km = if form.radius.is_empty() {
            Some(DEFAULT_RADIUS_KM)
        } else {
            form.radius
                .parse::<u32>()
                .ok()
                .filter(|r| search::RADII_KM.contains(r))
        };
        if radius_km.is_none() {
            errors.add("radius", shell.t("find_help.error.radius"));
        }
        match Postcode::parse(&form.postcode) {
            Err(invalid) => errors.add("postcode", shell.t(invalid.key)),
            Ok(postcode) => match places::lookup(db, &postcode).await? {
                None => errors.add("postcode", shell.t("error.postcode.unknown")),
                Some(place) => {
                    filters.near = radius_km.map(|km| Near {
                        centre: place.coordinates(),
                        radius_metres: f64::from(km) * 1_000.0,
                    });
                }
            },
        }
    }
    if !form.day.is_empty() {
        match DAY_CODES
            .iter()
            .position(|code| *code == form.day)
            .and_then(Weekday::from_index)
        {
            Some(day) => filters.open_on = Some(day),
            None => errors.add("day", shell.t("find_help.error.day")),
        }
    }
    if !form.age.is_empty() {
        match form.age.parse::<u8>() {
            Ok(age) if age <= 120 => filters.age = Some(f64::from(age)),
            _ => errors.add("age", shell.t("find_help.error.age")),
        }
    }
    Ok(filters)
}

/// An option of a select, or a box to tick.
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// A tag beside a result (`ds_tag--green`).
struct Tag {
    class: &'static str,
    label: String,
}

/// One result as the page shows it.
struct HitView {
    href: String,
    name: String,
    organisation: Option<String>,
    summary: String,
    distance: Option<String>,
    when: Option<String>,
    tags: Vec<Tag>,
}

/// A link in the page navigation.
struct PageLink {
    number: i64,
    href: String,
    current: bool,
    /// Pages are left out between this one and the one before.
    gap_before: bool,
}

/// The results part of the page.
struct Results {
    heading: String,
    total: i64,
    first: i64,
    hits: Vec<HitView>,
    paging: Paging,
    previous: Option<String>,
    next: Option<String>,
    pages: Vec<PageLink>,
    first_page: String,
}

/// A description cut to a line or two, at a word.
fn summary(description: &str) -> String {
    const LIMIT: usize = 180;
    let first = description.split("\n\n").next().unwrap_or_default().trim();
    if first.chars().count() <= LIMIT {
        return first.to_owned();
    }
    let cut: String = first.chars().take(LIMIT).collect();
    let at_word = cut.rfind(' ').map_or(cut.as_str(), |i| &cut[..i]);
    format!("{}…", at_word.trim_end_matches([',', '.', ';', ':']))
}

fn when(shell: &Shell, next: NextOpening) -> Option<String> {
    match next {
        NextOpening::OpenNow => Some(shell.t("find_help.when.open_now")),
        NextOpening::Opens {
            days_ahead: 0,
            minute,
            ..
        } => Some(shell.t1("find_help.when.today", &clock(minute))),
        NextOpening::Opens {
            days_ahead: 1,
            minute,
            ..
        } => Some(shell.t1("find_help.when.tomorrow", &clock(minute))),
        NextOpening::Opens {
            weekday, minute, ..
        } => Some(fill(
            &shell.t("find_help.when.on"),
            &[&day_name(shell, weekday), &clock(minute)],
        )),
        NextOpening::Unknown => None,
    }
}

fn hit_view(shell: &Shell, hit: search::Hit) -> HitView {
    let mut tags = Vec::new();
    if hit.temporarily_closed {
        tags.push(Tag {
            class: "ds_tag--orange",
            label: shell.t("find_help.tag.closed"),
        });
    }
    if hit.free {
        tags.push(Tag {
            class: "ds_tag--green",
            label: shell.t("find_help.tag.free"),
        });
    } else if hit.charges {
        tags.push(Tag {
            class: "ds_tag--grey",
            label: shell.t("find_help.tag.charges"),
        });
    }
    HitView {
        href: service_href(&hit.id),
        summary: summary(&hit.description),
        distance: hit.distance_metres.map(|m| {
            if m < 100.0 {
                shell.t("find_help.distance_near")
            } else {
                shell.t1("find_help.distance", &format!("{:.1}", m / 1_000.0))
            }
        }),
        when: if hit.temporarily_closed {
            None
        } else {
            when(shell, hit.next_opening)
        },
        name: hit.name,
        organisation: hit.organisation,
        tags,
    }
}

impl Results {
    fn new(shell: &Shell, found: Found, paging: Paging, form: &SearchForm) -> Self {
        let paging = paging.of(found.total);
        let heading = match found.total {
            0 => shell.t("find_help.found_none"),
            1 => shell.t("find_help.found_one"),
            n => shell.t1("find_help.found_many", &n.to_string()),
        };
        // Every page when there are few; else the first, the last and the
        // two either side of this one.
        let mut shown = 0;
        let pages = (1..=paging.pages)
            .filter(|n| {
                paging.pages <= 7 || *n == 1 || *n == paging.pages || (n - paging.page).abs() <= 2
            })
            .map(|number| {
                let gap_before = number > shown + 1;
                shown = number;
                PageLink {
                    number,
                    href: form.link(number),
                    current: number == paging.page,
                    gap_before,
                }
            })
            .collect();
        Self {
            heading,
            total: found.total,
            first: paging.offset() + 1,
            hits: found.hits.into_iter().map(|h| hit_view(shell, h)).collect(),
            previous: (paging.page > 1 && paging.page <= paging.pages)
                .then(|| form.link(paging.page - 1)),
            next: (paging.page < paging.pages).then(|| form.link(paging.page + 1)),
            pages,
            first_page: form.link(1),
            paging,
        }
    }
}

#[derive(Template)]
#[template(path = "asset_map/search.html")]
struct SearchPage {
    shell: Shell,
    form: SearchForm,
    errors: FieldErrors,
    categories: Vec<Choice>,
    radii: Vec<Choice>,
    days: Vec<Choice>,
    features: Vec<Choice>,
    /// None when the form has an error: the page shows the error instead.
    results: Option<Results>,
    /// The same results on a map, offered when a result has a place.
    map: Option<search_map::SearchMap>,
}

/// `GET /services`
async fn search_page(
    State(state): State<AppState>,
    shell: Shell,
    RawQuery(raw): RawQuery,
) -> Result<Response> {
    let form = SearchForm::parse(raw.as_deref());
    let categories = search::categories(&state.db).await?;
    let mut errors = FieldErrors::default();
    let filters = read_filters(&state.db, &shell, &form, &categories, &mut errors).await?;
    let (results, map) = if errors.is_empty() {
        let paging = Paging::requested(form.page, search::PAGE_SIZE);
        let at = uk_local(db::now());
        let found =
            search::search(&state.db, &filters, at, paging.limit(), paging.offset()).await?;
        let map = search_map::for_results(
            &state.db,
            &state.settings.map,
            &shell,
            &found.hits,
            filters.near,
        )
        .await?;
        (Some(Results::new(&shell, found, paging, &form)), map)
    } else {
        (None, None)
    };
    let radius = if form.radius.is_empty() {
        DEFAULT_RADIUS_KM.to_string()
    } else {
        form.radius.clone()
    };
    let page = SearchPage {
        categories: categories
            .into_iter()
            .map(|c| Choice {
                selected: c.id == form.category,
                value: c.id,
                label: c.name,
            })
            .collect(),
        radii: search::RADII_KM
            .iter()
            .map(|km| Choice {
                value: km.to_string(),
                label: shell.t1("find_help.radius_option", &km.to_string()),
                selected: km.to_string() == radius,
            })
            .collect(),
        days: Weekday::ALL
            .iter()
            .map(|day| Choice {
                value: day_code(*day).to_owned(),
                label: day_name(&shell, *day),
                selected: form.day == day_code(*day),
            })
            .collect(),
        features: Feature::ALL
            .iter()
            .map(|f| Choice {
                value: f.code().to_owned(),
                label: shell.t(f.message_key()),
                selected: form.access.iter().any(|code| code == f.code()),
            })
            .collect(),
        shell,
        form,
        results,
        map,
        errors,
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    page_with_status(status, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_filled_in_order_and_summaries_cut_at_a_word() {
        let long = "Soup and company ".repeat(20);
        let cut = summary(&long);
        assert!(cut.ends_with("company…") || cut.ends_with("and…") || cut.ends_with("Soup…"));
        assert!(cut.chars().count() <= 181);
        assert_eq!(summary("Short.\n\nMore."), "Short.");
        assert_eq!(clock(605), "10:05");
    }

    #[test]
    fn a_search_link_keeps_every_filter() {
        let form = SearchForm::parse(Some(
            "q=lunch+club&postcode=AV1+1AB&radius=3&access=step_free&access=hearing_loop&free=yes&open_now=yes&day=tuesday&age=67&category=t1&page=2&junk=1",
        ));
        assert_eq!(form.access, ["step_free", "hearing_loop"]);
        let again = SearchForm::parse(form.link(3).strip_prefix("/services?"));
        assert_eq!(again.q, "lunch club");
        assert_eq!(again.postcode, "AV1 1AB");
        assert_eq!(again.radius, "3");
        assert_eq!(again.access, form.access);
        assert!(again.free && again.open_now);
        assert_eq!((again.day.as_str(), again.age.as_str()), ("tuesday", "67"));
        assert_eq!(again.category, "t1");
        assert_eq!(again.page, 3);
        assert_eq!(SearchForm::parse(None).link(1), "/services");
        assert_eq!(
            SearchForm::parse(Some("page=99999999999999999")).page,
            MAX_PAGE
        );
        assert_eq!(SearchForm::parse(Some("page=-3")).page, 1);
        assert_eq!(service_href("a b/c"), "/services/a%20b%2Fc");
    }

    #[test]
    fn every_message_built_from_parts_is_in_the_catalogue() {
        let catalogues = crate::web::i18n::Catalogues::load().unwrap();
        let english = catalogues.get("en");
        let mut keys: Vec<String> = Feature::ALL
            .iter()
            .map(|f| f.message_key().to_owned())
            .collect();
        for code in DAY_CODES {
            keys.push(format!("find_help.day.{code}"));
            keys.push(format!("find_help.days.{code}"));
        }
        keys.extend((1..=12).map(|m| format!("find_help.month.{m}")));
        let missing: Vec<&String> = keys.iter().filter(|k| !english.contains(k)).collect();
        assert!(missing.is_empty(), "missing: {missing:?}");
    }
}
