//! A real browser against chapter 13: headless Chromium loads the site's pages, and
//! every stylesheet, script and image they reference arrives with 200. Browsers open
//! several connections at once (and idle "preconnect" ones), which is exactly what a
//! one-connection-at-a-time server handles badly.
//!
//! Needs `/usr/bin/chromium` (Debian: `apt-get install -y chromium`). Without it the
//! test is skipped with a note, except in CI (`CI` set), where it fails.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use testkit::Server;

const CHROMIUM: &str = "/usr/bin/chromium";
/// Chromium starts slowly on a busy machine; a page that takes longer is a failure.
const PAGE_TIMEOUT: Duration = Duration::from_secs(30);

/// Loads `url` in headless Chromium and returns the page's DOM after the load event
/// (which waits for stylesheets, scripts and images).
fn dump_dom(url: &str) -> Result<String, String> {
    let profile = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(["--dump-dom", url])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("could not start {CHROMIUM}: {e}"))?;
    let started = Instant::now();
    // Bounded: poll for exit, kill after PAGE_TIMEOUT. The DOM of our pages is far
    // smaller than a pipe buffer, so Chromium never blocks writing it meanwhile.
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if started.elapsed() > PAGE_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "chromium did not finish {url} within {PAGE_TIMEOUT:?}"
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(e.to_string()),
        }
    }
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn chromium_loads_every_page_and_everything_they_reference() {
    if !Path::new(CHROMIUM).is_file() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{CHROMIUM} is missing; .ci/run installs it (apt-get install -y chromium)"
        );
        eprintln!("note: skipped: no {CHROMIUM} (apt-get install -y chromium)");
        return;
    }
    let server = Server::start(env!("CARGO_BIN_EXE_chapter13"), &[]);
    for (path, text) in [
        ("/", "It works!"),
        ("/about/", "About this folder"),
        ("/form.html", "Send the server something"),
    ] {
        let dom =
            dump_dom(&server.url(path)).unwrap_or_else(|e| panic!("{e}\n{}", server.output()));
        assert!(
            dom.contains(text),
            "{path}: no {text:?} in the DOM:\n{dom}\n{}",
            server.output()
        );
        assert!(dom.contains("</html>"), "{path}: no page:\n{dom}");
    }
    // What static/index.html, about/index.html and form.html reference.
    for asset in [
        "/style.css",
        "/script.js",
        "/images/logo.svg",
        "/images/socket.png",
        "/about/",
        "/form.html",
    ] {
        let line = format!("\"GET {asset}\" 200 ");
        let seen = server.wait_for_output(Duration::from_secs(5), |out| out.contains(&line));
        assert!(
            seen,
            "no {line:?} in the server's log:\n{}",
            server.output()
        );
    }
}
