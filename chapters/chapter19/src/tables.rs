//! Markdown tables from the results, one file per table, each opening with the command
//! and the time that produced it. The book includes them whole (`*.md.txt`: not pages
//! of their own, so mdBook and the book check leave them to the page that includes them).

use std::fmt::Write as _;

use crate::results::{Latency, Measured, Results, Run};

/// Every table, as (file name, markdown).
pub fn all(results: &Results) -> Vec<(String, String)> {
    let mut tables = vec![("summary.md.txt".to_string(), summary(results))];
    for chapter in part_two(results) {
        tables.push((format!("{chapter}.md.txt"), progression(results, chapter)));
    }
    for (workload, table) in [
        ("close", close_or_keep_alive as fn(&Results, &str) -> String),
        ("keep-alive", close_or_keep_alive),
        ("head-of-line", head_of_line),
        ("c10k", c10k),
        ("cpu", cpu),
    ] {
        if results.has_workload(workload) {
            tables.push((format!("{workload}.md.txt"), table(results, workload)));
        }
    }
    tables.push(("ratios.md.txt".into(), ratios(results)));
    tables.push(("targets.md.txt".into(), targets(results)));
    tables
}

/// A markdown table: the header, the alignment row, the rows. `numbers` says which
/// columns hold numbers (`n`, aligned right) and which text (`t`, left).
fn table(header: &[&str], numbers: &str, rows: &[Vec<String>]) -> String {
    let mut out = format!("| {} |\n|", header.join(" | "));
    for (i, _) in header.iter().enumerate() {
        out.push_str(if numbers.as_bytes().get(i) == Some(&b'n') {
            "---:|"
        } else {
            "---|"
        });
    }
    out.push('\n');
    for row in rows {
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
    out
}

/// The provenance line, what the workload was, then the table.
fn page(results: &Results, workload: Option<&str>, body: &str) -> String {
    let mut out = results.provenance();
    if let Some(line) = workload.and_then(|w| describe(results, w)) {
        out.push(' ');
        out.push_str(&line);
    }
    out.push_str("\n\n");
    out.push_str(body);
    out
}

/// What a workload sent, from its recorded settings.
fn describe(results: &Results, workload: &str) -> Option<String> {
    let s = results.settings(workload)?;
    let get = |key: &str| s.get(key).and_then(serde_json::Value::as_u64).unwrap_or(0);
    let mut line = format!(
        "Workload: `chapter12 -n {} -c {}{}` against `{}`",
        get("requests"),
        get("concurrency"),
        if s.get("keep_alive").and_then(serde_json::Value::as_bool) == Some(true) {
            " -k"
        } else {
            ""
        },
        s.get("path")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("/"),
    );
    if let (Some(path), Some(share)) = (
        s.get("slow_path").and_then(serde_json::Value::as_str),
        s.get("slow_share").and_then(serde_json::Value::as_f64),
    ) {
        let _ = write!(line, ", {:.0} % of them to `{path}`", share * 100.0);
    }
    if let Some(seconds) = s.get("seconds").and_then(serde_json::Value::as_f64) {
        let _ = write!(line, ", `-n` raised to last about {seconds:.0} s");
    }
    line.push_str(", on a fresh server process");
    match get("warm_up") {
        0 => line.push('.'),
        n => {
            let _ = write!(line, " after {n} warm-up requests.");
        }
    }
    Some(line)
}

fn ms(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    }
}

fn latency_cells(latency: Option<Latency>) -> [String; 3] {
    match latency {
        Some(l) => [ms(l.p50), ms(l.p99), ms(l.max)],
        None => ["–".into(), "–".into(), "–".into()],
    }
}

/// "0", or what went wrong: `503 ×12, reset ×3`.
fn problems(m: &Measured) -> String {
    let mut parts: Vec<String> = m
        .statuses
        .iter()
        .filter(|(status, _)| !status.starts_with('2'))
        .map(|(status, n)| format!("{status} ×{n}"))
        .collect();
    parts.extend(m.errors.iter().map(|(kind, n)| format!("{kind} ×{n}")));
    if let Some(status) = &m.exited {
        parts.push(format!("server exited: {status}"));
    }
    if parts.is_empty() {
        "0".into()
    } else {
        parts.join(", ")
    }
}

fn mib(kib: u64) -> String {
    format!("{:.1}", kib as f64 / 1024.0)
}

fn optional(value: Option<f64>, digits: usize) -> String {
    value.map_or("–".into(), |v| format!("{v:.digits$}"))
}

