//! Pictures of stacks as SVG: one stacked achievement drawn as a top-down tree, the stack
//! at the top and the parts it is built from below, coloured and marked by whether the
//! learner holds each part.
//!
//! Pure: the page builds a [`StackNode`] tree and gets back a self-contained SVG string.
//! Only presentation attributes are used, never a `<style>` element or `style` attribute,
//! because the pages' CSP (`style-src 'self'`) would drop those when the SVG is inlined.
//! No ids are emitted either, so a page may show several pictures without clashes.

use std::collections::{HashSet, VecDeque};
use std::fmt::Write as _;

use crate::i18n::t;

/// At most this many achievements are drawn; a stack that needs more is unreadable as
/// one picture anyway, and the cap keeps the output small whatever the input.
pub(crate) const NODES_MAX: usize = 200;
/// At most this many levels (the stack itself being the first) are drawn.
pub(crate) const LEVELS_MAX: usize = 8;

/// One achievement in a stack, as a learner or an issuer sees it. A part shared by two
/// parents (a diamond) is simply repeated under each.
#[allow(dead_code)]
#[derive(Clone, Debug)]
pub(crate) struct StackNode {
    pub name: String,
    /// "Badge", "Micro-credential", "Nano-degree", "Certificate".
    pub kind: String,
    pub state: NodeState,
    /// The rule joining the children, in words: "all of", "2 of 3", "≥ 6 credits".
    pub rule: Option<String>,
    /// A bare number ("1.5", as `format_credits` writes it) gets " credits" added;
    /// anything else is shown as given.
    pub credits: Option<String>,
    pub link: Option<String>,
    pub children: Vec<StackNode>,
}

/// Where the learner stands with one achievement. `Unknown` is for the issuer's editor,
/// where no learner is involved.
#[allow(dead_code)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NodeState {
    Held,
    Missing,
    Planned,
    Expiring,
    Suspended,
    Unknown,
}

/// How each state is drawn. Missing and planned parts also get a dashed outline, and every
/// state but `Unknown` a glyph, so nothing is told by colour alone.
struct Look {
    fill: &'static str,
    stroke: &'static str,
    glyph: Option<&'static str>,
    /// The legend's word, as a message id ("" for none).
    label: &'static str,
    /// For sentences: "Badge, held", as a message id.
    phrase: Option<&'static str>,
    dashed: bool,
}

fn look(state: NodeState) -> Look {
    match state {
        NodeState::Held => Look {
            fill: "#e7f5ec",
            stroke: "#1e7b45",
            glyph: Some("✓"),
            label: "stack-svg-held",
            phrase: Some("stack-svg-phrase-held"),
            dashed: false,
        },
        NodeState::Expiring => Look {
            fill: "#fff4e0",
            stroke: "#a35200",
            glyph: Some("!"),
            label: "stack-svg-expiring",
            phrase: Some("stack-svg-phrase-expiring"),
            dashed: false,
        },
        NodeState::Suspended => Look {
            fill: "#fdecec",
            stroke: "#b42318",
            glyph: Some("‖"),
            label: "stack-svg-suspended",
            phrase: Some("stack-svg-phrase-suspended"),
            dashed: false,
        },
        NodeState::Planned => Look {
            fill: "#e9f0fd",
            stroke: "#1d4fbf",
            glyph: Some("→"),
            label: "stack-svg-planned",
            phrase: Some("stack-svg-phrase-planned"),
            dashed: true,
        },
        NodeState::Missing => Look {
            fill: "#f5f6f8",
            stroke: "#5f6673",
            glyph: Some("○"),
            label: "stack-svg-missing",
            phrase: Some("stack-svg-phrase-missing"),
            dashed: true,
        },
        NodeState::Unknown => Look {
            fill: "#ffffff",
            stroke: "#4b5563",
            glyph: None,
            label: "",
            phrase: None,
            dashed: false,
        },
    }
}

/// A state's word for the legend and the description, in the reader's language.
fn label_text(state: NodeState) -> String {
    match look(state).label {
        "" => String::new(),
        id => t(id).to_string(),
    }
}

/// A state as it reads after a kind, "Badge, held", in the reader's language.
fn phrase_text(state: NodeState) -> Option<String> {
    look(state).phrase.map(|id| t(id).to_string())
}

/// The legend's order: what counts towards the stack first.
const LEGEND_ORDER: [NodeState; 5] = [
    NodeState::Held,
    NodeState::Expiring,
    NodeState::Suspended,
    NodeState::Planned,
    NodeState::Missing,
];

const FONTS: &str =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
const MARGIN: f64 = 16.0;
const BOX_W: f64 = 200.0;
const BOX_H: f64 = 66.0;
const H_GAP: f64 = 24.0;
const V_GAP: f64 = 56.0;
const SLOT: f64 = BOX_W + H_GAP;
const ROW: f64 = BOX_H + V_GAP;
const PAD: f64 = 10.0;
const GLYPH_R: f64 = 9.0;
/// Rough advance of one narrow character, by font size: text cannot be measured here, so
/// widths are estimated generously enough that labels stay inside their boxes.
const NAME_PX: f64 = 8.2;
const SMALL_PX: f64 = 6.0;
const LEGEND_PX: f64 = 6.8;
const NAME_LINES: usize = 2;
const RULE_UNITS_MAX: usize = 28;
const LEGEND_H: f64 = 16.0;
const FOOTER_H: f64 = 22.0;

/// An axis-aligned rectangle in SVG user units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub(crate) fn cx(&self) -> f64 {
        self.x + self.w / 2.0
    }

    pub(crate) fn bottom(&self) -> f64 {
        self.y + self.h
    }

    #[cfg(test)]
    pub(crate) fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }
}

