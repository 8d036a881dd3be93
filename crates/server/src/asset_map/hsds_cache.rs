//! Answers of the public HSDS API kept in memory until the directory
//! changes.
//!
//! The directory is read far more often than it is written: a council's
//! site, an app and a link worker's screen ask the same questions all day,
//! while listings change a few times an hour. So a `GET` under `/api/hsds/`
//! is answered once from the database and then from memory, for as long as
//! the directory's *generation* stays the same.
//!
//! The generation lives in the database (`directory_version`), moved by
//! triggers on every table the API shows, so no write path can forget it,
//! however it writes: pages, `/api/v1`, an import run by another process.
//! This server learns of a change
//!
//! - at once when the change came through one of its own requests (any
//!   request that is not a `GET` or `HEAD` reads the generation again when
//!   it has been answered), and
//! - within [`RECHECK_AFTER`] otherwise (another instance on the same
//!   `PostgreSQL`, or the `coprod` command): the first API request after
//!   that long reads it again before answering.
//!
//! Answers also carry an `ETag` (a digest of the body) so that clients and
//! shared caches can revalidate with `If-None-Match` and get `304` without
//! the body; `Cache-Control: public, no-cache` lets them keep it but makes
//! them ask each time, so nobody sees a stale directory for long.

use std::{
    sync::{
        Arc,
        atomic::{AtomicI64, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use quick_cache::{Weighter, sync::Cache};
use sha2::{Digest, Sha256};

use crate::{app::AppState, db::Db};

/// How long a generation read from the database is trusted when nothing
/// here has written.
pub const RECHECK_AFTER: Duration = Duration::from_secs(1);

/// Answers larger than this are not kept: a few such pages would push out
/// hundreds of ordinary ones.
const LARGEST_KEPT_BYTES: usize = 1024 * 1024;

/// The path of the API whose answers are kept.
const HSDS_PREFIX: &str = "/api/hsds/";

/// One kept answer.
struct Kept {
    /// The directory generation it was computed at.
    generation: i64,
    headers: HeaderMap,
    etag: HeaderValue,
    body: Bytes,
}

#[derive(Clone)]
struct BodySize;

impl Weighter<String, Arc<Kept>> for BodySize {
    fn weight(&self, key: &String, kept: &Arc<Kept>) -> u64 {
        (key.len() + kept.body.len()) as u64
    }
}

/// The kept answers and the generation they are checked against.
pub struct HsdsCache {
    /// False when the operator set no memory for it: every answer is
    /// computed afresh.
    enabled: bool,
    generation: AtomicI64,
    /// When the generation was last read, in milliseconds after `started`.
    read_at_millis: AtomicU64,
    started: Instant,
    answers: Cache<String, Arc<Kept>, BodySize>,
}

impl std::fmt::Debug for HsdsCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HsdsCache")
            .field("generation", &self.generation.load(Ordering::Relaxed))
            .field("answers", &self.answers.len())
            .finish_non_exhaustive()
    }
}

impl HsdsCache {
    /// An empty cache holding up to `capacity_bytes` of answers (0 keeps
    /// none). It knows no generation yet: nothing is served from memory
    /// until the generation has been read once.
    ///
    /// At national scale a page of 50 services is about 60 KB, so the
    /// default 32 MB holds some five hundred pages.
    pub fn new(capacity_bytes: u64) -> Self {
        Self {
            enabled: capacity_bytes > 0,
            generation: AtomicI64::new(UNKNOWN),
            read_at_millis: AtomicU64::new(0),
            started: Instant::now(),
            answers: Cache::with_weighter(1024, capacity_bytes.max(1), BodySize),
        }
    }

    /// Reads the directory's generation from the database. A failure leaves
    /// the cache unusable (every answer is computed afresh) until a read
    /// succeeds, rather than trusting answers that may be stale.
    pub async fn refresh(&self, db: &Db) {
        let generation = match super::store::directory_generation(db).await {
            Ok(generation) => generation,
            Err(error) => {
                tracing::warn!(%error, "could not read the directory generation");
                UNKNOWN
            }
        };
        self.generation.store(generation, Ordering::Release);
    }

    /// The generation to check answers against: the one last read, unless
    /// that is unknown or older than [`RECHECK_AFTER`], when one request
    /// reads it again (the others go on with the one they have).
    async fn trusted_generation(&self, db: &Db) -> i64 {
        let now = self.millis_since_start();
        let read_at = self.read_at_millis.load(Ordering::Acquire);
        let stale = now.saturating_sub(read_at) >= millis(RECHECK_AFTER);
        let unknown = self.current() == UNKNOWN;
        if (stale || unknown)
            && self
                .read_at_millis
                .compare_exchange(read_at, now, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
        {
            self.refresh(db).await;
        }
        self.current()
    }

    fn millis_since_start(&self) -> u64 {
        millis(self.started.elapsed())
    }

    /// How many answers are kept (for tests and metrics).
    pub fn len(&self) -> usize {
        self.answers.len()
    }

    /// True when no answer is kept.
    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }

    fn current(&self) -> i64 {
        self.generation.load(Ordering::Acquire)
    }
}

/// The generation before it has been read: never matches a kept answer.
const UNKNOWN: i64 = i64::MIN;

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The middleware: answers HSDS `GET`s from memory when it can, keeps fresh
/// ones, and reads the generation again after anything that may write.
pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let cache = &state.hsds_cache;
    let method = request.method().clone();
    if method != Method::GET {
        let response = next.run(request).await;
        if method != Method::HEAD {
            cache.refresh(&state.db).await;
        }
        return response;
    }
    let path = request.uri().path();
    if !cache.enabled || !path.starts_with(HSDS_PREFIX) {
        return next.run(request).await;
    }
    let key = request
        .uri()
        .path_and_query()
        .map_or_else(|| path.to_owned(), |p| p.as_str().to_owned());
    let generation = cache.trusted_generation(&state.db).await;
    if generation != UNKNOWN
        && let Some(kept) = cache.answers.get(&key)
        && kept.generation == generation
    {
        return answer(&kept, request.headers());
    }
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let response = next.run(request).await;
    if response.status() != StatusCode::OK || generation == UNKNOWN {
        return response;
    }
    let (parts, body) = response.into_parts();
    // The handlers build their JSON in memory, so collecting it costs a copy
    // at most; a body that cannot be read is a broken answer anyway.
    let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let kept = Arc::new(Kept {
        generation,
        etag: etag_of(&body),
        headers: parts.headers,
        body,
    });
    if kept.body.len() <= LARGEST_KEPT_BYTES {
        cache.answers.insert(key, Arc::clone(&kept));
    }
    let mut request_headers = HeaderMap::new();
    if let Some(value) = if_none_match {
        request_headers.insert(header::IF_NONE_MATCH, value);
    }
    answer(&kept, &request_headers)
}

