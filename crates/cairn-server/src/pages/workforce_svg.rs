//! Pictures for the workforce pages, as SVG: the heat map of a role's requirements by team,
//! the radar of one worker against one role (bars when a radar would mislead), and a small
//! progress bar.
//!
//! Pure, like `stack_svg`: plain input (labels and counts, not the application's types), a
//! self-contained SVG string out, presentation attributes only (the pages' CSP would drop a
//! `style` attribute), no ids. Every number is written as text as well, so colour is never
//! the only cue; each picture carries a `<title>`, an `aria-label` and a `<desc>`, and the
//! pages put a table with the same numbers beside it.

use std::f64::consts::PI;
use std::fmt::Write as _;
use std::ops::RangeInclusive;

use super::stack_svg::{esc_into, fit, text_units, wrap};
use crate::i18n::t;

const FONTS: &str =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
const MARGIN: f64 = 16.0;
const INK: &str = "#1d2428";
const MUTED: &str = "#4f5b62";
const GRID: &str = "#cfd8d5";
const HELD: &str = "#1f5f4f";
const REQUIRED: &str = "#a35200";
/// Rough advance of one narrow character at 12 px: text cannot be measured here, so
/// widths are estimated generously.
const PX_12: f64 = 6.8;

/// Rounded to a tenth, so coordinates stay short in the output.
fn r1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The root element, its title (also the accessible name), description and white ground.
fn open_svg(out: &mut String, w: f64, h: f64, title: &str, desc: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label=""#
    );
    esc_into(out, title);
    let _ = write!(out, r#"" font-family="{FONTS}"><title>"#);
    esc_into(out, title);
    out.push_str("</title><desc>");
    esc_into(out, desc);
    out.push_str(r##"</desc><rect width="100%" height="100%" fill="#ffffff"/>"##);
}

/// A `<text>` element; `attrs` are written as given (trusted), `s` is escaped.
fn text(out: &mut String, x: f64, y: f64, attrs: &str, s: &str) {
    let _ = write!(out, r#"<text x="{}" y="{}" {attrs}>"#, r1(x), r1(y));
    esc_into(out, s);
    out.push_str("</text>");
}

/// A `<title>` child: the full words behind a shortened label.
fn tooltip(out: &mut String, s: &str) {
    out.push_str("<title>");
    esc_into(out, s);
    out.push_str("</title>");
}

/// `n` with the catalog's singular (`<id>-one`) or plural (`<id>-other`) words.
fn plural(n: usize, id: &str) -> String {
    if n == 1 {
        t(&format!("{id}-one")).to_string()
    } else {
        t(&format!("{id}-other")).with("count", n).to_string()
    }
}

/// A whole percentage as the catalog writes it.
fn percent(p: u64) -> String {
    t("wf-percent").with("n", p).to_string()
}

// ---------------------------------------------------------------------------------------
// Heat map

/// A heat map: rows are a role's requirements, columns are teams (or one column for the
/// whole organization); each cell counts that team's workers against that requirement.
#[derive(Clone, Debug, Default)]
pub(crate) struct HeatMap {
    /// What the picture shows: "ICD-11 Clinical Coder, by team".
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<HeatRow>,
}

/// One requirement: its label ("ICD.2 Postcoordination, level 3") and one cell per column.
#[derive(Clone, Debug, Default)]
pub(crate) struct HeatRow {
    pub label: String,
    pub cells: Vec<HeatCell>,
}

/// How many workers meet a requirement, meet it partly (below the level needed) or miss it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct HeatCell {
    pub met: u32,
    pub partly_met: u32,
    pub missing: u32,
}

impl HeatCell {
    pub(crate) fn total(&self) -> u64 {
        u64::from(self.met) + u64::from(self.partly_met) + u64::from(self.missing)
    }

    /// The whole percentage who meet it, rounded down so that 100% means everyone; none
    /// when there is no one to count.
    pub(crate) fn percent_met(&self) -> Option<u64> {
        let total = self.total();
        (total > 0).then(|| u64::from(self.met) * 100 / total)
    }
}

/// At most this many teams and requirements are drawn; the page's table lists them all.
pub(crate) const HEAT_COLUMNS_MAX: usize = 40;
pub(crate) const HEAT_ROWS_MAX: usize = 200;

/// One step of the colour scale: a single hue from light to dark, so it reads in grey
/// and to people who do not tell red from green, with text colours chosen for contrast.
struct Shade {
    fill: &'static str,
    text: &'static str,
    /// The legend's words, as a catalog id.
    label: &'static str,
}

static SHADES: [Shade; 5] = [
    Shade {
        fill: "#f3f5f4",
        text: INK,
        label: "wf-shade-0",
    },
    Shade {
        fill: "#cde6dd",
        text: INK,
        label: "wf-shade-1",
    },
    Shade {
        fill: "#8cc4ae",
        text: INK,
        label: "wf-shade-2",
    },
    Shade {
        fill: "#2f7560",
        text: "#ffffff",
        label: "wf-shade-3",
    },
    Shade {
        fill: "#1f5f4f",
        text: "#ffffff",
        label: "wf-shade-4",
    },
];

static NOBODY: Shade = Shade {
    fill: "#ffffff",
    text: MUTED,
    label: "wf-shade-none",
};

fn shade(percent: Option<u64>) -> &'static Shade {
    match percent {
        None => &NOBODY,
        Some(p) if p >= 100 => &SHADES[4],
        Some(p) if p >= 75 => &SHADES[3],
        Some(p) if p >= 50 => &SHADES[2],
        Some(p) if p >= 25 => &SHADES[1],
        Some(_) => &SHADES[0],
    }
}