/// What a box shows: an achievement, or how many were left out under its parent.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Content<'a> {
    Node(&'a StackNode),
    More(usize),
}

#[derive(Debug)]
pub(crate) struct Placed<'a> {
    pub rect: Rect,
    pub level: usize,
    pub children: Vec<usize>,
    pub content: Content<'a>,
}

/// Where everything goes. `boxes[0]` is the root; a parent always comes before its
/// children.
#[derive(Debug)]
pub(crate) struct Layout<'a> {
    pub boxes: Vec<Placed<'a>>,
    /// Achievements in the input that are not drawn.
    pub hidden: usize,
    pub width: f64,
    pub height: f64,
    legend: Vec<NodeState>,
    legend_y: f64,
    footer_y: f64,
}

/// Lays the tree out: leaves evenly spaced left to right, each parent centred over its
/// first and last child. Subtrees own disjoint runs of leaf slots, so boxes in a row are at
/// least a slot apart and never overlap. Linear in the size of the input.
pub(crate) fn layout(root: &StackNode) -> Layout<'_> {
    let (mut boxes, hidden) = select(root);

    let mut next_leaf = 0usize;
    place(&mut boxes, 0, &mut next_leaf);
    let leaves = next_leaf.max(1);
    let levels = boxes.iter().map(|b| b.level).max().unwrap_or(0) + 1;
    let tree_w = leaves as f64 * SLOT - H_GAP;
    let tree_bottom = MARGIN + levels as f64 * ROW - V_GAP;

    let legend: Vec<NodeState> = LEGEND_ORDER
        .into_iter()
        .filter(|s| {
            boxes
                .iter()
                .any(|b| matches!(b.content, Content::Node(n) if n.state == *s))
        })
        .collect();
    let legend_w = legend.iter().map(|s| legend_item_w(*s)).sum::<f64>();
    let footer_w = if hidden > 0 {
        text_units(&footer_text(hidden)) as f64 * LEGEND_PX
    } else {
        0.0
    };
    let content_w = tree_w.max(legend_w).max(footer_w).ceil();
    let shift = (content_w - tree_w) / 2.0;
    for b in &mut boxes {
        b.rect.x += shift;
    }

    let mut y = tree_bottom;
    let legend_y = y + 20.0;
    if !legend.is_empty() {
        y = legend_y + LEGEND_H;
    }
    let footer_y = y + FOOTER_H;
    if hidden > 0 {
        y = footer_y;
    }
    Layout {
        boxes,
        hidden,
        width: content_w + 2.0 * MARGIN,
        height: (y + MARGIN).ceil(),
        legend,
        legend_y,
        footer_y,
    }
}

/// Picks what to draw, breadth first so that a capped picture still shows the upper
/// levels whole. Every input node is either drawn or counted once in a hidden subtree,
/// and a drawn parent whose children were cut gets a "+N more" box.
fn select(root: &StackNode) -> (Vec<Placed<'_>>, usize) {
    let mut boxes: Vec<Placed<'_>> = Vec::new();
    let mut hidden_under: Vec<usize> = Vec::new();
    let mut hidden = 0usize;
    let mut queue: VecDeque<(&StackNode, usize, Option<usize>)> = VecDeque::new();
    queue.push_back((root, 0, None));
    while let Some((node, level, parent)) = queue.pop_front() {
        if boxes.len() < NODES_MAX && level < LEVELS_MAX {
            let i = boxes.len();
            boxes.push(Placed {
                rect: Rect {
                    x: 0.0,
                    y: MARGIN + level as f64 * ROW,
                    w: BOX_W,
                    h: BOX_H,
                },
                level,
                children: Vec::new(),
                content: Content::Node(node),
            });
            hidden_under.push(0);
            if let Some(p) = parent {
                boxes[p].children.push(i);
            }
            for c in &node.children {
                queue.push_back((c, level + 1, Some(i)));
            }
        } else {
            let n = subtree_size(node);
            hidden += n;
            if let Some(p) = parent {
                hidden_under[p] += n;
            }
        }
    }
    for (p, n) in hidden_under.into_iter().enumerate() {
        if n > 0 {
            let i = boxes.len();
            let level = boxes[p].level + 1;
            boxes.push(Placed {
                rect: Rect {
                    x: 0.0,
                    y: MARGIN + level as f64 * ROW,
                    w: BOX_W,
                    h: BOX_H,
                },
                level,
                children: Vec::new(),
                content: Content::More(n),
            });
            boxes[p].children.push(i);
        }
    }
    (boxes, hidden)
}

/// Iterative, so an absurdly deep input cannot exhaust the stack.
fn subtree_size(node: &StackNode) -> usize {
    let mut n = 0;
    let mut stack = vec![node];
    while let Some(x) = stack.pop() {
        n += 1;
        stack.extend(x.children.iter());
    }
    n
}

