//! SVG charts from the results, drawn with `plotters`' SVG backend: horizontal bars, one
//! row per server, coloured by kind (the chapters, the minimal peers, Python, and the
//! servers everyone knows), so a chapter is seen beside its neighbours at a glance.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::results::{Measured, Results, ServerInfo};

const WIDTH: u32 = 960;
const ROW: u32 = 26;
/// Room on the left for the servers' names.
const NAMES: u32 = 130;
const FONT: &str = "sans-serif";

const CHAPTER: RGBColor = RGBColor(31, 119, 180);
const MINIMAL: RGBColor = RGBColor(150, 150, 150);
const PYTHON: RGBColor = RGBColor(255, 127, 14);
const KNOWN: RGBColor = RGBColor(44, 160, 44);

fn colour(server: &ServerInfo) -> RGBColor {
    match (server.kind.as_str(), server.name.as_str()) {
        ("Chapter", _) => CHAPTER,
        ("Python", _) => PYTHON,
        ("Nginx", _) | (_, "hyper") => KNOWN,
        _ => MINIMAL,
    }
}

/// One panel of bars: a value (or none) per server.
struct Panel<'a> {
    title: &'a str,
    /// The axis's label, with its unit.
    axis: &'a str,
    values: Vec<Option<f64>>,
    /// Draw on a logarithmic axis (the values span several powers of ten).
    log: bool,
    /// Vertical reference lines: (value, label).
    marks: Vec<(f64, String)>,
}

/// Draws every chart into `out`: `cpu-per-request.svg`, `head-of-line.svg`, `c10k.svg`
/// and `cpu.svg`, each only if its workloads were run.
pub fn all(results: &Results, out: &Path) -> Result<(), String> {
    let value = |workload: &str, f: &dyn Fn(&Measured) -> Option<f64>| -> Vec<Option<f64>> {
        results
            .servers
            .iter()
            .map(|s| results.measured(workload, &s.name).and_then(f))
            .collect()
    };
    let has = |w: &str| results.has_workload(w);
    if has("close") || has("keep-alive") {
        let panels = [
            Panel {
                title: "1. One request per connection",
                axis: "server CPU µs per request (less is better)",
                values: value("close", &Measured::cpu_us_per_request),
                log: false,
                marks: vec![],
            },
            Panel {
                title: "2. Keep-alive",
                axis: "server CPU µs per request (less is better)",
                values: value("keep-alive", &Measured::cpu_us_per_request),
                log: false,
                marks: vec![],
            },
        ];
        draw(results, &out.join("cpu-per-request.svg"), &panels)?;
    }
    if has("head-of-line") {
        let panels = [Panel {
            title: "3. Fast requests while slow /sleep requests are in flight",
            axis: "p99 latency of the fast requests, ms (log scale; less is better)",
            values: value("head-of-line", &|m| m.fast.map(|l| l.p99)),
            log: true,
            marks: vec![],
        }];
        draw(results, &out.join("head-of-line.svg"), &panels)?;
    }
    if has("c10k") {
        let asked = results
            .settings("c10k")
            .and_then(|s| s.get("requests"))
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(10_000);
        let panels = [
            Panel {
                title: "4. Connections answered with 2xx",
                axis: &format!("of {asked} at once"),
                values: value("c10k", &|m| Some(m.ok() as f64)),
                log: false,
                marks: vec![(asked as f64, String::new())],
            },
            Panel {
                title: "Memory per open connection",
                axis: "KiB of resident memory (log scale)",
                values: value("c10k", &|m| m.kib_per_connection.filter(|&k| k > 0.0)),
                log: true,
                marks: vec![],
            },
        ];
        draw(results, &out.join("c10k.svg"), &panels)?;
    }
    if has("cpu") {
        let per_core = results
            .settings("cpu")
            .and_then(|s| s.get("path"))
            .and_then(serde_json::Value::as_str)
            .and_then(|p| p.split("ms=").nth(1))
            .and_then(|ms| ms.parse::<f64>().ok())
            .map_or(0.0, |ms| 1000.0 / ms);
        let mut marks = vec![(per_core, "one core".to_string())];
        if results.cores > 1 {
            marks.push((
                per_core * results.cores as f64,
                format!("{} cores", results.cores),
            ));
        }
        let panels = [Panel {
            title: "5. CPU work: /cpu requests",
            axis: "requests per second (more is better)",
            values: value("cpu", &|m| Some(m.requests_per_second)),
            log: false,
            marks,
        }];
        draw(results, &out.join("cpu.svg"), &panels)?;
    }
    Ok(())
}