const CELL_W: f64 = 92.0;
const CELL_H: f64 = 44.0;
const HEAD_H: f64 = 42.0;
const ROW_LABEL_UNITS_MIN: usize = 12;
const ROW_LABEL_UNITS_MAX: usize = 36;
const HEAD_UNITS: usize = 13;

fn legend_w(label: &str) -> f64 {
    (22.0 + text_units(label) as f64 * PX_12 + 16.0).ceil()
}

/// A sentence for screen readers: the size of the map and its weakest cell.
pub(crate) fn heat_map_summary(m: &HeatMap) -> String {
    let mut s = t("wf-heat-summary")
        .with("title", &m.title)
        .with("rows", plural(m.rows.len(), "wf-svg-requirements"))
        .with("teams", plural(m.columns.len(), "wf-svg-teams"))
        .to_string();
    let mut weakest: Option<(u64, &str, &str, HeatCell)> = None;
    for row in &m.rows {
        for (cell, col) in row.cells.iter().zip(&m.columns) {
            if let Some(p) = cell.percent_met()
                && weakest.as_ref().is_none_or(|w| p < w.0)
            {
                weakest = Some((p, &row.label, col, *cell));
            }
        }
    }
    match weakest {
        Some((p, row, col, c)) => {
            let _ = write!(
                s,
                " {}",
                t("wf-heat-weakest")
                    .with("row", row)
                    .with("team", col)
                    .with("met", c.met)
                    .with("total", c.total())
                    .with("share", percent(p))
            );
        }
        None => {
            let _ = write!(s, " {}", t("wf-heat-nobody"));
        }
    }
    s
}