/// Recursion is bounded by `LEVELS_MAX` + 1 (the "+N more" boxes).
fn place(boxes: &mut [Placed<'_>], i: usize, next_leaf: &mut usize) {
    let children = std::mem::take(&mut boxes[i].children);
    let cx = match (children.first(), children.last()) {
        (Some(&first), Some(&last)) => {
            for &c in &children {
                place(boxes, c, next_leaf);
            }
            (boxes[first].rect.cx() + boxes[last].rect.cx()) / 2.0
        }
        _ => {
            let slot = *next_leaf;
            *next_leaf += 1;
            MARGIN + slot as f64 * SLOT + BOX_W / 2.0
        }
    };
    boxes[i].rect.x = cx - BOX_W / 2.0;
    boxes[i].children = children;
}

fn legend_item_w(state: NodeState) -> f64 {
    (22.0 + text_units(&label_text(state)) as f64 * LEGEND_PX + 18.0).ceil()
}

fn footer_text(hidden: usize) -> String {
    t("stack-svg-footer")
        .with("hidden", hidden)
        .with("nodes", NODES_MAX)
        .with("levels", LEVELS_MAX)
        .to_string()
}

/// The SVG picture of a stack.
#[allow(dead_code)]
pub(crate) fn stack_svg(root: &StackNode) -> String {
    let l = layout(root);
    let mut out = String::with_capacity(512 + l.boxes.len() * 700);
    // Writing to a String cannot fail, so the `fmt::Result`s below are ignored.
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="group" font-family="{FONTS}">"#,
        w = l.width,
        h = l.height,
    );
    out.push_str("<title>");
    esc_into(&mut out, &root.name);
    out.push_str("</title><desc>");
    esc_into(&mut out, &describe(root, l.hidden));
    out.push_str("</desc>");
    out.push_str(r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);

    // Connectors first, so the boxes and rule labels sit on top of them.
    for b in l.boxes.iter().filter(|b| !b.children.is_empty()) {
        connectors(&mut out, &l, b);
    }
    for b in &l.boxes {
        if let Content::Node(n) = b.content
            && !b.children.is_empty()
            && let Some(rule) = &n.rule
        {
            rule_label(&mut out, b, rule);
        }
    }
    for b in &l.boxes {
        match b.content {
            Content::Node(n) => node_box(&mut out, b.rect, n),
            Content::More(k) => more_box(&mut out, b.rect, k),
        }
    }
    legend(&mut out, &l);
    if l.hidden > 0 {
        let _ = write!(
            out,
            r##"<text x="{x}" y="{y}" font-size="12" fill="#374151">"##,
            x = MARGIN,
            y = l.footer_y - 6.0,
        );
        esc_into(&mut out, &footer_text(l.hidden));
        out.push_str("</text>");
    }
    out.push_str("</svg>");
    out
}