/// Why a row has no numbers: the reason, in the row's first numeric cell.
fn no_numbers(run: Option<&Run>) -> String {
    match run {
        Some(Run {
            skipped: Some(why), ..
        }) => format!("*{why}*"),
        Some(Run {
            error: Some(why), ..
        }) => format!("*failed: {}*", why.replace('|', "/")),
        _ => "*not measured*".into(),
    }
}

/// Rows for every server: `cells` for a measured run, the reason otherwise, padded to `width`.
fn rows(
    results: &Results,
    workload: &str,
    width: usize,
    cells: impl Fn(&Measured) -> Vec<String>,
) -> Vec<Vec<String>> {
    results
        .servers
        .iter()
        .map(|server| {
            let mut row = vec![server.name.clone(), server.model.clone()];
            match results.measured(workload, &server.name) {
                Some(m) => row.extend(cells(m)),
                None => row.push(no_numbers(results.run(workload, &server.name))),
            }
            row.resize(width, String::new());
            row
        })
        .collect()
}

fn close_or_keep_alive(results: &Results, workload: &str) -> String {
    let header = [
        "server",
        "model",
        "requests/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "not 2xx, errors",
        "connections",
        "server CPU µs/request",
        "requests per CPU-second",
        "peak RSS MiB",
        "peak threads",
    ];
    let rows = rows(results, workload, header.len(), |m| {
        let [p50, p99, max] = latency_cells(m.latency);
        vec![
            format!("{:.0}", m.requests_per_second),
            p50,
            p99,
            max,
            problems(m),
            m.connections.to_string(),
            optional(m.cpu_us_per_request(), 1),
            optional(m.per_cpu_second(), 0),
            mib(m.rss_peak_kib),
            m.threads_peak.to_string(),
        ]
    });
    page(
        results,
        Some(workload),
        &table(&header, "ttnnnntnnnnn", &rows),
    )
}

fn head_of_line(results: &Results, workload: &str) -> String {
    let header = [
        "server",
        "model",
        "fast p50 ms",
        "fast p99 ms",
        "fast max ms",
        "slow p50 ms",
        "requests/s",
        "not 2xx, errors",
        "server CPU µs/request",
        "peak threads",
    ];
    let rows = rows(results, workload, header.len(), |m| {
        let [p50, p99, max] = latency_cells(m.fast);
        vec![
            p50,
            p99,
            max,
            m.slow.map_or("–".into(), |l| ms(l.p50)),
            format!("{:.0}", m.requests_per_second),
            problems(m),
            optional(m.cpu_us_per_request(), 1),
            m.threads_peak.to_string(),
        ]
    });
    page(
        results,
        Some(workload),
        &table(&header, "ttnnnnntnn", &rows),
    )
}

fn c10k(results: &Results, workload: &str) -> String {
    let header = [
        "server",
        "model",
        "answered 2xx",
        "not 2xx, errors",
        "time s",
        "p99 ms",
        "listen queue overflows",
        "peak open connections",
        "KiB per connection",
        "peak threads",
        "peak RSS MiB",
    ];
    let rows = rows(results, workload, header.len(), |m| {
        vec![
            format!("{} of {}", m.ok(), m.requests),
            problems(m),
            format!("{:.1}", m.elapsed_s),
            m.latency.map_or("–".into(), |l| ms(l.p99)),
            m.listen_overflows.map_or("–".into(), |n| n.to_string()),
            m.fds_peak.saturating_sub(m.fds_before).to_string(),
            optional(m.kib_per_connection, 1),
            m.threads_peak.to_string(),
            mib(m.rss_peak_kib),
        ]
    });
    let note = "\n\"Listen queue overflows\": connections the kernel dropped because the server's \
                accept queue was full (`ListenOverflows` in `/proc/net/netstat`, for the whole \
                machine; each comes back as a SYN resent 1, 3, 7, 15 or 31 s later). \"Peak open \
                connections\": the most file descriptors the server held beyond its idle count, \
                read from `/proc` ten times a second. \"KiB per connection\": its resident memory \
                at that moment beyond its idle size, divided by them.\n";
    page(
        results,
        Some(workload),
        &(table(&header, "ttntnnnnnnn", &rows) + note),
    )
}

fn cpu(results: &Results, workload: &str) -> String {
    let header = [
        "server",
        "model",
        "requests/s",
        "cores used",
        "p50 ms",
        "p99 ms",
        "not 2xx, errors",
        "peak threads",
    ];
    let rows = rows(results, workload, header.len(), |m| {
        let [p50, p99, _] = latency_cells(m.latency);
        vec![
            format!("{:.0}", m.requests_per_second),
            format!("{:.2}", m.cores_used()),
            p50,
            p99,
            problems(m),
            m.threads_peak.to_string(),
        ]
    });
    page(results, Some(workload), &table(&header, "ttnnnntn", &rows))
}