/// The heat map as SVG: one coloured cell per requirement and team, each with the share
/// who meet the requirement and the count ("75%", "6 of 8") written in it.
pub(crate) fn heat_map_svg(m: &HeatMap) -> String {
    let cols = m.columns.len().min(HEAT_COLUMNS_MAX);
    let rows = m.rows.len().min(HEAT_ROWS_MAX);
    let label_units = m
        .rows
        .iter()
        .take(rows)
        .map(|r| text_units(&r.label))
        .max()
        .unwrap_or(0)
        .clamp(ROW_LABEL_UNITS_MIN, ROW_LABEL_UNITS_MAX);
    let label_w = (label_units as f64 * PX_12 + 12.0).ceil();
    let grid_w = label_w + cols as f64 * CELL_W;
    let x0 = MARGIN + label_w;
    let y0 = MARGIN + HEAD_H;
    let grid_bottom = y0 + rows as f64 * CELL_H;

    let legend: Vec<(&Shade, String)> = SHADES
        .iter()
        .chain(std::iter::once(&NOBODY))
        .map(|s| (s, t(s.label).to_string()))
        .collect();
    let legend_total = legend.iter().map(|(_, l)| legend_w(l)).sum::<f64>();
    let hidden_rows = m.rows.len() - rows;
    let hidden_cols = m.columns.len() - cols;
    let footer = match (hidden_rows, hidden_cols) {
        (0, 0) => None,
        (rows, 0) => Some(
            t("wf-heat-hidden")
                .with("what", plural(rows, "wf-svg-requirements"))
                .to_string(),
        ),
        (0, cols) => Some(
            t("wf-heat-hidden")
                .with("what", plural(cols, "wf-svg-teams"))
                .to_string(),
        ),
        (rows, cols) => Some(
            t("wf-heat-hidden-both")
                .with("rows", plural(rows, "wf-svg-requirements"))
                .with("teams", plural(cols, "wf-svg-teams"))
                .to_string(),
        ),
    };
    let footer_w = footer
        .as_deref()
        .map_or(0.0, |f| text_units(f) as f64 * PX_12);
    let content_w = grid_w.max(legend_total).max(footer_w).ceil();
    let legend_y = grid_bottom + 16.0;
    let mut bottom = legend_y + 16.0;
    if footer.is_some() {
        bottom += 24.0;
    }
    let (w, h) = (content_w + 2.0 * MARGIN, (bottom + MARGIN).ceil());

    let mut out = String::with_capacity(1024 + rows * cols * 300);
    open_svg(&mut out, w, h, &m.title, &heat_map_summary(m));

    // Column heads: team names on up to two lines, in full in their titles.
    for (j, col) in m.columns.iter().take(cols).enumerate() {
        let cx = x0 + j as f64 * CELL_W + (CELL_W - 2.0) / 2.0;
        out.push_str("<g>");
        tooltip(&mut out, col);
        let lines = wrap(col, HEAD_UNITS, 2);
        let first_y = MARGIN + if lines.len() > 1 { 14.0 } else { 28.0 };
        for (k, line) in lines.iter().enumerate() {
            text(
                &mut out,
                cx,
                first_y + 14.0 * k as f64,
                &format!(r#"font-size="12" font-weight="600" text-anchor="middle" fill="{INK}""#),
                line,
            );
        }
        out.push_str("</g>");
    }

    for (i, row) in m.rows.iter().take(rows).enumerate() {
        let y = y0 + i as f64 * CELL_H;
        out.push_str("<g>");
        tooltip(&mut out, &row.label);
        text(
            &mut out,
            MARGIN,
            y + CELL_H / 2.0 + 3.0,
            &format!(r#"font-size="12" fill="{INK}""#),
            &fit(&row.label, label_units),
        );
        out.push_str("</g>");
        for (j, col) in m.columns.iter().take(cols).enumerate() {
            let cell = row.cells.get(j).copied().unwrap_or_default();
            let pct = cell.percent_met();
            let sh = shade(pct);
            let x = x0 + j as f64 * CELL_W;
            let cx = x + (CELL_W - 2.0) / 2.0;
            out.push_str("<g>");
            tooltip(
                &mut out,
                &t("wf-heat-cell-title")
                    .with("team", col)
                    .with("row", &row.label)
                    .with("met", cell.met)
                    .with("total", cell.total())
                    .with("partly", cell.partly_met)
                    .with("missing", cell.missing)
                    .to_string(),
            );
            let _ = write!(
                out,
                r#"<rect x="{x}" y="{y}" width="{cw}" height="{ch}" rx="3" fill="{f}" stroke="{s}"{d}/>"#,
                cw = CELL_W - 2.0,
                ch = CELL_H - 2.0,
                f = sh.fill,
                s = if pct.is_some() { sh.fill } else { GRID },
                d = if pct.is_some() {
                    ""
                } else {
                    r#" stroke-dasharray="4 3""#
                },
            );
            let (big, small) = match pct {
                Some(p) => (
                    percent(p),
                    t("wf-n-of-m")
                        .with("n", cell.met)
                        .with("total", cell.total())
                        .to_string(),
                ),
                None => ("–".to_owned(), t("wf-heat-no-one").to_string()),
            };
            text(
                &mut out,
                cx,
                y + 18.0,
                &format!(
                    r#"font-size="14" font-weight="700" text-anchor="middle" fill="{}""#,
                    sh.text
                ),
                &big,
            );
            text(
                &mut out,
                cx,
                y + 33.0,
                &format!(r#"font-size="11" text-anchor="middle" fill="{}""#, sh.text),
                &small,
            );
            out.push_str("</g>");
        }
    }

    let mut x = MARGIN;
    for (sh, label) in legend {
        let _ = write!(
            out,
            r#"<g><rect x="{x}" y="{legend_y}" width="16" height="16" rx="3" fill="{f}" stroke="{MUTED}"/>"#,
            f = sh.fill,
        );
        text(
            &mut out,
            x + 22.0,
            legend_y + 12.5,
            &format!(r#"font-size="12" fill="{INK}""#),
            &label,
        );
        out.push_str("</g>");
        x += legend_w(&label);
    }
    if let Some(f) = &footer {
        text(
            &mut out,
            MARGIN,
            legend_y + 40.0,
            &format!(r#"font-size="12" fill="{INK}""#),
            f,
        );
    }
    out.push_str("</svg>");
    out
}

// ---------------------------------------------------------------------------------------
// Competency radar

/// The top of the proficiency scale (1 Foundational … 4 Expert); 0 is not held.
pub(crate) const LEVEL_MAX: i32 = 4;
/// A radar is drawn for this many competencies; fewer make no area worth reading and
/// more crowd the labels, so bars are drawn instead.
pub(crate) const RADAR_AXES: RangeInclusive<usize> = 3..=16;

/// One worker against one role, competency by competency.
#[derive(Clone, Debug, Default)]
pub(crate) struct Radar {
    /// "Ana Reyes against ICD-11 Clinical Coder".
    pub title: String,
    pub axes: Vec<RadarAxis>,
}

/// One competency the role requires: its short code ("ICD.2", written at the axis) and
/// name ("Postcoordination", in titles and bars), the level the worker holds (0: none) and
/// the level the role needs.
#[derive(Clone, Debug, Default)]
pub(crate) struct RadarAxis {
    pub code: String,
    pub name: String,
    pub held: i32,
    pub required: i32,
}

impl RadarAxis {
    fn label(&self) -> String {
        match (self.code.is_empty(), self.name.is_empty()) {
            (_, true) => self.code.clone(),
            (true, false) => self.name.clone(),
            (false, false) => format!("{} {}", self.code, self.name),
        }
    }

    fn numbers(&self) -> String {
        t("wf-radar-numbers")
            .with("held", self.held)
            .with("required", self.required)
            .to_string()
    }

    fn sentence(&self) -> String {
        let verdict = if self.held >= self.required {
            t("wf-radar-met").to_string()
        } else if self.held <= 0 {
            t("wf-radar-not-held").to_string()
        } else {
            plural((self.required - self.held) as usize, "wf-radar-below")
        };
        t("wf-radar-axis")
            .with("label", self.label())
            .with("held", self.held)
            .with("required", self.required)
            .with("verdict", verdict)
            .to_string()
    }
}

/// A sentence for screen readers: how many levels are met, and which fall short.
pub(crate) fn radar_summary(r: &Radar) -> String {
    let met = r.axes.iter().filter(|a| a.held >= a.required).count();
    let mut s = t("wf-radar-summary")
        .with("title", &r.title)
        .with("met", met)
        .with("total", r.axes.len())
        .to_string();
    let short: Vec<String> = r
        .axes
        .iter()
        .filter(|a| a.held < a.required)
        .map(|a| {
            t("wf-radar-short-item")
                .with("label", a.label())
                .with("held", a.held)
                .with("required", a.required)
                .to_string()
        })
        .collect();
    if !short.is_empty() {
        let _ = write!(
            s,
            " {}",
            t("wf-radar-short-of").with("list", short.join(", "))
        );
    }
    s
}

/// The worker's levels against the role's: a radar for 3 to 16 competencies, bars
/// otherwise.
pub(crate) fn competency_svg(r: &Radar) -> String {
    if RADAR_AXES.contains(&r.axes.len()) {
        radar_svg(r)
    } else {
        bars_svg(r)
    }
}

const RADIUS: f64 = 110.0;
const RADAR_LABEL_W: f64 = 140.0;
const RADAR_CODE_UNITS: usize = 16;
const RADAR_V_ROOM: f64 = 40.0;

fn clamp_level(l: i32) -> f64 {
    f64::from(l.clamp(0, LEVEL_MAX))
}

/// Where level `level` lies on axis `k` of `n`, the first pointing up, going clockwise.
fn radar_point(cx: f64, cy: f64, k: usize, n: usize, level: f64) -> (f64, f64) {
    let a = -PI / 2.0 + 2.0 * PI * k as f64 / n as f64;
    let r = RADIUS * level / f64::from(LEVEL_MAX);
    (r1(cx + r * a.cos()), r1(cy + r * a.sin()))
}

fn polygon_points(cx: f64, cy: f64, n: usize, level: &dyn Fn(usize) -> f64) -> String {
    let mut s = String::new();
    for k in 0..n {
        let (x, y) = radar_point(cx, cy, k, n, level(k));
        if k > 0 {
            s.push(' ');
        }
        let _ = write!(s, "{x},{y}");
    }
    s
}

/// The legend of the radar and the bars: the role's levels dashed with squares, the
/// worker's solid with dots.
fn level_legend(out: &mut String, y: f64) {
    let x = MARGIN;
    let required = t("wf-legend-required").to_string();
    let _ = write!(
        out,
        r##"<g><path d="M{x} {m}h28" stroke="{REQUIRED}" stroke-width="2" stroke-dasharray="6 4"/><rect x="{sx}" y="{sy}" width="7" height="7" fill="#ffffff" stroke="{REQUIRED}" stroke-width="1.5"/>"##,
        m = y + 8.0,
        sx = x + 10.5,
        sy = y + 4.5,
    );
    text(
        out,
        x + 36.0,
        y + 12.5,
        &format!(r#"font-size="12" fill="{INK}""#),
        &required,
    );
    let x2 = x + 36.0 + legend_w(&required);
    let _ = write!(
        out,
        r#"</g><g><path d="M{x2} {m}h28" stroke="{HELD}" stroke-width="2"/><circle cx="{ccx}" cy="{m}" r="3.5" fill="{HELD}"/>"#,
        m = y + 8.0,
        ccx = x2 + 14.0,
    );
    text(
        out,
        x2 + 36.0,
        y + 12.5,
        &format!(r#"font-size="12" fill="{INK}""#),
        &t("wf-legend-held").to_string(),
    );
    out.push_str("</g>");
}

fn radar_svg(r: &Radar) -> String {
    let n = r.axes.len();
    let cx = MARGIN + RADAR_LABEL_W + RADIUS;
    let cy = MARGIN + RADAR_V_ROOM + RADIUS;
    let w = 2.0 * cx;
    let legend_y = cy + RADIUS + RADAR_V_ROOM + 8.0;
    let h = legend_y + 16.0 + MARGIN;
    let mut out = String::with_capacity(2048 + n * 400);
    open_svg(&mut out, w, h, &r.title, &radar_summary(r));

    // Rings for each level and the spokes, behind everything else.
    for l in 1..=LEVEL_MAX {
        let _ = write!(
            out,
            r#"<polygon points="{}" fill="none" stroke="{GRID}"/>"#,
            polygon_points(cx, cy, n, &|_| f64::from(l))
        );
    }
    out.push_str("<path d=\"");
    for k in 0..n {
        let (x, y) = radar_point(cx, cy, k, n, f64::from(LEVEL_MAX));
        let _ = write!(out, "M{cx} {cy}L{x} {y}");
    }
    let _ = write!(out, r#"" stroke="{GRID}"/>"#);
    for l in 1..=LEVEL_MAX {
        let (_, y) = radar_point(cx, cy, 0, n, f64::from(l));
        text(
            &mut out,
            // Left of the top spoke, clear of the markers drawn on it.
            cx - 6.0,
            y + 4.0,
            &format!(r#"font-size="10" text-anchor="end" fill="{MUTED}""#),
            &l.to_string(),
        );
    }

    let _ = write!(
        out,
        r#"<polygon points="{}" fill="{HELD}" fill-opacity="0.18" stroke="{HELD}" stroke-width="2"/>"#,
        polygon_points(cx, cy, n, &|k| clamp_level(r.axes[k].held))
    );
    let _ = write!(
        out,
        r#"<polygon points="{}" fill="none" stroke="{REQUIRED}" stroke-width="2" stroke-dasharray="6 4"/>"#,
        polygon_points(cx, cy, n, &|k| clamp_level(r.axes[k].required))
    );

    for (k, axis) in r.axes.iter().enumerate() {
        out.push_str("<g>");
        tooltip(&mut out, &axis.sentence());
        let (hx, hy) = radar_point(cx, cy, k, n, clamp_level(axis.held));
        let (qx, qy) = radar_point(cx, cy, k, n, clamp_level(axis.required));
        let _ = write!(
            out,
            r##"<rect x="{}" y="{}" width="7" height="7" fill="#ffffff" stroke="{REQUIRED}" stroke-width="1.5"/><circle cx="{hx}" cy="{hy}" r="3.5" fill="{HELD}"/>"##,
            r1(qx - 3.5),
            r1(qy - 3.5),
        );
        let a = -PI / 2.0 + 2.0 * PI * k as f64 / n as f64;
        let (lx, ly) = (
            cx + (RADIUS + 16.0) * a.cos(),
            cy + (RADIUS + 16.0) * a.sin(),
        );
        let anchor = if a.cos() > 0.3 {
            "start"
        } else if a.cos() < -0.3 {
            "end"
        } else {
            "middle"
        };
        // Labels at the sides sit level with their spoke's end; those near the top and
        // bottom above and below it, clear of the rings.
        let first = match anchor {
            "middle" if a.sin() < 0.0 => ly - 18.0,
            "middle" => ly + 12.0,
            _ => ly - 3.0,
        };
        text(
            &mut out,
            lx,
            first,
            &format!(r#"font-size="12" font-weight="600" text-anchor="{anchor}" fill="{INK}""#),
            &fit(&axis.code, RADAR_CODE_UNITS),
        );
        text(
            &mut out,
            lx,
            first + 14.0,
            &format!(r#"font-size="11" text-anchor="{anchor}" fill="{MUTED}""#),
            &axis.numbers(),
        );
        out.push_str("</g>");
    }
    level_legend(&mut out, legend_y);
    out.push_str("</svg>");
    out
}

const BAR_LABEL_UNITS: usize = 28;
const BAR_ROW_H: f64 = 34.0;
const LEVEL_W: f64 = 48.0;

/// One row per competency: the worker's level as a bar on a 0–4 track, the role's level
/// as a dashed mark, and both numbers in words.
fn bars_svg(r: &Radar) -> String {
    let label_w = (BAR_LABEL_UNITS as f64 * PX_12).ceil();
    let track_x = MARGIN + label_w + 8.0;
    let track_w = LEVEL_W * f64::from(LEVEL_MAX);
    let numbers_x = track_x + track_w + 12.0;
    // Room for the longest "has 2 · needs 3", which other languages write longer.
    let numbers_units = r
        .axes
        .iter()
        .map(|a| text_units(&a.numbers()))
        .max()
        .unwrap_or(0)
        .max(16);
    let w = (numbers_x + numbers_units as f64 * PX_12 + MARGIN).ceil();
    let top = MARGIN + 16.0;
    let rows_h = if r.axes.is_empty() {
        BAR_ROW_H
    } else {
        r.axes.len() as f64 * BAR_ROW_H
    };
    let legend_y = top + rows_h + 12.0;
    let h = legend_y + 16.0 + MARGIN;
    let mut out = String::with_capacity(1024 + r.axes.len() * 600);
    open_svg(&mut out, w, h, &r.title, &radar_summary(r));

    // Level numbers over the track, and a faint line at each.
    for l in 0..=LEVEL_MAX {
        let x = track_x + LEVEL_W * f64::from(l);
        text(
            &mut out,
            x,
            MARGIN + 8.0,
            &format!(r#"font-size="10" text-anchor="middle" fill="{MUTED}""#),
            &l.to_string(),
        );
        let _ = write!(
            out,
            r#"<path d="M{x} {top}V{b}" stroke="{GRID}"/>"#,
            b = top + rows_h
        );
    }
    if r.axes.is_empty() {
        text(
            &mut out,
            MARGIN,
            top + 20.0,
            &format!(r#"font-size="12" fill="{INK}""#),
            &t("wf-bars-none").to_string(),
        );
    }
    for (i, axis) in r.axes.iter().enumerate() {
        let y = top + i as f64 * BAR_ROW_H;
        out.push_str("<g>");
        tooltip(&mut out, &axis.sentence());
        text(
            &mut out,
            MARGIN,
            y + 21.0,
            &format!(r#"font-size="12" font-weight="600" fill="{INK}""#),
            &fit(&axis.label(), BAR_LABEL_UNITS),
        );
        let held_w = LEVEL_W * clamp_level(axis.held);
        let _ = write!(
            out,
            r##"<rect x="{track_x}" y="{ty}" width="{track_w}" height="14" rx="3" fill="#ffffff" stroke="{MUTED}"/><rect x="{track_x}" y="{ty}" width="{held_w}" height="14" rx="3" fill="{HELD}"/>"##,
            ty = y + 10.0,
        );
        let qx = track_x + LEVEL_W * clamp_level(axis.required);
        let _ = write!(
            out,
            r##"<path d="M{qx} {a}V{b}" stroke="{REQUIRED}" stroke-width="2" stroke-dasharray="4 2"/><rect x="{sx}" y="{a}" width="7" height="7" fill="#ffffff" stroke="{REQUIRED}" stroke-width="1.5"/>"##,
            a = y + 3.0,
            b = y + 31.0,
            sx = qx - 3.5,
        );
        text(
            &mut out,
            numbers_x,
            y + 21.0,
            &format!(r#"font-size="12" fill="{INK}""#),
            &axis.numbers(),
        );
        out.push_str("</g>");
    }
    level_legend(&mut out, legend_y);
    out.push_str("</svg>");
    out
}

// ---------------------------------------------------------------------------------------
// Progress bar

const PROGRESS_W: f64 = 120.0;

/// A small bar of `done` of `total` ("Coverage: 4 of 5"), named by `label`.
pub(crate) fn progress_svg(done: u64, total: u64, label: &str) -> String {
    let words = t("wf-progress")
        .with("label", label)
        .with("done", done)
        .with("total", total)
        .to_string();
    let share = if total == 0 {
        0.0
    } else {
        done.min(total) as f64 / total as f64
    };
    let mut out = String::with_capacity(512);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {PROGRESS_W} 14" width="{PROGRESS_W}" height="14" role="img" aria-label=""#
    );
    esc_into(&mut out, &words);
    out.push_str(r#""><title>"#);
    esc_into(&mut out, &words);
    let _ = write!(
        out,
        r##"</title><rect x="0.5" y="0.5" width="{tw}" height="13" rx="3" fill="#ffffff" stroke="{MUTED}"/><rect x="0.5" y="0.5" width="{fw}" height="13" rx="3" fill="{HELD}"/></svg>"##,
        tw = PROGRESS_W - 1.0,
        fw = r1((PROGRESS_W - 1.0) * share),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::super::stack_svg::tests::check_xml;
    use super::*;

    fn cell(met: u32, partly_met: u32, missing: u32) -> HeatCell {
        HeatCell {
            met,
            partly_met,
            missing,
        }
    }

    fn sample_map() -> HeatMap {
        HeatMap {
            title: "ICD-11 Clinical Coder, by team".into(),
            columns: vec![
                "Coding Team North".into(),
                "Emergency Department Documentation Team".into(),
                "Empty Team".into(),
            ],
            rows: vec![
                HeatRow {
                    label: "ICD.2 Postcoordination, level 3".into(),
                    cells: vec![cell(6, 1, 1), cell(1, 2, 7), cell(0, 0, 0)],
                },
                HeatRow {
                    label: "DATA.2 Data quality, level 2".into(),
                    cells: vec![cell(8, 0, 0), cell(5, 0, 5), cell(0, 0, 0)],
                },
            ],
        }
    }

    /// WCAG 2.2 contrast ratio of two `#rrggbb` colours.
    fn contrast(a: &str, b: &str) -> f64 {
        fn lum(hex: &str) -> f64 {
            let ch = |i: usize| {
                let v = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
                if v <= 0.04045 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * ch(1) + 0.7152 * ch(3) + 0.0722 * ch(5)
        }
        let (x, y) = (lum(a), lum(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    fn assert_clean(svg: &str) {
        check_xml(svg).unwrap();
        assert!(svg.starts_with(r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 "#));
        assert!(svg.contains(r#"role="img" aria-label=""#));
        for banned in [
            "<script", "<style", "style=", "url(", "xlink", "<image", " id=",
        ] {
            assert!(!svg.contains(banned), "{banned} in {svg}");
        }
        assert_eq!(svg.matches("http").count(), 1);
    }

    #[test]
    fn the_heat_map_writes_every_number_and_label() {
        let m = sample_map();
        let svg = heat_map_svg(&m);
        assert_clean(&svg);
        assert!(svg.contains(r#"aria-label="ICD-11 Clinical Coder, by team""#));
        assert!(svg.contains("<title>ICD-11 Clinical Coder, by team</title>"));
        // 6 of 8 is 75%; 1 of 10 is 10%; 8 of 8 is everyone; 5 of 10 is half.
        for n in [
            "75%", "6 of 8", "10%", "1 of 10", "100%", "8 of 8", "50%", "5 of 10",
        ] {
            assert!(svg.contains(&format!(">{n}</text>")), "{n}");
        }
        assert!(svg.contains(">ICD.2 Postcoordination, level 3</text>"));
        // A long team name wraps, and is in full in its title.
        assert!(svg.contains("<title>Emergency Department Documentation Team</title>"));
        assert!(svg.contains(
            "<title>Coding Team North — ICD.2 Postcoordination, level 3: 6 of 8 meet it, 1 partly, 1 missing</title>"
        ));
        // A team with no one in it says so instead of a share.
        assert_eq!(svg.matches(">no one</text>").count(), 2);
        assert_eq!(svg.matches(">–</text>").count(), 2);
        assert!(svg.contains(
            "<desc>ICD-11 Clinical Coder, by team: 2 requirements by 3 teams. Weakest: ICD.2 Postcoordination, level 3 in Emergency Department Documentation Team, met by 1 of 10 (10%).</desc>"
        ));
    }

    #[test]
    fn shares_round_down_so_everyone_means_everyone() {
        assert_eq!(cell(199, 0, 1).percent_met(), Some(99));
        assert_eq!(cell(200, 0, 0).percent_met(), Some(100));
        assert_eq!(cell(0, 3, 0).percent_met(), Some(0));
        assert_eq!(cell(0, 0, 0).percent_met(), None);
        assert_eq!(cell(u32::MAX, u32::MAX, u32::MAX).percent_met(), Some(33));
        assert!(std::ptr::eq(shade(Some(99)), &SHADES[3]));
        assert!(std::ptr::eq(shade(Some(100)), &SHADES[4]));
        assert!(std::ptr::eq(shade(Some(24)), &SHADES[0]));
        assert!(std::ptr::eq(shade(Some(25)), &SHADES[1]));
        assert!(std::ptr::eq(shade(None), &NOBODY));
    }

    #[test]
    fn the_ids_built_at_run_time_are_in_the_catalog() {
        for s in SHADES.iter().chain(std::iter::once(&NOBODY)) {
            assert!(crate::i18n::is_defined(s.label), "{}", s.label);
        }
        for id in ["wf-svg-requirements", "wf-svg-teams", "wf-radar-below"] {
            for form in ["one", "other"] {
                assert!(
                    crate::i18n::is_defined(&format!("{id}-{form}")),
                    "{id}-{form}"
                );
            }
        }
        assert_eq!(plural(1, "wf-svg-teams"), "1 team");
        assert_eq!(plural(3, "wf-svg-teams"), "3 teams");
    }

    #[test]
    fn every_shade_keeps_its_number_readable() {
        for s in SHADES.iter().chain(std::iter::once(&NOBODY)) {
            let c = contrast(s.fill, s.text);
            assert!(c >= 4.5, "{} on {}: {c:.2}", s.text, s.fill);
        }
        // The scale runs one way: each step darker than the one before.
        for w in SHADES.windows(2) {
            assert!(contrast(w[1].fill, "#ffffff") > contrast(w[0].fill, "#ffffff"));
        }
        // The outlines that mark the legend's swatches and empty cells stand out (3:1).
        assert!(contrast(MUTED, "#ffffff") >= 3.0);
        assert!(contrast(REQUIRED, "#ffffff") >= 3.0 && contrast(HELD, "#ffffff") >= 3.0);
    }

    #[test]
    fn a_large_map_is_capped_and_says_so() {
        let m = HeatMap {
            title: "Big".into(),
            columns: (0..50).map(|j| format!("Team {j}")).collect(),
            rows: (0..210)
                .map(|i| HeatRow {
                    label: format!("R{i}"),
                    cells: (0..50).map(|_| cell(1, 1, 1)).collect(),
                })
                .collect(),
        };
        let svg = heat_map_svg(&m);
        check_xml(&svg).unwrap();
        assert!(svg.contains("<title>Team 39</title>") && !svg.contains("<title>Team 40</title>"));
        assert!(svg.contains(">R199</text>") && !svg.contains(">R200</text>"));
        assert!(svg.contains(
            ">+10 requirements and 10 teams not shown: the table lists them all.</text>"
        ));
        assert_eq!(
            svg.matches(">33%</text>").count(),
            HEAT_ROWS_MAX * HEAT_COLUMNS_MAX
        );
    }

    #[test]
    fn missing_cells_and_empty_maps_do_not_break_the_picture() {
        let mut m = sample_map();
        m.rows[1].cells.truncate(1);
        let svg = heat_map_svg(&m);
        check_xml(&svg).unwrap();
        assert_eq!(svg.matches(">no one</text>").count(), 3);
        let empty = heat_map_svg(&HeatMap {
            title: "Nothing".into(),
            ..Default::default()
        });
        check_xml(&empty).unwrap();
        assert!(empty.contains("There is no one to count yet."));
    }

    #[test]
    fn text_is_escaped_in_every_picture() {
        let nasty = r#"<script>alert("x")</script>&"#;
        let m = HeatMap {
            title: nasty.into(),
            columns: vec![nasty.into()],
            rows: vec![HeatRow {
                label: nasty.into(),
                cells: vec![cell(1, 0, 0)],
            }],
        };
        let radar = Radar {
            title: nasty.into(),
            axes: (0..4)
                .map(|_| RadarAxis {
                    code: nasty.into(),
                    name: nasty.into(),
                    held: 1,
                    required: 2,
                })
                .collect(),
        };
        let mut bars = radar.clone();
        bars.axes.truncate(1);
        for svg in [
            heat_map_svg(&m),
            competency_svg(&radar),
            competency_svg(&bars),
            progress_svg(1, 2, nasty),
        ] {
            check_xml(&svg).unwrap();
            assert!(!svg.contains("<script"), "{svg}");
            assert!(svg.contains("&lt;script&gt;"));
        }
    }

    fn radar(n: usize) -> Radar {
        Radar {
            title: "Ana Reyes against ICD-11 Clinical Coder".into(),
            axes: (0..n)
                .map(|i| RadarAxis {
                    code: format!("ICD.{}", i + 1),
                    name: format!("Competency {i}"),
                    held: (i % 5) as i32,
                    required: 2 + (i % 2) as i32,
                })
                .collect(),
        }
    }

    #[test]
    fn the_radar_draws_both_polygons_rings_and_numbers() {
        let r = radar(5);
        let svg = competency_svg(&r);
        assert_clean(&svg);
        // Four rings, the worker's and the role's polygons.
        assert_eq!(svg.matches("<polygon ").count(), 6);
        assert_eq!(
            svg.matches(r#"stroke-dasharray="6 4"/>"#).count(),
            2,
            "role polygon and its legend"
        );
        for a in &r.axes {
            assert!(svg.contains(&format!(">{}</text>", a.code)), "{}", a.code);
            assert!(svg.contains(&format!("<title>{}: has level ", a.label())));
            assert!(svg.contains(&format!(">has {} · needs {}</text>", a.held, a.required)));
        }
        assert!(
            svg.contains(">Required by the role</text>")
                && svg.contains(">Held by the worker</text>")
        );
        assert!(svg.contains("<title>ICD.1 Competency 0: has level 0, needs 2 — not held</title>"));
        assert!(
            svg.contains(
                "<title>ICD.2 Competency 1: has level 1, needs 3 — 2 levels below</title>"
            )
        );
        assert!(svg.contains("<title>ICD.3 Competency 2: has level 2, needs 2 — met</title>"));
        assert!(svg.contains(
            "<desc>Ana Reyes against ICD-11 Clinical Coder: meets 3 of 5 required competency levels. Short of: ICD.1 Competency 0 (has 0, needs 2), ICD.2 Competency 1 (has 1, needs 3).</desc>"
        ));
    }

    #[test]
    fn radar_points_stay_inside_the_picture_and_levels_are_capped() {
        for n in RADAR_AXES {
            let mut r = radar(n);
            r.axes[0].held = 9;
            r.axes[0].required = -3;
            let svg = competency_svg(&r);
            check_xml(&svg).unwrap();
            // The first axis points up: level 4 sits at the top of the outer ring.
            let cx = MARGIN + RADAR_LABEL_W + RADIUS;
            let cy = MARGIN + RADAR_V_ROOM + RADIUS;
            assert_eq!(radar_point(cx, cy, 0, n, clamp_level(9)), (cx, cy - RADIUS));
            assert_eq!(radar_point(cx, cy, 0, n, clamp_level(-3)), (cx, cy));
            for k in 0..n {
                let (x, y) = radar_point(cx, cy, k, n, f64::from(LEVEL_MAX));
                assert!(x >= MARGIN + RADAR_LABEL_W - 0.1 && x <= cx + RADIUS + 0.1);
                assert!(y >= MARGIN + RADAR_V_ROOM - 0.1 && y <= cy + RADIUS + 0.1);
            }
            // The text still tells the truth about levels outside the scale.
            assert!(svg.contains(">has 9 · needs -3</text>"));
        }
    }

    #[test]
    fn too_few_or_too_many_competencies_become_bars() {
        for n in [0, 1, 2, 17, 40] {
            let r = radar(n);
            let svg = competency_svg(&r);
            assert_clean(&svg);
            assert!(!svg.contains("<polygon"), "{n}");
            for a in &r.axes {
                assert!(svg.contains(&format!(">{}</text>", a.label())));
                assert!(svg.contains(&format!(">has {} · needs {}</text>", a.held, a.required)));
            }
            assert!(svg.contains(">Required by the role</text>"));
        }
        assert!(
            competency_svg(&radar(0))
                .contains(">This role names no competencies to compare.</text>")
        );
        // A held bar is as long as its level: level 3 of 4.
        let mut two = radar(2);
        two.axes[0].held = 3;
        let svg = competency_svg(&two);
        assert!(svg.contains(&format!(
            r#"width="{}" height="14" rx="3" fill="{HELD}""#,
            3.0 * LEVEL_W
        )));
    }

    #[test]
    fn the_progress_bar_is_named_and_proportional() {
        let svg = progress_svg(4, 5, "Coverage");
        assert_clean(&svg);
        assert!(svg.contains(r#"aria-label="Coverage: 4 of 5""#));
        assert!(svg.contains("<title>Coverage: 4 of 5</title>"));
        assert!(svg.contains(r##"width="95.2" height="13" rx="3" fill="#1f5f4f""##));
        assert!(
            progress_svg(0, 0, "x").contains(r##"width="0" height="13" rx="3" fill="#1f5f4f""##)
        );
        assert!(
            progress_svg(9, 3, "x").contains(r##"width="119" height="13" rx="3" fill="#1f5f4f""##)
        );
    }
}