fn connectors(out: &mut String, l: &Layout<'_>, b: &Placed<'_>) {
    let px = b.rect.cx();
    let jy = b.rect.bottom() + V_GAP / 2.0;
    let _ = write!(out, r#"<path d="M{px} {pb}V{jy}"#, pb = b.rect.bottom());
    if let (Some(&first), Some(&last)) = (b.children.first(), b.children.last()) {
        let (a, z) = (l.boxes[first].rect.cx(), l.boxes[last].rect.cx());
        let _ = write!(out, "M{} {jy}H{}", a.min(px), z.max(px));
    }
    for &c in &b.children {
        let r = l.boxes[c].rect;
        let _ = write!(out, "M{} {jy}V{}", r.cx(), r.y);
    }
    out.push_str(r##"" fill="none" stroke="#9ca3af" stroke-width="1.5"/>"##);
}

fn rule_label(out: &mut String, b: &Placed<'_>, rule: &str) {
    let text = fit(rule, RULE_UNITS_MAX);
    let w = (text_units(&text) as f64 * SMALL_PX + 16.0).ceil();
    let cx = b.rect.cx();
    let jy = b.rect.bottom() + V_GAP / 2.0;
    let _ = write!(
        out,
        r##"<rect x="{x}" y="{y}" width="{w}" height="18" rx="9" fill="#ffffff" stroke="#9ca3af"/><text x="{cx}" y="{ty}" font-size="11" text-anchor="middle" fill="#374151">"##,
        x = cx - w / 2.0,
        y = jy - 9.0,
        ty = jy + 4.0,
    );
    esc_into(out, &text);
    out.push_str("</text>");
}

fn node_box(out: &mut String, r: Rect, n: &StackNode) {
    let lk = look(n.state);
    let href = n.link.as_deref().and_then(safe_href);
    if let Some(h) = href {
        out.push_str(r#"<a href=""#);
        esc_into(out, h);
        out.push_str(r#"">"#);
    }
    out.push_str("<g><title>");
    esc_into(out, &box_title(n));
    out.push_str("</title>");
    let _ = write!(
        out,
        r#"<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="8" fill="{f}" stroke="{s}" stroke-width="1.5"{d}/>"#,
        x = r.x,
        y = r.y,
        w = r.w,
        h = r.h,
        f = lk.fill,
        s = lk.stroke,
        d = if lk.dashed {
            r#" stroke-dasharray="5 3""#
        } else {
            ""
        },
    );
    let glyph_room = if lk.glyph.is_some() {
        2.0 * GLYPH_R + 6.0
    } else {
        0.0
    };
    let name_units = ((r.w - 2.0 * PAD - glyph_room) / NAME_PX) as usize;
    for (k, line) in wrap(&n.name, name_units, NAME_LINES).iter().enumerate() {
        let _ = write!(
            out,
            r##"<text x="{x}" y="{y}" font-size="13" font-weight="600" fill="#111827">"##,
            x = r.x + PAD,
            y = r.y + 22.0 + 16.0 * k as f64,
        );
        esc_into(out, line);
        out.push_str("</text>");
    }
    let small_units = ((r.w - 2.0 * PAD) / SMALL_PX) as usize;
    let small = match n.credits.as_deref() {
        Some(c) => format!("{} · {}", n.kind, credits_text(c)),
        None => n.kind.clone(),
    };
    let _ = write!(
        out,
        r##"<text x="{x}" y="{y}" font-size="11" fill="#4b5563">"##,
        x = r.x + PAD,
        y = r.y + 56.0,
    );
    esc_into(out, &fit(&small, small_units));
    out.push_str("</text>");
    if let Some(g) = lk.glyph {
        let (cx, cy) = (r.x + r.w - PAD - GLYPH_R, r.y + PAD + GLYPH_R);
        let _ = write!(
            out,
            r##"<circle cx="{cx}" cy="{cy}" r="{GLYPH_R}" fill="{s}"/><text x="{cx}" y="{ty}" font-size="11" font-weight="700" text-anchor="middle" fill="#ffffff">{g}</text>"##,
            s = lk.stroke,
            ty = cy + 4.0,
        );
    }
    out.push_str("</g>");
    if href.is_some() {
        out.push_str("</a>");
    }
}

fn more_box(out: &mut String, r: Rect, k: usize) {
    let title = match k {
        1 => t("stack-svg-more-title-one"),
        _ => t("stack-svg-more-title-other"),
    }
    .with("count", k)
    .to_string();
    out.push_str("<g><title>");
    esc_into(out, &title);
    out.push_str("</title>");
    let _ = write!(
        out,
        r##"<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="8" fill="#f9fafb" stroke="#9ca3af" stroke-width="1.5" stroke-dasharray="2 3"/><text x="{cx}" y="{ty}" font-size="13" text-anchor="middle" fill="#374151">"##,
        x = r.x,
        y = r.y,
        w = r.w,
        h = r.h,
        cx = r.cx(),
        ty = r.y + r.h / 2.0 + 4.0,
    );
    esc_into(out, &t("stack-svg-more").with("count", k).to_string());
    out.push_str("</text></g>");
}

fn legend(out: &mut String, l: &Layout<'_>) {
    let mut x = MARGIN;
    let y = l.legend_y;
    for &s in &l.legend {
        let lk = look(s);
        let _ = write!(
            out,
            r##"<g><rect x="{x}" y="{y}" width="16" height="16" rx="4" fill="{f}" stroke="{st}" stroke-width="1.5"{d}/><text x="{gx}" y="{gy}" font-size="10" font-weight="700" text-anchor="middle" fill="{st}">{g}</text><text x="{tx}" y="{ty}" font-size="12" fill="#374151">"##,
            f = lk.fill,
            st = lk.stroke,
            d = if lk.dashed {
                r#" stroke-dasharray="3 2""#
            } else {
                ""
            },
            gx = x + 8.0,
            gy = y + 12.0,
            g = lk.glyph.unwrap_or(""),
            tx = x + 22.0,
            ty = y + 12.5,
        );
        esc_into(out, &label_text(s));
        out.push_str("</text></g>");
        x += legend_item_w(s);
    }
}

fn box_title(n: &StackNode) -> String {
    let mut title = format!("{} — {}", n.name, n.kind);
    if let Some(p) = phrase_text(n.state) {
        title.push_str(", ");
        title.push_str(&p);
    }
    if let Some(c) = &n.credits {
        title.push_str(", ");
        title.push_str(&credits_text(c));
    }
    if let Some(r) = &n.rule
        && !n.children.is_empty()
    {
        title.push_str("; ");
        title.push_str(&t("stack-svg-needs").with("rule", r).to_string());
    }
    title
}

fn credits_text(c: &str) -> String {
    let bare = !c.is_empty() && c.chars().all(|ch| ch.is_ascii_digit() || ch == '.');
    match (bare, c) {
        (true, "1") => t("stack-svg-credit-one").to_string(),
        (true, _) => t("stack-svg-credits").with("credits", c).to_string(),
        (false, _) => c.to_owned(),
    }
}

/// Only links that stay on this site or go to a web page: a `javascript:` or `data:`
/// address in a picture a page inlines would be a way in for script.
fn safe_href(link: &str) -> Option<&str> {
    let local = link.starts_with('/') && !link.starts_with("//") && !link.starts_with("/\\");
    let web = link.starts_with("https://") || link.starts_with("http://");
    (local || web).then_some(link)
}

/// A one-paragraph account of the stack for screen readers: how many of its parts are
/// held, then which are not. Parts are counted once each, however many parents share them,
/// and over the whole input, not just what the picture could show. Expiring parts are
/// still held.
#[allow(dead_code)]
pub(crate) fn summary(root: &StackNode) -> String {
    describe(root, select(root).1)
}

fn describe(root: &StackNode, hidden: usize) -> String {
    const NAMED_MAX: usize = 10;
    let mut seen: HashSet<(&str, &str)> = HashSet::new();
    let mut total = 0usize;
    let mut held = 0usize;
    let mut known = false;
    // Named in sentences, in this order: Expiring, Suspended, Planned, Missing.
    let mut lists: [(NodeState, Vec<&str>, usize); 4] = [
        (NodeState::Expiring, Vec::new(), 0),
        (NodeState::Suspended, Vec::new(), 0),
        (NodeState::Planned, Vec::new(), 0),
        (NodeState::Missing, Vec::new(), 0),
    ];
    // Children go on the stack last first, so parts are named in reading order.
    let mut stack: Vec<&StackNode> = root.children.iter().rev().collect();
    while let Some(n) = stack.pop() {
        stack.extend(n.children.iter().rev());
        if !seen.insert((n.kind.as_str(), n.name.as_str())) {
            continue;
        }
        total += 1;
        if matches!(n.state, NodeState::Held | NodeState::Expiring) {
            held += 1;
        }
        if n.state != NodeState::Unknown {
            known = true;
        }
        if let Some(l) = lists.iter_mut().find(|l| l.0 == n.state) {
            if l.1.len() < NAMED_MAX {
                l.1.push(&n.name);
            } else {
                l.2 += 1;
            }
        }
    }

    let mut s = format!("{}: ", root.name);
    let count = match (total, known) {
        (0, _) => t("stack-svg-no-parts"),
        (1, true) => t("stack-svg-held-of-one"),
        (_, true) => t("stack-svg-held-of-other"),
        (1, false) => t("stack-svg-parts-one"),
        (_, false) => t("stack-svg-parts-other"),
    };
    let _ = write!(s, "{}", count.with("held", held).with("total", total));
    let _ = write!(s, " {}", root.kind);
    if let Some(p) = phrase_text(root.state) {
        let _ = write!(s, ", {p}");
    }
    s.push('.');
    if let Some(r) = &root.rule
        && !root.children.is_empty()
    {
        let _ = write!(s, " {}", t("stack-svg-needs-sentence").with("rule", r));
    }
    for (state, names, rest) in &lists {
        if names.is_empty() {
            continue;
        }
        let _ = write!(s, " {}: {}", label_text(*state), names.join(", "));
        if *rest > 0 {
            let _ = write!(s, " {}", t("stack-svg-and-more").with("count", rest));
        }
        s.push('.');
    }
    if hidden > 0 {
        let _ = write!(s, " {}", t("stack-svg-leaves-out").with("hidden", hidden));
    }
    s
}

/// Display width in narrow-character units: East Asian wide characters take two.
fn units(c: char) -> usize {
    let wide = matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1FAFF
        | 0x20000..=0x3FFFD);
    if wide { 2 } else { 1 }
}

pub(crate) fn text_units(s: &str) -> usize {
    s.chars().map(units).sum()
}

/// Words onto at most `lines_max` lines of `max` units, breaking words that are longer
/// than a line; when text is left over, the last line ends in an ellipsis. Stops reading
/// once the lines are full, so a huge name costs no more than a short one.
pub(crate) fn wrap(text: &str, max: usize, lines_max: usize) -> Vec<String> {
    let max = max.max(2);
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut cur_w = 0usize;
    let mut more = false;
    'words: for word in text.split_whitespace() {
        let w = text_units(word);
        if cur_w > 0 && cur_w + 1 + w <= max {
            cur.push(' ');
            cur.push_str(word);
            cur_w += 1 + w;
            continue;
        }
        if cur_w > 0 {
            if lines.len() + 1 >= lines_max {
                more = true;
                break;
            }
            lines.push(std::mem::take(&mut cur));
            cur_w = 0;
        }
        for c in word.chars() {
            let cw = units(c);
            if cur_w > 0 && cur_w + cw > max {
                if lines.len() + 1 >= lines_max {
                    more = true;
                    break 'words;
                }
                lines.push(std::mem::take(&mut cur));
                cur_w = 0;
            }
            cur.push(c);
            cur_w += cw;
        }
    }
    if more {
        while !cur.is_empty() && text_units(&cur) + 1 > max {
            cur.pop();
        }
        cur.truncate(cur.trim_end().len());
        cur.push('…');
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

/// One line of at most `max` units, with an ellipsis when cut.
pub(crate) fn fit(text: &str, max: usize) -> String {
    wrap(text, max, 1).into_iter().next().unwrap_or_default()
}

/// XML-escapes `s` onto `out`, dropping characters XML 1.0 cannot carry at all.
pub(crate) fn esc_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn node(name: &str, kind: &str, state: NodeState, children: Vec<StackNode>) -> StackNode {
        StackNode {
            name: name.to_owned(),
            kind: kind.to_owned(),
            state,
            rule: (!children.is_empty()).then(|| "all of".to_owned()),
            credits: None,
            link: None,
            children,
        }
    }

    fn badge(name: &str, state: NodeState) -> StackNode {
        node(name, "Badge", state, Vec::new())
    }

    /// A certificate over two micro-credentials, one of which holds an elective choice.
    fn sample() -> StackNode {
        let mut micro_a = node(
            "Clinical Coding Foundations",
            "Micro-credential",
            NodeState::Held,
            vec![
                badge("ICD-11 Structure", NodeState::Held),
                badge("Postcoordination", NodeState::Expiring),
            ],
        );
        micro_a.credits = Some("1.5".into());
        let mut micro_b = node(
            "Mortality Coding",
            "Micro-credential",
            NodeState::Missing,
            vec![
                badge("Death Certificates", NodeState::Held),
                badge("Underlying Cause Selection", NodeState::Missing),
                badge("Maternal Mortality", NodeState::Planned),
            ],
        );
        micro_b.rule = Some("2 of 3".into());
        let mut root = node(
            "ICD-11 Coding Professional",
            "Certificate",
            NodeState::Missing,
            vec![micro_a, micro_b],
        );
        root.link = Some("/achievements/icd11-pro".into());
        root
    }

    /// Names every node of the input, in any order.
    fn names(n: &StackNode, out: &mut Vec<String>) {
        out.push(n.name.clone());
        for c in &n.children {
            names(c, out);
        }
    }

    fn real_boxes<'a>(l: &'a Layout<'a>) -> impl Iterator<Item = &'a Placed<'a>> {
        l.boxes
            .iter()
            .filter(|b| matches!(b.content, Content::Node(_)))
    }

    /// A small XML well-formedness check: one root element, tags balanced and named
    /// alike, attributes quoted without raw `<` or `&` outside entities, text without raw
    /// `<`, `>` or stray `&`. Enough to catch a broken picture; not a full parser.
    pub(crate) fn check_xml(s: &str) -> Result<(), String> {
        fn entity_ok(rest: &str) -> bool {
            let Some(end) = rest.find(';') else {
                return false;
            };
            let e = &rest[1..end];
            matches!(e, "amp" | "lt" | "gt" | "quot" | "apos")
                || e.strip_prefix("#x")
                    .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
                || e.strip_prefix('#')
                    .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
        }
        fn text_ok(t: &str) -> Result<(), String> {
            if t.contains('>') {
                return Err(format!("raw > in text {t:?}"));
            }
            for (i, _) in t.match_indices('&') {
                if !entity_ok(&t[i..]) {
                    return Err(format!("bad entity in {t:?}"));
                }
            }
            Ok(())
        }
        let mut stack: Vec<&str> = Vec::new();
        let mut roots = 0;
        let mut rest = s;
        while let Some(open) = rest.find('<') {
            let text = &rest[..open];
            if stack.is_empty() && !text.trim().is_empty() {
                return Err(format!("text outside the root: {text:?}"));
            }
            text_ok(text)?;
            rest = &rest[open + 1..];
            if let Some(r) = rest.strip_prefix("!--") {
                let end = r.find("-->").ok_or("unclosed comment")?;
                rest = &r[end + 3..];
                continue;
            }
            // A tag runs to the first `>` outside quotes.
            let mut quote: Option<char> = None;
            let mut end = None;
            for (i, c) in rest.char_indices() {
                match (quote, c) {
                    (None, '"' | '\'') => quote = Some(c),
                    (Some(q), c) if c == q => quote = None,
                    (Some(_), '<') => return Err("raw < in an attribute".into()),
                    (None, '>') => {
                        end = Some(i);
                        break;
                    }
                    (None, '<') => return Err("< inside a tag".into()),
                    _ => {}
                }
            }
            let end = end.ok_or("unclosed tag")?;
            let tag = &rest[..end];
            rest = &rest[end + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                match stack.pop() {
                    Some(open) if open == name.trim() => {}
                    other => return Err(format!("</{name}> closes {other:?}")),
                }
                continue;
            }
            let self_closing = tag.ends_with('/');
            let body = tag.trim_end_matches('/');
            let name = body.split_whitespace().next().ok_or("empty tag")?;
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                return Err(format!("bad tag name {name:?}"));
            }
            // Attributes: name="value" pairs, values checked as text.
            let mut attrs = body[name.len()..].trim();
            while !attrs.is_empty() {
                let eq = attrs
                    .find('=')
                    .ok_or(format!("attribute without value in {tag:?}"))?;
                let q = attrs[eq + 1..].chars().next().ok_or("no value")?;
                if q != '"' && q != '\'' {
                    return Err(format!("unquoted attribute in {tag:?}"));
                }
                let v = &attrs[eq + 2..];
                let close = v.find(q).ok_or("unclosed attribute")?;
                let value = &v[..close];
                for (i, _) in value.match_indices('&') {
                    if !entity_ok(&value[i..]) {
                        return Err(format!("bad entity in attribute {value:?}"));
                    }
                }
                attrs = v[close + 1..].trim_start();
            }
            if stack.is_empty() {
                roots += 1;
            }
            if !self_closing {
                stack.push(name);
            }
        }
        if !rest.trim().is_empty() {
            return Err(format!("trailing text {rest:?}"));
        }
        match (stack.is_empty(), roots) {
            (true, 1) => Ok(()),
            (false, _) => Err(format!("unclosed {stack:?}")),
            _ => Err(format!("{roots} root elements")),
        }
    }

    #[test]
    fn the_checker_refuses_broken_xml() {
        assert!(check_xml("<a><b/></a>").is_ok());
        assert!(check_xml(r#"<a x="1 &amp; 2">t &lt; u</a>"#).is_ok());
        assert!(check_xml("<a><b></a>").is_err());
        assert!(check_xml("<a></a><b></b>").is_err());
        assert!(check_xml("<a>x & y</a>").is_err());
        assert!(check_xml(r#"<a x="<">y</a>"#).is_err());
        assert!(check_xml("<a>x > y</a>").is_err());
        assert!(check_xml("<a x=1/>").is_err());
    }

    #[test]
    fn the_picture_is_well_formed_and_self_contained() {
        let svg = stack_svg(&sample());
        check_xml(&svg).unwrap();
        assert!(svg.starts_with(r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 "#));
        // A group, not an image: its boxes are links, which an image would hide.
        assert!(svg.contains(r#"role="group""#));
        assert!(svg.contains("<title>ICD-11 Coding Professional</title><desc>"));
        for banned in [
            "<script", "<style", "style=", "url(", "xlink", "<image", "@import",
        ] {
            assert!(!svg.contains(banned), "{banned} in {svg}");
        }
        // The only address is the SVG namespace and the link the input gave.
        assert_eq!(svg.matches("http").count(), 1);
    }

    #[test]
    fn the_view_box_holds_every_box() {
        let root = sample();
        let l = layout(&root);
        for b in &l.boxes {
            assert!(b.rect.x >= MARGIN && b.rect.y >= MARGIN, "{b:?}");
            assert!(b.rect.x + b.rect.w <= l.width - MARGIN + 1e-9, "{b:?}");
            assert!(b.rect.bottom() <= l.height - MARGIN, "{b:?}");
        }
        let svg = stack_svg(&root);
        assert!(svg.contains(&format!(r#"viewBox="0 0 {} {}""#, l.width, l.height)));
    }

    #[test]
    fn text_is_escaped_everywhere() {
        let nasty = r#"<script>alert('x')</script>&"#;
        let mut root = sample();
        root.name = nasty.into();
        root.kind = "<b>".into();
        root.rule = Some(r#"2 of 3 "<i>""#.into());
        root.credits = Some("<6>".into());
        root.link = Some(r#"/a?b=1&c="><script>"#.into());
        root.children[0].name = nasty.into();
        let svg = stack_svg(&root);
        check_xml(&svg).unwrap();
        assert!(!svg.contains("<script"));
        assert!(!svg.contains("<b>") && !svg.contains("<i>") && !svg.contains("<6>"));
        assert!(svg.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"));
        assert!(svg.contains(r#"<a href="/a?b=1&amp;c=&quot;&gt;&lt;script&gt;">"#));
        assert!(svg.contains("&quot;&lt;i&gt;&quot;"));
    }

    #[test]
    fn characters_xml_cannot_hold_are_dropped() {
        let root = badge("Bell\u{7}\u{0}\u{FFFF} and tab\tend", NodeState::Held);
        let svg = stack_svg(&root);
        check_xml(&svg).unwrap();
        assert!(!svg.contains('\u{7}') && !svg.contains('\u{0}') && !svg.contains('\u{FFFF}'));
        assert!(svg.contains("<title>Bell and tab end</title>"));
    }

    #[test]
    fn every_name_appears_in_full() {
        let root = sample();
        let svg = stack_svg(&root);
        let mut all = Vec::new();
        names(&root, &mut all);
        for n in all {
            assert!(svg.contains(&format!("<title>{n} — ")), "{n}");
        }
    }

    #[test]
    fn long_names_wrap_onto_two_lines_and_end_in_an_ellipsis() {
        let long = "Advanced Postcoordination of External Causes and Injury Mechanisms in ICD-11";
        let lines = wrap(long, 21, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| text_units(l) <= 21), "{lines:?}");
        assert!(lines[1].ends_with('…'));
        assert_eq!(lines[0], "Advanced");
        assert_eq!(wrap("Short name", 21, 2), vec!["Short name"]);
        assert_eq!(wrap("", 21, 2), vec![""]);
        // One word longer than a line is broken, not left to overflow.
        let word = wrap("Pneumonoultramicroscopicsilicovolcanoconiosis", 10, 2);
        assert_eq!(word, vec!["Pneumonoul", "tramicros…"]);
        // Wide characters count double.
        assert!(wrap("国际疾病分类第十一次修订本", 10, 1)[0].chars().count() <= 5);
        let svg = stack_svg(&badge(long, NodeState::Held));
        assert!(svg.contains(&format!("<title>{long} — Badge, held</title>")));
        assert!(svg.contains("…</text>"));
    }

    #[test]
    fn parents_are_centred_above_their_children_and_boxes_do_not_overlap() {
        let mut wide = sample();
        wide.children.push(node(
            "Morbidity Coding",
            "Micro-credential",
            NodeState::Planned,
            (0..5)
                .map(|i| badge(&format!("Morbidity {i}"), NodeState::Planned))
                .collect(),
        ));
        wide.children.push(badge("Ethics", NodeState::Held));
        for root in [sample(), wide] {
            let l = layout(&root);
            for b in &l.boxes {
                if let (Some(&f), Some(&z)) = (b.children.first(), b.children.last()) {
                    let mid = (l.boxes[f].rect.cx() + l.boxes[z].rect.cx()) / 2.0;
                    assert!((b.rect.cx() - mid).abs() < 1e-9, "{b:?}");
                    for &c in &b.children {
                        assert_eq!(l.boxes[c].level, b.level + 1);
                        assert!(l.boxes[c].rect.y >= b.rect.bottom() + V_GAP - 1e-9);
                    }
                }
            }
            // Every box but the root has exactly one parent.
            let mut child_of = vec![0; l.boxes.len()];
            for b in &l.boxes {
                for &c in &b.children {
                    child_of[c] += 1;
                }
            }
            assert_eq!(child_of[0], 0);
            assert!(child_of[1..].iter().all(|&k| k == 1));
            for (i, a) in l.boxes.iter().enumerate() {
                for b in &l.boxes[i + 1..] {
                    assert!(!a.rect.overlaps(&b.rect), "{a:?} overlaps {b:?}");
                }
            }
            // Leaves are evenly spaced.
            let mut leaves: Vec<f64> = l
                .boxes
                .iter()
                .filter(|b| b.children.is_empty())
                .map(|b| b.rect.cx())
                .collect();
            leaves.sort_by(f64::total_cmp);
            for w in leaves.windows(2) {
                assert!((w[1] - w[0] - SLOT).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn a_shared_part_is_drawn_under_both_parents_and_counted_once() {
        let shared = || badge("Infection Control", NodeState::Held);
        let root = node(
            "Ward Practice",
            "Nano-degree",
            NodeState::Missing,
            vec![
                node(
                    "Wound Care",
                    "Micro-credential",
                    NodeState::Held,
                    vec![shared(), badge("Dressings", NodeState::Held)],
                ),
                node(
                    "IV Therapy",
                    "Micro-credential",
                    NodeState::Missing,
                    vec![shared(), badge("Cannulation", NodeState::Missing)],
                ),
            ],
        );
        let l = layout(&root);
        let parents: Vec<&str> = real_boxes(&l)
            .filter(|b| {
                b.children.iter().any(|&c| {
                    matches!(l.boxes[c].content, Content::Node(n) if n.name == "Infection Control")
                })
            })
            .filter_map(|b| match b.content {
                Content::Node(p) => Some(p.name.as_str()),
                Content::More(_) => None,
            })
            .collect();
        assert_eq!(parents, ["Wound Care", "IV Therapy"]);
        let svg = stack_svg(&root);
        assert_eq!(svg.matches("<title>Infection Control — ").count(), 2);
        // Five distinct parts, two micro-credentials and three badges, of which Wound Care,
        // Infection Control and Dressings are held: the shared badge counts once.
        assert!(summary(&root).starts_with("Ward Practice: 3 of 5 parts held."));
    }

    #[test]
    fn the_summary_counts_held_parts() {
        let root = sample();
        let s = summary(&root);
        // Held: Foundations, Structure, Postcoordination (expiring), Death Certificates.
        assert_eq!(
            s,
            "ICD-11 Coding Professional: 4 of 7 parts held. Certificate, not yet held. \
             Needs all of. Expiring soon: Postcoordination. Planned: Maternal Mortality. \
             Missing: Mortality Coding, Underlying Cause Selection."
        );
        assert!(stack_svg(&root).contains(&format!("<desc>{s}</desc>")));

        let suspended = node(
            "Triage",
            "Micro-credential",
            NodeState::Suspended,
            vec![
                badge("A", NodeState::Suspended),
                badge("B", NodeState::Held),
            ],
        );
        assert!(
            summary(&suspended)
                .starts_with("Triage: 1 of 2 parts held. Micro-credential, suspended.")
        );

        let editor = node(
            "Draft",
            "Certificate",
            NodeState::Unknown,
            vec![
                badge("A", NodeState::Unknown),
                badge("B", NodeState::Unknown),
            ],
        );
        assert_eq!(
            summary(&editor),
            "Draft: 2 parts. Certificate. Needs all of."
        );
        assert_eq!(
            summary(&badge("Lone", NodeState::Held)),
            "Lone: no parts. Badge, held."
        );
    }

    #[test]
    fn state_is_told_by_glyph_and_legend_not_colour_alone() {
        let svg = stack_svg(&sample());
        for (glyph, label) in [
            ("✓", "Held"),
            ("!", "Expiring soon"),
            ("→", "Planned"),
            ("○", "Missing"),
        ] {
            assert!(
                svg.contains(&format!(r##"fill="#ffffff">{glyph}</text>"##)),
                "{glyph}"
            );
            assert!(svg.contains(&format!(">{label}</text></g>")), "{label}");
        }
        // Only states present are explained.
        assert!(!svg.contains(">Suspended</text>"));
        let editor = stack_svg(&node(
            "Draft",
            "Certificate",
            NodeState::Unknown,
            vec![badge("A", NodeState::Unknown)],
        ));
        assert!(!editor.contains("<circle"));
        check_xml(&editor).unwrap();
    }

    #[test]
    fn rules_sit_on_the_junction_and_credits_on_the_second_line() {
        let svg = stack_svg(&sample());
        assert!(svg.contains(r##"text-anchor="middle" fill="#374151">2 of 3</text>"##));
        assert!(svg.contains(">Micro-credential · 1.5 credits</text>"));
        assert_eq!(svg.matches("<path ").count(), 3);
        assert_eq!(credits_text("1"), "1 credit");
        assert_eq!(credits_text("≥ 6 credits"), "≥ 6 credits");
    }

    #[test]
    fn the_node_cap_draws_at_most_the_cap_and_says_how_many_more() {
        let root = node(
            "Big",
            "Certificate",
            NodeState::Missing,
            (0..250)
                .map(|i| badge(&format!("Part {i}"), NodeState::Missing))
                .collect(),
        );
        let l = layout(&root);
        assert_eq!(real_boxes(&l).count(), NODES_MAX);
        assert_eq!(l.hidden, 51);
        let svg = stack_svg(&root);
        check_xml(&svg).unwrap();
        assert!(svg.contains(">+51 more</text>"));
        assert!(svg.contains("<title>51 more parts not shown</title>"));
        assert!(svg.contains("The picture leaves out 51 of"));
        assert!(svg.contains("Part 198") && !svg.contains("Part 199 "));
        // The summary still counts everything.
        assert!(summary(&root).starts_with("Big: 0 of 250 parts held."));
    }

    #[test]
    fn the_level_cap_hides_deeper_parts() {
        let mut chain = badge("Level 11", NodeState::Held);
        for i in (0..11).rev() {
            chain = node(&format!("Level {i}"), "Badge", NodeState::Held, vec![chain]);
        }
        let l = layout(&chain);
        assert_eq!(real_boxes(&l).count(), LEVELS_MAX);
        assert_eq!(l.hidden, 4);
        let svg = stack_svg(&chain);
        check_xml(&svg).unwrap();
        assert!(svg.contains(">+4 more</text>"));
        assert!(svg.contains("<title>Level 7 — ") && !svg.contains("<title>Level 8 — "));
    }

    #[test]
    fn large_inputs_cost_little() {
        // 100 000 nodes: every one is visited once, only the capped few are drawn.
        let root = node(
            "Huge",
            "Certificate",
            NodeState::Missing,
            (0..1000)
                .map(|i| {
                    node(
                        &format!("M{i}"),
                        "Micro-credential",
                        NodeState::Missing,
                        (0..99)
                            .map(|j| badge(&format!("B{i}.{j}"), NodeState::Held))
                            .collect(),
                    )
                })
                .collect(),
        );
        let start = std::time::Instant::now();
        let svg = stack_svg(&root);
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
        assert!(svg.len() < 400_000, "{}", svg.len());
        check_xml(&svg).unwrap();
        assert!(svg.contains(&format!("+{} more", 100_001 - NODES_MAX)));
    }

    #[test]
    fn links_are_wrapped_in_anchors_and_unsafe_ones_dropped() {
        let mut root = sample();
        root.children[0].link = Some("https://example.org/badges/1".into());
        root.children[1].link = Some("javascript:alert(1)".into());
        root.children[0].children[0].link = Some("//evil.example/x".into());
        let svg = stack_svg(&root);
        check_xml(&svg).unwrap();
        assert!(svg.contains(
            r#"<a href="/achievements/icd11-pro"><g><title>ICD-11 Coding Professional — "#
        ));
        assert!(svg.contains(
            r#"<a href="https://example.org/badges/1"><g><title>Clinical Coding Foundations — "#
        ));
        assert!(!svg.contains("javascript:") && !svg.contains("evil.example"));
        assert_eq!(svg.matches("<a ").count(), 2);
        assert_eq!(svg.matches("</a>").count(), 2);
    }
}
