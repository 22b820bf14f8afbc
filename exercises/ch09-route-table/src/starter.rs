//! Exercise ch09-route-table
//!
//! A route table in miniature, like webcore's `Router`. `table()` lists the routes;
//! `dispatch` picks the answer for a method and a path:
//!
//! - a route whose path and method match: 200 and the route's body;
//! - HEAD counts as allowed wherever GET is;
//! - the path exists, but not with this method: 405, with an `Allow` value listing every
//!   method that path takes (in table order, HEAD right after GET), e.g. `GET, HEAD, POST`;
//! - no route has the path: 404, no `Allow`.
//!
//! Also add a route to the table: `POST /echo` answering `echo`.
//!
//! `Route` (one line of the table) and `Answer` (status, `Allow` and body) are defined
//! in `src/given.rs`.
//!
//! Judge your attempt with `cargo run -p ch09-route-table`.

use crate::given::{Answer, Route};

/// The site's routes.
pub fn table() -> Vec<Route> {
    vec![
        Route {
            methods: &["GET"],
            path: "/hello",
            body: "hello",
        },
        Route {
            methods: &["GET", "POST"],
            path: "/form",
            body: "form",
        },
        Route {
            methods: &["GET"],
            path: "/echo",
            body: "echo",
        },
        // TODO: add the route `POST /echo` (answering "echo").
    ]
}

/// The answer to `method path`.
pub fn dispatch(table: &[Route], method: &str, path: &str) -> Answer {
    for route in table {
        // TODO: HEAD is allowed wherever GET is.
        if route.path == path && route.methods.contains(&method) {
            return Answer {
                status: 200,
                allow: None,
                body: route.body.to_string(),
            };
        }
    }
    // TODO: when some route has this path (with other methods), answer 405 with
    // `allow: Some("GET, HEAD, …")` instead.
    Answer {
        status: 404,
        allow: None,
        body: "not found".to_string(),
    }
}