/// A strong validator: the body's SHA-256, shortened. Two answers with the
/// same tag have the same bytes, whatever generation made them.
fn etag_of(body: &[u8]) -> HeaderValue {
    let digest = Sha256::digest(body);
    let tag = format!("\"{}\"", hex::encode(&digest[..16]));
    HeaderValue::from_str(&tag).unwrap_or_else(|_| HeaderValue::from_static("\"\""))
}

/// The kept answer, or `304 Not Modified` when the client already holds it.
fn answer(kept: &Kept, request_headers: &HeaderMap) -> Response {
    let client_has_it = request_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| {
            let ours = kept.etag.to_str().unwrap_or_default();
            tags.split(',')
                .map(|tag| tag.trim().trim_start_matches("W/"))
                .any(|tag| tag == ours || tag == "*")
        });
    let mut response = if client_has_it {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = Response::new(Body::from(kept.body.clone()));
        *response.headers_mut() = kept.headers.clone();
        response
    };
    let headers = response.headers_mut();
    headers.insert(header::ETAG, kept.etag.clone());
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, no-cache"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_follows_the_bytes() {
        assert_eq!(etag_of(b"{\"a\":1}"), etag_of(b"{\"a\":1}"));
        assert_ne!(etag_of(b"{\"a\":1}"), etag_of(b"{\"a\":2}"));
        let tag = etag_of(b"x");
        let tag = tag.to_str().unwrap();
        assert!(tag.starts_with('"') && tag.ends_with('"') && tag.len() == 34);
    }

    #[test]
    fn a_matching_if_none_match_gets_not_modified() {
        let kept = Kept {
            generation: 1,
            headers: HeaderMap::new(),
            etag: etag_of(b"body"),
            body: Bytes::from_static(b"body"),
        };
        let mut asking = HeaderMap::new();
        let listed = format!("\"other\", W/{}", kept.etag.to_str().unwrap());
        asking.insert(header::IF_NONE_MATCH, listed.parse().unwrap());
        assert_eq!(answer(&kept, &asking).status(), StatusCode::NOT_MODIFIED);
        asking.insert(header::IF_NONE_MATCH, "\"other\"".parse().unwrap());
        assert_eq!(answer(&kept, &asking).status(), StatusCode::OK);
        assert_eq!(answer(&kept, &HeaderMap::new()).status(), StatusCode::OK);
    }
}
