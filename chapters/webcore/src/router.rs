//! The route table: which code answers which method and path.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::files;
use crate::log;
use crate::pages;
use crate::request::Request;
use crate::response::{Response, Status};
use crate::slow;

// ANCHOR: plan_enum
/// What answering a request takes. Most routes answer at once; slow routes *describe*
/// their slow part, so a blocking server can block on it while an event loop sets a
/// timer or hands the work to another thread instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Here is the answer.
    Respond(Response),
    /// Wait this long (a slow database query), then answer with `slow::sleep_done`.
    Sleep(Duration),
    /// Keep a CPU busy this long, then answer: `slow::burn_cpu` does both.
    Compute(Duration),
    /// Answer now, and do some work this long afterwards (seed 002's
    /// `call_later(5, read)`): the client has its answer and never waits for the work.
    /// The server keeps a [`Deferred`] for it and runs it when the time comes.
    RespondThen(Response, Duration),
}
// ANCHOR_END: plan_enum

// ANCHOR: deferred
/// Work a [`Plan::RespondThen`] put off, until it runs. The work here is one log line
/// (the seed logged the lines of a file); what matters is *when* it runs, and that it
/// is not lost without a word: dropped unrun (an event loop or a runtime that stopped
/// first drops what it holds), it says so in the log, so the log counts what a
/// shutdown dropped.
#[derive(Debug)]
pub struct Deferred {
    after: Duration,
    done: bool,
}

impl Deferred {
    pub fn new(after: Duration) -> Deferred {
        Deferred { after, done: false }
    }

    pub fn run(mut self) {
        let ms = self.after.as_millis();
        log::line(format_args!("deferred work done, {ms} ms after its answer"));
        self.done = true;
    }
}

impl Drop for Deferred {
    fn drop(&mut self) {
        if !self.done {
            let ms = self.after.as_millis();
            log::line(format_args!(
                "deferred work dropped: the server stopped before its {ms} ms were up"
            ));
            // A loop that buffers its log (chapter 16) may drop us after its last turn.
            log::flush();
        }
    }
}

/// `GET /later?ms=N`: answers at once, and N ms later (at most `slow::MAX_SLEEP`)
/// logs `deferred work done`.
pub fn later_plan(request: &Request) -> Plan {
    match slow::parse_ms(request.query.as_deref(), slow::MAX_SLEEP) {
        Ok(after) => {
            let ms = after.as_millis();
            let text = format!("answered; the deferred work runs in {ms} ms\n");
            Plan::RespondThen(Response::text(Status::OK, &text), after)
        }
        Err(why) => Plan::Respond(Response::text(Status::BAD_REQUEST, &format!("{why}\n"))),
    }
}

/// Where no loop can come back later (a blocking server, chapter 15's loop without
/// timers), the work gets a thread of its own that sleeps, then runs it. A process
/// that exits meanwhile takes such threads with it, unlogged.
pub fn defer_on_thread(after: Duration) {
    let work = Deferred::new(after);
    let spawned = std::thread::Builder::new()
        .name("deferred work".into())
        .spawn(move || {
            std::thread::sleep(after);
            work.run();
        });
    if let Err(e) = spawned {
        // The work went with the closure, and its drop logged it.
        log::line(format_args!("no thread for deferred work: {e}"));
    }
}
// ANCHOR_END: deferred

/// A route's code. `Send + Sync` so one router serves many threads (chapters 13, 14).
type Handler = Arc<dyn Fn(&Request) -> Plan + Send + Sync>;

// ANCHOR: route_table
/// One line of the table.
#[derive(Clone)]
struct Route {
    methods: Vec<&'static str>,
    path: &'static str,
    handler: Handler,
}

/// Routes, looked up by exact path, and what to do when none matches.
#[derive(Clone, Default)]
pub struct Router {
    routes: Vec<Route>,
    /// Serve files from here when no route matches; without it, 404.
    static_root: Option<PathBuf>,
    /// How to serve them: `files::serve_file` (read from disk every time) unless a
    /// chapter brings its own (chapter 18's cache).
    file_server: Option<FileServer>,
}

/// Answers a GET or HEAD for a file under the root (the first argument).
type FileServer = Arc<dyn Fn(&Path, &Request) -> Response + Send + Sync>;
// ANCHOR_END: route_table

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let routes: Vec<_> = self.routes.iter().map(|r| (&r.methods, r.path)).collect();
        f.debug_struct("Router")
            .field("routes", &routes)
            .field("static_root", &self.static_root)
            .finish()
    }
}

impl Router {
    /// An empty table: every request gets 404.
    pub fn new() -> Router {
        Router::default()
    }

    // ANCHOR: site
    /// The contract's site: the dynamic pages of chapter 08, and static files from
    /// `root` for every other path.
    pub fn site(root: impl Into<PathBuf>) -> Router {
        Router::new()
            .route(&["GET"], "/now", |_| pages::now())
            .route(&["GET"], "/headers", pages::headers)
            .route(&["GET", "POST"], "/parameters", pages::parameters)
            .static_files(root)
    }