/// A column of the headline tables: its title, the workload it reads, and what it shows
/// of the run there.
struct Column(&'static str, &'static str, fn(&Measured) -> String);

const REQUESTS_PER_S_1: Column = Column("1. req/s", "close", |m| {
    format!("{:.0}", m.requests_per_second)
});
const CPU_1: Column = Column("1. CPU µs/req", "close", |m| {
    optional(m.cpu_us_per_request(), 1)
});
const REQUESTS_PER_S_2: Column = Column("2. req/s", "keep-alive", |m| {
    format!("{:.0}", m.requests_per_second)
});
const CPU_2: Column = Column("2. CPU µs/req", "keep-alive", |m| {
    optional(m.cpu_us_per_request(), 1)
});
const FAST_P99_3: Column = Column("3. fast p99 ms", "head-of-line", |m| {
    m.fast.map_or("–".into(), |l| ms(l.p99))
});
const SLOW_P50_3: Column = Column("3. slow p50 ms", "head-of-line", |m| {
    m.slow.map_or("–".into(), |l| ms(l.p50))
});
const ANSWERED_4: Column = Column("4. answered", "c10k", |m| {
    format!("{} of {}", m.ok(), m.requests)
});
const THREADS_4: Column = Column("4. peak threads", "c10k", |m| m.threads_peak.to_string());
const KIB_4: Column = Column("4. KiB/conn", "c10k", |m| optional(m.kib_per_connection, 1));
const REQUESTS_PER_S_5: Column = Column("5. req/s", "cpu", |m| {
    format!("{:.0}", m.requests_per_second)
});
const CORES_5: Column = Column("5. cores used", "cpu", |m| format!("{:.2}", m.cores_used()));

/// A headline table: a row per server in `names` (`bold` in bold), a cell per column, a
/// dash where the workload does not apply or its run failed.
fn headline(results: &Results, names: &[&str], columns: &[Column], bold: Option<&str>) -> String {
    let mut header = vec!["server", "model"];
    header.extend(columns.iter().map(|c| c.0));
    let rows: Vec<Vec<String>> = names
        .iter()
        .map(|&name| {
            let model = results.server(name).map_or("", |s| s.model.as_str());
            let shown = if bold == Some(name) {
                format!("**{name}**")
            } else {
                name.to_string()
            };
            let mut row = vec![shown, model.to_string()];
            row.extend(columns.iter().map(|Column(_, workload, show)| {
                results
                    .measured(workload, name)
                    .map_or_else(|| "–".to_string(), show)
            }));
            row
        })
        .collect();
    let alignment = format!("tt{}", "n".repeat(columns.len()));
    table(&header, &alignment, &rows)
}

/// Headline figures: one row per server, one or two columns per workload.
fn summary(results: &Results) -> String {
    let names: Vec<&str> = results.servers.iter().map(|s| s.name.as_str()).collect();
    let columns = [
        REQUESTS_PER_S_1,
        CPU_1,
        REQUESTS_PER_S_2,
        CPU_2,
        FAST_P99_3,
        ANSWERED_4,
        KIB_4,
        REQUESTS_PER_S_5,
    ];
    let mut body = headline(results, &names, &columns, None);
    body.push_str("\n1: one request per connection, 100 at once; 2: keep-alive, 100 connections; 3: fast requests while slow `/sleep` requests are in flight; 4: ten thousand connections at once; 5: `/cpu` requests. A dash: the workload does not apply (no such route), or the run failed (see its table).\n");
    for note in &results.notes {
        let _ = write!(body, "\n{note}\n");
    }
    page(results, None, &body)
}

// ANCHOR: progression
/// The Part II chapters in the results, in chapter order.
fn part_two(results: &Results) -> Vec<&str> {
    let mut names: Vec<&str> = chapters(results)
        .map(|(name, ..)| name)
        .filter(|name| chapter_number(name).is_some_and(|n| n >= 13))
        .collect();
    names.sort_by_key(|name| chapter_number(name));
    names
}

fn chapter_number(name: &str) -> Option<u32> {
    name.strip_prefix("chapter")?.parse().ok()
}

