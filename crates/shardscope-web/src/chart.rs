//! The chart kit every lab draws with: a responsive SVG frame with a caption, a legend whose
//! marks differ in shape as well as colour, tooltips on hover and keyboard focus, the chart's
//! data as a table one click away, "nice" axis ticks, and the colour-blind-safe palette.
//!
//! A lab draws its marks (bars, arcs, tree nodes, messages) as SVG children of [`Chart`] and
//! gives each mark a `data-tip` attribute; the kit does the rest. Colours are never the only cue:
//! every mark's tooltip and the data table name what it is.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

/// Colours in the palette: the eight of Okabe and Ito (2008), which stay distinct under the
/// common forms of colour blindness. `www/style.css` defines them as `--s0` … `--s7`, each with a
/// light and a dark variant of the same hue.
pub const PALETTE_SIZE: u32 = 8;

/// The CSS class that colours a mark with series `k` of the palette (`s0` … `s7`, cycling).
#[must_use]
pub fn series(k: u32) -> String {
    format!("s{}", k % PALETTE_SIZE)
}

/// Round tick values from 0 to at least `max`, about `target` of them, at steps of 1, 2 or 5
/// times a power of ten (the steps people read without effort).
#[must_use]
pub fn nice_ticks(max: f64, target: u32) -> Vec<f64> {
    if !max.is_finite() || max <= 0.0 {
        return vec![0.0];
    }
    let rough = max / f64::from(target.max(1));
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * power);
    let mut ticks = vec![0.0];
    while *ticks.last().unwrap_or(&0.0) < max {
        let next = step * ticks.len() as f64;
        ticks.push(next);
    }
    ticks
}

/// A chart's data as a table: a caption, column heads, and rows whose first cell names the row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DataTable {
    /// What the table shows.
    pub caption: String,
    /// Column heads.
    pub head: Vec<String>,
    /// Rows of cells; the first cell is the row's head.
    pub rows: Vec<Vec<String>>,
}

/// One entry of a legend: the palette or style class of its marks, a glyph that shows their
/// shape (■ ● ◆ ▲, — or - - for lines), and what they mean.
#[derive(Clone, Debug, PartialEq)]
pub struct LegendItem {
    /// CSS class that colours the glyph as the marks are coloured.
    pub class: String,
    /// The glyph: the marks' shape or line style.
    pub glyph: &'static str,
    /// What the marks mean.
    pub label: String,
}

impl LegendItem {
    /// An entry with `class`, `glyph` and `label`.
    #[must_use]
    pub fn new(class: impl Into<String>, glyph: &'static str, label: impl Into<String>) -> Self {
        Self {
            class: class.into(),
            glyph,
            label: label.into(),
        }
    }
}

/// Properties of [`Chart`].
#[derive(Properties, PartialEq)]
pub struct ChartProps {
    /// The `id` of the figure (tests and links use it).
    #[prop_or_default]
    pub id: Option<AttrValue>,
    /// Extra classes of the figure.
    #[prop_or_default]
    pub class: Classes,
    /// The picture's accessible name: what it shows, in one sentence.
    pub label: AttrValue,
    /// Width and height of the SVG's `viewBox`; the SVG scales to its container's width.
    pub view: (f64, f64),
    /// Stretch the drawing to the box instead of keeping its aspect ratio (strips of cells).
    #[prop_or_default]
    pub stretch: bool,
    /// The caption under the picture.
    #[prop_or_default]
    pub caption: Html,
    /// The legend; empty for none.
    #[prop_or_default]
    pub legend: Vec<LegendItem>,
    /// The data behind the picture, shown as a table on request.
    #[prop_or_default]
    pub table: DataTable,
    /// A lab's own markup for the data table, instead of `table` (when its rows carry more than
    /// text, such as the Partition lab's operations with their outcomes).
    #[prop_or_default]
    pub table_html: Option<Html>,
    /// Whether the marks are controls of their own (buttons in a topology or a tree): then they
    /// take the keyboard focus themselves and the arrow keys are not used to read the marks.
    #[prop_or_default]
    pub interactive: bool,
    /// The SVG's content: the marks, each with a `data-tip` for its tooltip.
    pub children: Html,
}