    /// Adds chapter 11's slow routes: `/sleep?ms=N` and `/cpu?ms=N`, and seed 002's
    /// `/later?ms=N`. Measures the machine's speed for `/cpu` now, at start-up, so no
    /// request pays for it.
    pub fn with_slow_routes(self) -> Router {
        slow::calibrate();
        self.plan_route(&["GET"], "/sleep", slow::sleep_plan)
            .plan_route(&["GET"], "/cpu", slow::cpu_plan)
            .plan_route(&["GET"], "/later", later_plan)
    }
    // ANCHOR_END: site

    /// Adds a route answered at once by `handler`. `GET` routes answer `HEAD` too.
    pub fn route(
        self,
        methods: &[&'static str],
        path: &'static str,
        handler: impl Fn(&Request) -> Response + Send + Sync + 'static,
    ) -> Router {
        self.plan_route(methods, path, move |request| {
            Plan::Respond(handler(request))
        })
    }

    /// Adds a route whose handler returns a [`Plan`] (for slow work).
    pub fn plan_route(
        mut self,
        methods: &[&'static str],
        path: &'static str,
        handler: impl Fn(&Request) -> Plan + Send + Sync + 'static,
    ) -> Router {
        self.routes.push(Route {
            methods: methods.to_vec(),
            path,
            handler: Arc::new(handler),
        });
        self
    }

    /// Serves files under `root` for GET and HEAD requests no route matches. A `root`
    /// that is a file is a mistake on the command line: one line says so, and the
    /// process exits with status 1 before it listens.
    pub fn static_files(mut self, root: impl Into<PathBuf>) -> Router {
        // Canonical once, here at start-up, rather than on every request: `resolve`
        // compares each file's real path against it.
        let root = crate::cli::site_root(&root.into()).unwrap_or_else(|why| {
            eprintln!("error: {why}");
            std::process::exit(1);
        });
        self.static_root = Some(root);
        self
    }

    /// Serves the static files with `serve` instead of reading each from disk per
    /// request (chapter 18 caches them).
    pub fn file_server(
        mut self,
        serve: impl Fn(&Path, &Request) -> Response + Send + Sync + 'static,
    ) -> Router {
        self.file_server = Some(Arc::new(serve));
        self
    }

    // ANCHOR: plan
    /// Decides how to answer `request`, without doing any slow work.
    pub fn plan(&self, request: &Request) -> Plan {
        let matching: Vec<&Route> = self
            .routes
            .iter()
            .filter(|route| route.path == request.path)
            .collect();
        if let Some(route) = matching
            .iter()
            .find(|route| allows(&route.methods, &request.method))
        {
            return (route.handler)(request);
        }
        if !matching.is_empty() {
            // The path exists, the method does not: say which methods would work.
            let methods = matching
                .iter()
                .flat_map(|route| route.methods.iter().copied());
            return Plan::Respond(method_not_allowed(methods));
        }
        match &self.static_root {
            Some(root) if allows(&["GET"], &request.method) => match &self.file_server {
                Some(serve) => Plan::Respond(serve(root, request)),
                None => Plan::Respond(files::serve_file(root, request)),
            },
            Some(_) => Plan::Respond(method_not_allowed(["GET"].into_iter())),
            None => Plan::Respond(Response::text(Status::NOT_FOUND, "no such route\n")),
        }
    }
    // ANCHOR_END: plan

    // ANCHOR: handle
    /// Answers `request`, blocking the calling thread for any slow work. Blocking
    /// servers call this; event loops call [`Router::plan`] instead.
    pub fn handle(&self, request: &Request) -> Response {
        match self.plan(request) {
            Plan::Respond(response) => response,
            Plan::Sleep(duration) => {
                std::thread::sleep(duration);
                slow::sleep_done(duration)
            }
            Plan::Compute(duration) => slow::burn_cpu(duration),
            Plan::RespondThen(response, after) => {
                defer_on_thread(after);
                response
            }
        }
    }
    // ANCHOR_END: handle

    // ANCHOR: plan_or_500
    /// [`Router::plan`], with a handler's panic turned into a 500 for this request
    /// alone, logged with the client's address. A thread per connection loses only that
    /// thread to an uncaught panic; an event loop would lose its only thread, and every
    /// connection with it. `AssertUnwindSafe`: the router is only read, never left
    /// half-changed.
    pub fn plan_or_500(&self, request: &Request, peer: &str) -> Plan {
        match panic::catch_unwind(AssertUnwindSafe(|| self.plan(request))) {
            Ok(plan) => plan,
            Err(payload) => Plan::Respond(handler_panicked(request, peer, &*payload)),
        }
    }
    // ANCHOR_END: plan_or_500
}

/// Whether `method` is in `methods`, counting HEAD as allowed wherever GET is.
fn allows(methods: &[&str], method: &str) -> bool {
    methods.contains(&method) || (method == "HEAD" && methods.contains(&"GET"))
}

/// 405, with `Allow` listing every method the path takes (and HEAD where GET is).
fn method_not_allowed<'a>(methods: impl Iterator<Item = &'a str>) -> Response {
    let mut allowed: Vec<&str> = Vec::new();
    for method in methods {
        if !allowed.contains(&method) {
            allowed.push(method);
        }
        if method == "GET" && !allowed.contains(&"HEAD") {
            allowed.push("HEAD");
        }
    }
    let allow = allowed.join(", ");
    Response::text(
        Status::METHOD_NOT_ALLOWED,
        &format!("this path only answers {allow}\n"),
    )
    .header("Allow", &allow)
}

/// The 500 a client gets when its handler panicked, after a log line that says where.
pub fn handler_panicked(request: &Request, peer: &str, payload: &(dyn Any + Send)) -> Response {
    log::event(
        peer,
        &format!(
            "handler panicked on {} {}: {}",
            request.method,
            request.target,
            panic_message(payload)
        ),
    );
    Response::text(Status::INTERNAL_SERVER_ERROR, "the server hit a bug\n")
}

/// The message a panic was raised with (`panic!("…")` carries a `&str` or a `String`).
pub fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text
    } else {
        "(no message)"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Parsed, parse_request};

    fn request(raw: &str) -> Request {
        match parse_request(raw.as_bytes(), &Default::default()) {
            Ok(Parsed::Complete { request, .. }) => request,
            other => panic!("{raw:?} gave {other:?}"),
        }
    }

    fn static_root() -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../static"))
    }

    #[test]
    fn routes_by_method_and_path() {
        let router = Router::site(static_root());
        let now = router.handle(&request("GET /now HTTP/1.1\r\n\r\n"));
        assert_eq!(now.status, Status::OK);
        let head = router.handle(&request("HEAD /now HTTP/1.1\r\n\r\n"));
        assert_eq!(head.status, Status::OK);
        let index = router.handle(&request("GET / HTTP/1.1\r\n\r\n"));
        assert_eq!(index.status, Status::OK);
        assert_eq!(
            index.header_value("Content-Type"),
            Some("text/html; charset=utf-8")
        );
        let missing = router.handle(&request("GET /no/such/page HTTP/1.1\r\n\r\n"));
        assert_eq!(missing.status, Status::NOT_FOUND);
    }

    #[test]
    fn a_known_path_with_the_wrong_method_is_405_with_allow() {
        let router = Router::site(static_root());
        let response = router.handle(&request("DELETE /parameters HTTP/1.1\r\n\r\n"));
        assert_eq!(response.status, Status::METHOD_NOT_ALLOWED);
        assert_eq!(response.header_value("Allow"), Some("GET, HEAD, POST"));
        let response = router.handle(&request("POST /now HTTP/1.1\r\n\r\n"));
        assert_eq!(response.header_value("Allow"), Some("GET, HEAD"));
        let response = router.handle(&request("PUT /index.html HTTP/1.1\r\n\r\n"));
        assert_eq!(response.status, Status::METHOD_NOT_ALLOWED);
        assert_eq!(response.header_value("Allow"), Some("GET, HEAD"));
    }

    #[test]
    fn slow_routes_are_planned_not_run() {
        let router = Router::site(static_root()).with_slow_routes();
        assert_eq!(
            router.plan(&request("GET /sleep?ms=250 HTTP/1.1\r\n\r\n")),
            Plan::Sleep(Duration::from_millis(250))
        );
        assert_eq!(
            router.plan(&request("GET /cpu?ms=20 HTTP/1.1\r\n\r\n")),
            Plan::Compute(Duration::from_millis(20))
        );
        let later = router.plan(&request("GET /later?ms=5000 HTTP/1.1\r\n\r\n"));
        assert!(
            matches!(&later, Plan::RespondThen(r, after)
                if r.status == Status::OK && *after == Duration::from_millis(5000)),
            "{later:?}"
        );
        let site = Router::site(static_root());
        let response = site.handle(&request("GET /sleep?ms=250 HTTP/1.1\r\n\r\n"));
        assert_eq!(
            response.status,
            Status::NOT_FOUND,
            "not part of the plain site"
        );
    }

    #[test]
    fn custom_routes_and_no_fallback() {
        let router = Router::new().route(&["POST"], "/echo", |request| {
            Response::new(Status::OK).body("application/octet-stream", request.body.clone())
        });
        let response = router.handle(&request(
            "POST /echo HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi",
        ));
        assert_eq!(response.body, b"hi");
        let response = router.handle(&request("GET /echo HTTP/1.1\r\n\r\n"));
        assert_eq!(response.header_value("Allow"), Some("POST"));
        let response = router.handle(&request("GET /other HTTP/1.1\r\n\r\n"));
        assert_eq!(response.status, Status::NOT_FOUND);
    }
}