/// The table a chapter's page shows: chapter 10 (one connection at a time), every Part
/// II chapter up to this one, and the minimal server of this one's design, all from the
/// same run, so each page shows what its step bought over the steps before.
fn progression(results: &Results, chapter: &str) -> String {
    let number = chapter_number(chapter).unwrap_or(0);
    let mut names: Vec<&str> = ["chapter10"]
        .into_iter()
        .filter(|name| results.server(name).is_some())
        .chain(
            part_two(results)
                .into_iter()
                .filter(|name| chapter_number(name).is_some_and(|n| n <= number)),
        )
        .collect();
    let floor = chapters(results)
        .find(|(name, ..)| *name == chapter)
        .and_then(|(_, _, _, floor)| floor);
    names.extend(floor);
    let columns = [
        REQUESTS_PER_S_1,
        CPU_1,
        REQUESTS_PER_S_2,
        FAST_P99_3,
        SLOW_P50_3,
        ANSWERED_4,
        THREADS_4,
        KIB_4,
        REQUESTS_PER_S_5,
        CORES_5,
    ];
    let mut body = headline(results, &names, &columns, Some(chapter));
    body.push_str(&workload_legend(results));
    if let Some(floor) = floor {
        let model = results.server(floor).map_or("", |s| s.model.as_str());
        let _ = writeln!(
            body,
            " The last row, `{floor}`, is the floor this chapter is held to: a {model} \
             server in about fifty lines, answering every request with the same 1 KiB from \
             memory."
        );
    } else {
        body.push('\n');
    }
    page(results, None, &body)
}
// ANCHOR_END: progression