/// The element under `target` that carries a tooltip, if any.
fn tip_of(target: Option<web_sys::EventTarget>) -> Option<Element> {
    target?.dyn_into::<Element>().ok()?.closest("[data-tip]").ok()?
}

/// A chart: the SVG in a frame with a tooltip, caption, legend and data table.
///
/// Hovering a mark or focusing it shows its `data-tip` below the picture. A chart whose marks
/// are not controls takes the focus as one stop, and the arrow keys (Home, End) then walk its
/// marks, announcing each through the tooltip, which is a polite live region.
#[function_component]
pub fn Chart(props: &ChartProps) -> Html {
    let tip = use_state(|| None::<String>);
    let show = {
        let tip = tip.clone();
        move |target: Option<Element>| {
            if let Some(el) = target {
                tip.set(el.get_attribute("data-tip"));
            }
        }
    };
    let on_over = {
        let show = show.clone();
        Callback::from(move |e: MouseEvent| show(tip_of(e.target())))
    };
    let on_focus = {
        let show = show.clone();
        Callback::from(move |e: FocusEvent| show(tip_of(e.target())))
    };
    let on_leave = {
        let tip = tip.clone();
        Callback::from(move |_: MouseEvent| tip.set(None))
    };
    // Yew delegates events to the app's root, so an event's current target is not this chart:
    // the chart finds its own marks through a reference to its area.
    let area = use_node_ref();
    let on_key = {
        let show = show.clone();
        let area = area.clone();
        let interactive = props.interactive;
        Callback::from(move |e: KeyboardEvent| {
            if interactive {
                return;
            }
            let Some(area) = area.cast::<HtmlElement>() else {
                return;
            };
            let Ok(marks) = area.query_selector_all("[data-tip]") else {
                return;
            };
            let count = marks.length();
            if count == 0 {
                return;
            }
            let mark = |i| marks.item(i).and_then(|m| m.dyn_into::<Element>().ok());
            let active = (0..count).find(|&i| mark(i).is_some_and(|m| m.has_attribute("data-active")));
            let next = match (e.key().as_str(), active) {
                ("ArrowRight" | "ArrowDown", Some(i)) => (i + 1) % count,
                ("ArrowLeft" | "ArrowUp", Some(i)) => (i + count - 1) % count,
                ("ArrowRight" | "ArrowDown" | "Home", None) | ("Home", _) => 0,
                ("ArrowLeft" | "ArrowUp" | "End", None) | ("End", _) => count - 1,
                _ => return,
            };
            // The arrows are the chart's while it has the focus, not the lab's step shortcuts.
            e.prevent_default();
            if let Some(old) = active.and_then(mark) {
                let _ = old.remove_attribute("data-active");
            }
            if let Some(new) = mark(next) {
                let _ = new.set_attribute("data-active", "");
                show(Some(new));
            }
        })
    };
    let (w, h) = props.view;
    let t = &props.table;
    html! {
        <figure id={props.id.clone()} class={classes!("chart-kit", props.class.clone())}>
            <div class="chart-area" ref={area} tabindex={(!props.interactive).then_some("0")}
                role={(!props.interactive).then_some("group")}
                aria-label={(!props.interactive).then(|| format!("{} Arrow keys read the marks one by one.", props.label))}
                onmouseover={on_over} onmouseleave={on_leave} onfocusin={on_focus} onkeydown={on_key}>
                <svg viewBox={format!("0 0 {w} {h}")} role={if props.interactive { "group" } else { "img" }}
                    aria-label={props.label.clone()} preserveAspectRatio={props.stretch.then_some("none")}>
                    { props.children.clone() }
                </svg>
            </div>
            <p class="chart-tip" role="status">{ (*tip).clone().unwrap_or_default() }</p>
            if !props.legend.is_empty() {
                <ul class="legend" aria-label="Legend">
                    { for props.legend.iter().map(|item| html! {
                        <li><span class={classes!("swatch", item.class.clone())} aria-hidden="true">{ item.glyph }</span>{ &item.label }</li>
                    }) }
                </ul>
            }
            <figcaption>{ props.caption.clone() }</figcaption>
            <details class="chart-data">
                <summary>{ "Show the data as a table" }</summary>
                { props.table_html.clone().unwrap_or_else(|| data_table(t)) }
            </details>
        </figure>
    }
}

