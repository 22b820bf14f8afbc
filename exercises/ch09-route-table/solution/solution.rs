//! Reference solution for ch09-route-table.

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
        Route {
            methods: &["POST"],
            path: "/echo",
            body: "echo",
        },
    ]
}

/// Whether `method` is in `methods`, counting HEAD wherever GET is.
fn allows(methods: &[&str], method: &str) -> bool {
    methods.contains(&method) || (method == "HEAD" && methods.contains(&"GET"))
}

/// The answer to `method path`.
pub fn dispatch(table: &[Route], method: &str, path: &str) -> Answer {
    let same_path: Vec<&Route> = table.iter().filter(|route| route.path == path).collect();
    if let Some(route) = same_path.iter().find(|route| allows(route.methods, method)) {
        return Answer {
            status: 200,
            allow: None,
            body: route.body.to_string(),
        };
    }
    if same_path.is_empty() {
        return Answer {
            status: 404,
            allow: None,
            body: "not found".to_string(),
        };
    }
    // Every method of every route with this path, once each, HEAD right after GET.
    let mut allowed: Vec<&str> = Vec::new();
    for method in same_path.iter().flat_map(|route| route.methods.iter()) {
        if !allowed.contains(method) {
            allowed.push(method);
        }
        if *method == "GET" && !allowed.contains(&"HEAD") {
            allowed.push("HEAD");
        }
    }
    Answer {
        status: 405,
        allow: Some(allowed.join(", ")),
        body: "method not allowed".to_string(),
    }
}