/// One SVG: the panels side by side, the servers' names on the left, a legend below.
fn draw(results: &Results, path: &Path, panels: &[Panel]) -> Result<(), String> {
    let rows = results.servers.len().max(1) as u32;
    let height = 110 + ROW * rows;
    let root = SVGBackend::new(path, (WIDTH, height)).into_drawing_area();
    let fail = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    root.fill(&WHITE).map_err(|e| fail(&e))?;
    let (names, rest) = root.split_horizontally(NAMES);
    let (body, legend) = rest.split_vertically(height - 30);
    let width = (WIDTH - NAMES) / panels.len() as u32;
    let mut area = body;
    for (i, panel) in panels.iter().enumerate() {
        let (this, next) = if i + 1 < panels.len() {
            area.split_horizontally(width)
        } else {
            (area.clone(), area.clone())
        };
        let label_at = draw_panel(&this, results, panel).map_err(|e| fail(&e))?;
        if i == 0 {
            // The names, right-aligned against the first panel, one per row.
            for (server, y) in results.servers.iter().zip(label_at) {
                let style = TextStyle::from((FONT, 13).into_font())
                    .pos(Pos::new(HPos::Right, VPos::Center));
                names
                    .draw(&Text::new(
                        server.name.clone(),
                        (NAMES as i32 - 6, y),
                        style,
                    ))
                    .map_err(|e| fail(&e))?;
            }
        }
        area = next;
    }
    draw_legend(&legend).map_err(|e| fail(&e))?;
    root.present().map_err(|e| fail(&e))
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type DrawResult<T> = Result<T, DrawingAreaErrorKind<std::io::Error>>;

/// Draws one panel and returns the vertical pixel position of each row, for the names.
fn draw_panel(area: &Area, results: &Results, panel: &Panel) -> DrawResult<Vec<i32>> {
    let rows = results.servers.len().max(1);
    // A log axis plots log10 of each value, labelled back in plain numbers.
    let scale = |v: f64| if panel.log { v.max(1e-3).log10() } else { v };
    let shown: Vec<f64> = panel
        .values
        .iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    let most = shown
        .iter()
        .copied()
        .chain(panel.marks.iter().map(|m| m.0))
        .fold(0.0f64, f64::max);
    let (lo, hi) = if panel.log {
        let least = shown.iter().copied().fold(f64::INFINITY, f64::min);
        let least = if least.is_finite() { least } else { 1.0 };
        (
            scale(least).floor().min(0.0),
            scale(most.max(1.0)).ceil().max(1.0),
        )
    } else {
        (0.0, if most > 0.0 { most * 1.15 } else { 1.0 })
    };
    let mut chart = ChartBuilder::on(area)
        .caption(panel.title, (FONT, 15))
        .margin(8)
        .margin_right(24)
        .x_label_area_size(36)
        .build_cartesian_2d(lo..hi, 0.0..rows as f64)?;
    let log = panel.log;
    let powers = (hi - lo).round() as usize + 1;
    let formatter = move |x: &f64| {
        if !log {
            return format!("{x}");
        }
        if (x - x.round()).abs() > 1e-6 {
            return String::new();
        }
        let v = 10f64.powf(x.round());
        if v >= 1.0 {
            format!("{v:.0}")
        } else {
            format!("{v}")
        }
    };
    let mut mesh = chart.configure_mesh();
    mesh.disable_y_mesh()
        .bold_line_style(RGBColor(200, 200, 200))
        .light_line_style(RGBColor(240, 240, 240))
        .y_labels(0)
        .y_label_formatter(&|_| String::new())
        .x_desc(panel.axis)
        .x_label_formatter(&formatter)
        .axis_desc_style((FONT, 13))
        .label_style((FONT, 12));
    if log {
        mesh.x_labels(powers);
    }
    mesh.draw()?;
    // Row i from the top: plotters' y grows upwards.
    let centre = |i: usize| (rows - 1 - i) as f64 + 0.5;
    for (i, (server, value)) in results.servers.iter().zip(&panel.values).enumerate() {
        let y = centre(i);
        match value {
            Some(v) if v.is_finite() => {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(lo, y - 0.35), (scale(*v), y + 0.35)],
                    colour(server).filled(),
                )))?;
                let text = if *v >= 100.0 {
                    format!(" {v:.0}")
                } else {
                    format!(" {v:.1}")
                };
                let style =
                    TextStyle::from((FONT, 11).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
                chart.draw_series(std::iter::once(Text::new(text, (scale(*v), y), style)))?;
            }
            _ => {
                let style = TextStyle::from((FONT, 11).into_font().style(FontStyle::Italic))
                    .color(&MINIMAL)
                    .pos(Pos::new(HPos::Left, VPos::Center));
                chart.draw_series(std::iter::once(Text::new("n/a", (lo, y), style)))?;
            }
        }
    }
    for (value, label) in &panel.marks {
        let x = scale(*value);
        chart.draw_series(LineSeries::new(
            [(x, 0.0), (x, rows as f64)],
            BLACK.stroke_width(1),
        ))?;
        if !label.is_empty() {
            let style =
                TextStyle::from((FONT, 11).into_font()).pos(Pos::new(HPos::Right, VPos::Top));
            chart.draw_series(std::iter::once(Text::new(
                label.clone(),
                (x, rows as f64),
                style,
            )))?;
        }
    }
    Ok((0..results.servers.len())
        .map(|i| chart.backend_coord(&(lo, centre(i))).1)
        .collect())
}

fn draw_legend(area: &Area) -> DrawResult<()> {
    let entries = [
        (CHAPTER, "the chapters"),
        (MINIMAL, "minimal peers (the floor)"),
        (PYTHON, "Python peers"),
        (KNOWN, "nginx, hyper"),
    ];
    let mut x = 10;
    for (colour, label) in entries {
        area.draw(&Rectangle::new([(x, 8), (x + 14, 22)], colour.filled()))?;
        let style = TextStyle::from((FONT, 13).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
        area.draw(&Text::new(label, (x + 20, 15), style))?;
        x += 40 + 8 * label.len() as i32;
    }
    Ok(())
}