/// One line saying what workloads 1 to 5 sent, from the recorded settings.
fn workload_legend(results: &Results) -> String {
    let setting = |workload: &str, key: &str| {
        results
            .settings(workload)
            .and_then(|s| s.get(key))
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0)
    };
    let slow = results
        .settings("head-of-line")
        .and_then(|s| s.get("slow_path"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or("/sleep");
    let cpu_path = results
        .settings("cpu")
        .and_then(|s| s.get("path"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or("/cpu");
    format!(
        "\n1: one request per connection, {} at once; 2: keep-alive, {} connections; \
         3: fast requests while slow `{slow}` requests are in flight; 4: {} connections at \
         once, one request each; 5: `{cpu_path}`, {} at once. A dash: the workload does not \
         apply (no such route), or the run failed (chapter 19 has every run).",
        setting("close", "concurrency"),
        setting("keep-alive", "concurrency"),
        setting("c10k", "concurrency"),
        setting("cpu", "concurrency"),
    )
}

fn ratio(value: Option<f64>) -> String {
    value.map_or("–".into(), |r| format!("{r:.2}×"))
}

// ANCHOR: ratios
/// Each chapter's requests per server CPU-second divided by its neighbours': the
/// minimal server of its model, its Python twin, nginx and hyper. Above 1: the chapter
/// does more work for the same CPU.
fn ratios(results: &Results) -> String {
    let header = [
        "chapter",
        "model",
        "1. × its floor",
        "1. × Python twin",
        "1. × nginx",
        "1. × hyper",
        "2. × Python twin",
        "2. × nginx",
        "2. × hyper",
    ];
    let rows: Vec<Vec<String>> = chapters(results)
        .map(|(name, model, twin, floor)| {
            let r = |w: &str, other: Option<&str>| {
                ratio(other.and_then(|o| results.cpu_ratio(w, name, o)))
            };
            vec![
                name.into(),
                model.into(),
                floor.map_or("–".into(), |f| format!("{} ({f})", r("close", Some(f)))),
                twin.map_or("–".into(), |t| format!("{} ({t})", r("close", Some(t)))),
                r("close", Some("nginx")),
                r("close", Some("hyper")),
                twin.map_or("–".into(), |t| r("keep-alive", Some(t))),
                r("keep-alive", Some("nginx")),
                r("keep-alive", Some("hyper")),
            ]
        })
        .collect();
    let note = "\nRequests per server CPU-second, the chapter's divided by the other server's, in \
                workloads 1 (one request per connection) and 2 (keep-alive). Above 1× the chapter \
                does more work for the same CPU; below, less. The per-CPU figure holds still on a \
                shared machine where requests per second do not.\n";
    page(results, None, &(table(&header, "ttnnnnnnn", &rows) + note))
}
// ANCHOR_END: ratios

/// The chapters in the results: (name, model, Python twin, floor).
fn chapters(results: &Results) -> impl Iterator<Item = (&str, &str, Option<&str>, Option<&str>)> {
    results
        .servers
        .iter()
        .filter(|s| s.kind == "Chapter")
        .map(|s| {
            (
                s.name.as_str(),
                s.model.as_str(),
                present(results, &s.twin),
                present(results, &s.floor),
            )
        })
}

/// `name`, if that server is in the results (a comparison may leave it out).
fn present<'a>(results: &Results, name: &'a Option<String>) -> Option<&'a str> {
    name.as_deref().filter(|n| results.server(n).is_some())
}

/// The two targets set for the chapters, and whether this machine's numbers meet them.
/// Both read workload 1, where every server does the same work: one request, one
/// connection. (In workload 2 chapters 10 to 17 still close after every answer while
/// the Python twins keep the connection: not the same work, so it is shown, not judged.)
fn targets(results: &Results) -> String {
    let header = [
        "chapter",
        "floor",
        "CPU per request ÷ floor's (target ≤ 1.30×)",
        "met",
        "Python twin",
        "work per CPU-second × twin's (target ≥ 3×)",
        "met",
        "the same in workload 2",
    ];
    let verdict = |ok: Option<bool>| match ok {
        Some(true) => "yes",
        Some(false) => "**no**",
        None => "–",
    };
    let rows: Vec<Vec<String>> = chapters(results)
        .filter(|(_, _, twin, floor)| twin.is_some() || floor.is_some())
        .map(|(name, _, twin, floor)| {
            // CPU per request ÷ the floor's is the per-CPU-second ratio upside down.
            let cost = floor.and_then(|f| results.cpu_ratio("close", f, name));
            let gain = twin.and_then(|t| results.cpu_ratio("close", name, t));
            let kept = twin.and_then(|t| results.cpu_ratio("keep-alive", name, t));
            vec![
                name.into(),
                floor.unwrap_or("–").into(),
                ratio(cost),
                verdict(cost.map(|c| c <= 1.3)).into(),
                twin.unwrap_or("–").into(),
                ratio(gain),
                verdict(gain.map(|g| g >= 3.0)).into(),
                ratio(kept),
            ]
        })
        .collect();
    let note = "\nBoth targets read workload 1 (one request per connection), where every server \
                does the same work. In workload 2 the chapters before 18 still close after each \
                answer while the Python twins keep their connections, so that column is shown, \
                not judged.\n";
    page(results, None, &(table(&header, "ttnttntn", &rows) + note))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_have_a_header_an_alignment_row_and_one_row_each() {
        let text = table(
            &["a", "b", "c"],
            "ttn",
            &[vec!["x".into(), "y".into(), "1".into()]],
        );
        assert_eq!(text, "| a | b | c |\n|---|---|---:|\n| x | y | 1 |\n");
    }

    #[test]
    fn problems_name_every_status_and_error() {
        let json = serde_json::json!({
            "schema": 1, "workloads": [{ "id": "close" }],
            "runs": [{ "workload": "close", "server": "s", "server_cpu_s": 1.0,
                       "load": { "completed": 10, "status_codes": { "200": 7, "503": 2 }, "errors": { "reset": 1 } } }],
        });
        let results = Results::parse(&json.to_string()).expect("valid");
        let m = results.measured("close", "s").expect("measured");
        assert_eq!(problems(m), "503 ×2, reset ×1");
    }

    #[test]
    fn each_chapter_page_gets_the_chapters_before_it_and_its_floor() {
        let server = |name: &str, floor: Option<&str>| serde_json::json!({ "name": name, "model": "m", "kind": "Chapter", "floor": floor });
        let run = |name: &str, cpu_s: f64| {
            serde_json::json!({ "workload": "close", "server": name, "server_cpu_s": cpu_s,
                "load": { "completed": 1000, "requests_per_second": 500.0,
                          "status_codes": { "200": 1000 } } })
        };
        let json = serde_json::json!({
            "schema": 1, "workloads": [{ "id": "close", "settings": { "concurrency": 100 } }],
            "servers": [
                server("chapter10", None), server("chapter15", Some("minimal-mio")),
                server("chapter13", Some("minimal-threads")),
                { "name": "minimal-mio", "model": "m", "kind": "RustPeer" },
            ],
            "runs": [run("chapter10", 0.05), run("chapter13", 0.2), run("chapter15", 0.04),
                     run("minimal-mio", 0.03)],
        });
        let results = Results::parse(&json.to_string()).expect("valid");
        assert_eq!(part_two(&results), ["chapter13", "chapter15"]);
        let page = progression(&results, "chapter15");
        let names: Vec<&str> = page
            .lines()
            .filter_map(|line| line.strip_prefix("| "))
            .filter_map(|line| line.split(" |").next())
            .collect();
        assert_eq!(
            names,
            [
                "server",
                "chapter10",
                "chapter13",
                "**chapter15**",
                "minimal-mio"
            ]
        );
        assert!(
            page.contains("| **chapter15** | m | 500 | 40.0 |"),
            "{page}"
        );
        // The floor is named only when the results hold it.
        assert!(!progression(&results, "chapter13").contains("minimal-threads"));
    }
}
