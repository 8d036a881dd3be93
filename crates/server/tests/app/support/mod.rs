//! A test harness: a fresh database of either backend, the whole router
//! driven in-process, a client that keeps cookies, helpers per role, and a
//! local SMTP sink that captures mail.

pub mod budgeting;
/// Builders for co-delivery tests.
pub mod coordination;
/// Services that receive referrals, and referrals made between organisations.
pub mod referrals;
pub mod smtp;

use std::net::{IpAddr, SocketAddr};

use axum::{
    Router,
    body::Body,
    extract::ConnectInfo,
    http::{HeaderMap, Method, Request, StatusCode, header},
};
use coprod_server::{
    AppState, Settings,
    accounts::{password, store},
    coprod_engine::people::{EmailAddress, LineOfText, NewPassword, Role},
    db::{Backend, testing::TestDb},
};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// Generates one test per backend from an async fn taking a `Backend`.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(coprod_server::db::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(coprod_server::db::Backend::Postgres).await;
                }
            )*
        }
    };
}

pub const PASSWORD: &str = "a tidy long password";

pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    pub test_db: TestDb,
}

impl TestApp {
    pub async fn new(backend: Backend) -> Self {
        Self::with_settings(backend, |_| {}).await
    }

    pub async fn with_settings(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> Self {
        let test_db = TestDb::new(backend).await.expect("test database");
        let mut settings = Settings {
            data_dir: test_db.data_dir(),
            partnership_name: "Test Partnership".into(),
            ..Settings::default()
        };
        adjust(&mut settings);
        let state = AppState::with_db(settings, test_db.db.clone()).expect("state");
        let router = coprod_server::router(state.clone());
        Self {
            state,
            router,
            test_db,
        }
    }

    /// A client with no cookies yet.
    pub fn client(&self) -> Client {
        Client::new(self.router.clone())
    }

    /// Creates an account holding `role` (partnership-wide) and returns its id.
    pub async fn person(&self, email: &str, role: Role) -> i64 {
        let hash = password::hash(NewPassword::parse(PASSWORD).unwrap())
            .await
            .unwrap();
        let id = store::create(
            &self.state.db,
            &EmailAddress::parse(email).unwrap(),
            &LineOfText::parse(&format!("Person {role}")).unwrap(),
            &hash,
        )
        .await
        .unwrap();
        store::grant(&self.state.db, id, None, role).await.unwrap();
        id
    }

    /// A signed-in client for a new person holding `role`.
    pub async fn as_role(&self, role: Role) -> Client {
        let email = format!("{}@test.example", role.as_str());
        self.person(&email, role).await;
        let mut client = self.client();
        let response = client.sign_in(&email, PASSWORD).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
        client
    }

    /// A signed-in client for a new person holding `role` for one
    /// organisation only.
    pub async fn as_role_in(&self, role: Role, organisation: i64) -> Client {
        let email = format!("{}.{organisation}@test.example", role.as_str());
        let hash = password::hash(NewPassword::parse(PASSWORD).unwrap())
            .await
            .unwrap();
        let id = store::create(
            &self.state.db,
            &EmailAddress::parse(&email).unwrap(),
            &LineOfText::parse(&format!("Person {role} of {organisation}")).unwrap(),
            &hash,
        )
        .await
        .unwrap();
        store::grant(&self.state.db, id, Some(organisation), role)
            .await
            .unwrap();
        let mut client = self.client();
        let response = client.sign_in(&email, PASSWORD).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
        client
    }

    pub async fn count(&self, table: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(self.state.db.pool())
            .await
            .unwrap();
        n
    }
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// Drives the router like a browser: keeps cookies, fills in the CSRF token.
#[derive(Clone)]
pub struct Client {
    router: Router,
    pub cookies: Vec<(String, String)>,
    /// The address requests come from, as a real connection carries it;
    /// none (the server sees "unknown") unless [`Client::at_address`].
    peer: Option<SocketAddr>,
}

impl Client {
    /// A client of any router, for a second instance on the same database.
    pub fn new(router: Router) -> Self {
        Self {
            router,
            cookies: Vec::new(),
            peer: None,
        }
    }

    /// The same client, its requests coming from `ip`, for limits per client.
    #[must_use]
    pub fn at_address(mut self, ip: &str) -> Self {
        let ip: IpAddr = ip.parse().unwrap();
        self.peer = Some(SocketAddr::new(ip, 40_000));
        self
    }

    pub async fn send(&mut self, mut request: Request<Body>) -> Reply {
        if let Some(peer) = self.peer {
            request.extensions_mut().insert(ConnectInfo(peer));
        }
        let response = self.router.clone().oneshot(request).await.unwrap();
        for value in response.headers().get_all(header::SET_COOKIE) {
            let text = value.to_str().unwrap();
            let (pair, attributes) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != name);
            if !attributes.contains("Max-Age=0") {
                self.cookies.push((name.to_owned(), value.to_owned()));
            }
        }
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        let request = Request::builder()
            .uri(path)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .unwrap();
        self.send(request).await
    }

    /// Posts raw bytes as a form, exactly as given.
    pub async fn post_raw(&mut self, path: &str, body: Vec<u8>) -> Reply {
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    /// Posts a form with this client's CSRF token, fetching one first if needed.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        if self.cookie("coprod_csrf").is_none() {
            self.get("/").await;
        }
        let token = self.cookie("coprod_csrf").unwrap();
        let mut body = format!("csrf_token={token}");
        for (name, value) in fields {
            body.push('&');
            body.push_str(&encode(name));
            body.push('=');
            body.push_str(&encode(value));
        }
        self.post_raw(path, body.into_bytes()).await
    }

    pub async fn sign_in(&mut self, email: &str, password: &str) -> Reply {
        self.post("/sign-in", &[("email", email), ("password", password)])
            .await
    }

    /// Sends a JSON body with a bearer token; the answer's status and JSON
    /// (`null` when it is not JSON).
    pub async fn api_call(
        &mut self,
        method: Method,
        path: &str,
        token: &str,
        body: &str,
    ) -> (StatusCode, serde_json::Value) {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_owned()))
            .unwrap();
        let reply = self.send(request).await;
        let value = serde_json::from_str(&reply.body).unwrap_or(serde_json::Value::Null);
        (reply.status, value)
    }

    pub async fn api_get(&mut self, path: &str, token: Option<&str>) -> Reply {
        let mut request = Request::builder().uri(path);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }
}

pub fn encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}