/// A [`DataTable`] as an HTML table that scrolls inside its own box on a phone.
fn data_table(t: &DataTable) -> Html {
    html! {
        <div class="table-scroll" tabindex="0" role="region" aria-label={t.caption.clone()}>
            <table class="loads">
                <caption>{ &t.caption }</caption>
                <thead><tr>{ for t.head.iter().map(|c| html! { <th scope="col">{ c }</th> }) }</tr></thead>
                <tbody>
                    { for t.rows.iter().map(|row| html! {
                        <tr>
                            { for row.iter().take(1).map(|c| html! { <th scope="row">{ c }</th> }) }
                            { for row.iter().skip(1).map(|c| html! { <td>{ c }</td> }) }
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}

/// A horizontal axis at height `y` from `x0` to `x1` for values `0..=max`, with `ticks` labelled
/// by `label`; `scale` maps a value to x.
pub fn x_axis(
    y: f64,
    (x0, x1): (f64, f64),
    ticks: &[f64],
    scale: impl Fn(f64) -> f64,
    label: impl Fn(f64) -> String,
) -> Html {
    html! {
        <g class="axis" aria-hidden="true">
            <line x1={fmt(x0)} x2={fmt(x1)} y1={fmt(y)} y2={fmt(y)} />
            { for ticks.iter().map(|&t| { let x = scale(t); html! { <>
                <line x1={fmt(x)} x2={fmt(x)} y1={fmt(y)} y2={fmt(y + 4.0)} />
                <text class="tick" x={fmt(x)} y={fmt(y + 15.0)} text-anchor="middle">{ label(t) }</text>
            </> } }) }
        </g>
    }
}

/// A vertical axis at `x` from `y0` (bottom) to `y1` (top), with `ticks` placed by `scale` and
/// labelled by `label`.
pub fn y_axis(
    x: f64,
    (y0, y1): (f64, f64),
    ticks: &[f64],
    scale: impl Fn(f64) -> f64,
    label: impl Fn(f64) -> String,
) -> Html {
    html! {
        <g class="axis" aria-hidden="true">
            <line x1={fmt(x)} x2={fmt(x)} y1={fmt(y0)} y2={fmt(y1)} />
            { for ticks.iter().map(|&t| { let y = scale(t); html! { <>
                <line x1={fmt(x - 4.0)} x2={fmt(x)} y1={fmt(y)} y2={fmt(y)} />
                <text class="tick" x={fmt(x - 6.0)} y={fmt(y + 4.0)} text-anchor="end">{ label(t) }</text>
            </> } }) }
        </g>
    }
}

/// Marks that light up one after another: the classes of the `i`-th (`light-up order-i`, from
/// `order-0` to `order-15`; later marks share the last delay). The delays live in the
/// stylesheet because the pages' content security policy allows no inline styles.
#[must_use]
pub fn order_class<I: TryInto<u8>>(i: I) -> String {
    let i = i.try_into().map_or(15, |i| i.min(15));
    format!("light-up order-{i}")
}

/// A coordinate with one decimal: enough on a few-hundred-unit `viewBox`, and short markup.
#[must_use]
pub fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_maximum() {
        assert_eq!(nice_ticks(100.0, 5), vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(nice_ticks(7.0, 4), vec![0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(nice_ticks(0.9, 3), vec![0.0, 0.5, 1.0]);
        assert_eq!(nice_ticks(12_345.0, 4), vec![0.0, 5_000.0, 10_000.0, 15_000.0]);
        assert_eq!(nice_ticks(0.0, 4), vec![0.0]);
        assert_eq!(nice_ticks(f64::NAN, 4), vec![0.0]);
    }

    #[test]
    fn series_cycle_through_the_palette() {
        assert_eq!(series(0), "s0");
        assert_eq!(series(7), "s7");
        assert_eq!(series(8), "s0");
    }
}
