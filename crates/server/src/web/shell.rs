//! The page shell every page is drawn in: the partnership's name, navigation
//! for the roles the reader holds, the sign-out button, the footer — and the
//! reader's message catalogue.

use std::sync::Arc;

use axum::{extract::FromRequestParts, http::request::Parts};

use crate::{
    access::{self, Access},
    accounts::CurrentUser,
    app::AppState,
    web::{csrf::CsrfToken, i18n::Catalogues},
};

/// One link in the site navigation.
#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

/// Everything the layout template needs, built once per request.
#[derive(Clone)]
pub struct Shell {
    pub partnership_name: String,
    pub user: Option<CurrentUser>,
    pub nav: Vec<NavItem>,
    pub csrf_token: String,
    pub path: String,
    language: &'static str,
    catalogues: Arc<Catalogues>,
}

/// The site's main sections, each shown to those its access rule admits.
/// Later capabilities add their sections here.
const SECTIONS: &[(&str, &str, Access)] = &[
    ("/", "nav.home", Access::Public),
    // Staff's own work first, so a coordinator or link worker finds it at
    // the start of the menu.
    (
        "/coordination",
        "nav.coordination",
        crate::coordination::COORDINATORS,
    ),
    ("/referrals", "nav.referrals", access::STAFF),
    ("/people", "nav.people", crate::people::PEOPLE),
    ("/teams", "nav.teams", access::STAFF),
    ("/checkins", "nav.checkins", crate::checkins::CALLERS),
    ("/concerns", "nav.concerns", crate::people::PEOPLE),
    ("/feedback", "nav.feedback", access::STAFF),
    (
        "/listings",
        "nav.listings",
        crate::asset_map::listings::KEEPERS,
    ),
    ("/surveys", "nav.surveys", access::STAFF),
    ("/star", "nav.star", access::STAFF),
    ("/planning", "nav.planning", crate::planning::MANAGERS),
    ("/admin", "nav.admin", access::ADMIN),
    // Every page a citizen may use.
    ("/services", "nav.services", Access::Public),
    ("/help", "nav.help", Access::SignedIn),
    ("/budgeting", "nav.budgeting", Access::Public),
    ("/plans", "nav.plans", Access::Public),
    ("/you-said-we-did", "nav.you_said", Access::Public),
    ("/surveys/open", "nav.open_surveys", Access::Public),
    ("/charters", "nav.charters", Access::Public),
    ("/my-star", "nav.my_star", Access::SignedIn),
    ("/my-referrals", "nav.my_referrals", Access::SignedIn),
    ("/account", "nav.account", Access::SignedIn),
];

impl Shell {
    pub fn new(
        state: &AppState,
        user: Option<CurrentUser>,
        csrf: Option<&CsrfToken>,
        path: &str,
    ) -> Self {
        let catalogue = state.catalogues.get("en");
        let nav = SECTIONS
            .iter()
            .filter(|(_, _, rule)| rule.admits(user.as_ref()))
            .map(|(href, key, _)| NavItem {
                href,
                label: catalogue.text(key),
                current: if *href == "/" {
                    path == "/"
                } else if *href == "/surveys" {
                    // The builder's pages, not the citizens' open list.
                    path.starts_with(href) && !path.starts_with("/surveys/open")
                } else {
                    path.starts_with(href)
                },
            })
            .collect();
        Self {
            partnership_name: state.settings.partnership_name.clone(),
            user,
            nav,
            csrf_token: csrf.map(|t| t.0.clone()).unwrap_or_default(),
            path: path.to_owned(),
            language: "en",
            catalogues: state.catalogues.clone(),
        }
    }

    /// The address of a static file under `/assets/`, named by its
    /// content so that browsers keep it for a year.
    pub fn asset(&self, path: &str) -> String {
        super::assets::url(path)
    }

    /// The message for `key` in the reader's language.
    pub fn t(&self, key: &str) -> String {
        self.catalogues.get(self.language).text(key)
    }

    /// The message for `key` with its `{}` filled in.
    pub fn t1(&self, key: &str, value: &str) -> String {
        self.catalogues.get(self.language).text_with(key, value)
    }

    /// The message for `key` with each of its `{}` filled in turn by
    /// [`i18n::fill`](super::i18n::fill).
    pub fn tn(&self, key: &str, values: &[&str]) -> String {
        super::i18n::fill(&self.t(key), values)
    }

    pub fn lang(&self) -> &str {
        self.language
    }

    /// The reader's account id, or 0 when nobody is signed in.
    pub fn user_id(&self) -> i64 {
        self.user.as_ref().map_or(0, |u| u.account_id)
    }

    pub fn signed_in(&self) -> bool {
        self.user.is_some()
    }

    /// Puts the number of open concerns the reader's organisations hold
    /// in the staff menu's "Concerns" link. A failed count leaves the link
    /// as it is: the menu never fails a page.
    async fn count_open_concerns(&mut self, state: &AppState) {
        let Some(user) = &self.user else {
            return;
        };
        if !crate::people::PEOPLE.admits(Some(user)) {
            return;
        }
        let actor = crate::checkins::actor(user, "");
        match crate::checkins::workflow::open_count(&state.db, &actor).await {
            Ok(0) => {}
            Ok(count) => {
                let label = self.t1("nav.concerns_count", &count.to_string());
                if let Some(item) = self.nav.iter_mut().find(|i| i.href == "/concerns") {
                    item.label = label;
                }
            }
            Err(error) => tracing::warn!(error = %error, "could not count open concerns"),
        }
    }
}

impl FromRequestParts<AppState> for Shell {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user = parts.extensions.get::<CurrentUser>().cloned();
        let csrf = parts.extensions.get::<CsrfToken>();
        let mut shell = Shell::new(state, user, csrf, parts.uri.path());
        shell.count_open_concerns(state).await;
        Ok(shell)
    }
}
