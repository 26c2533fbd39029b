//! What every lab component shares: its model behind a Yew reducer, its state in the URL, the
//! banner for a bad link, the progress view, the share links and number formatting.
//!
//! A lab's component calls [`use_lab`] with its core `Params` type (which implements
//! `shardscope_core::labs::LabParams`); everything else here is rendering helpers.

use std::rc::Rc;

use shardscope_core::labs::{FieldSpec, LabParams, Model, Preset};
use shardscope_core::query::{echo, Choice, Problem};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use yew_router::hooks::use_route;

use crate::hooks::{use_lab_query, use_permalink_sync, Progress, EMBED_PARAM};
use crate::route::Route;
use crate::widgets::TextField;

/// Yew's reducer around a core model: it only delegates.
#[derive(PartialEq)]
pub struct Reduced<P>(pub Model<P>);

impl<P: LabParams + 'static> Reducible for Reduced<P> {
    type Action = P::Command;

    fn reduce(self: Rc<Self>, command: P::Command) -> Rc<Self> {
        let mut model = self.0.clone();
        model.apply(command);
        Rc::new(Self(model))
    }
}

/// A lab's state as its component sees it.
pub struct LabHandle<P: LabParams + 'static> {
    /// The model; dispatch commands to it.
    pub state: UseReducerHandle<Reduced<P>>,
    /// What was wrong with the link the lab was opened with.
    pub problems: UseStateHandle<Vec<Problem>>,
    /// The permalink query of the current state.
    pub canonical: String,
}

impl<P: LabParams + 'static> LabHandle<P> {
    /// The model.
    pub fn model(&self) -> &Model<P> {
        &self.state.0
    }

    /// A callback that dispatches the command `make` builds from an event.
    pub fn on<E: 'static>(&self, make: impl Fn(E) -> P::Command + 'static) -> Callback<E> {
        let state = self.state.clone();
        Callback::from(move |e| state.dispatch(make(e)))
    }

    /// A keyboard handler for an SVG element with `role="button"`: SVG has no built-in keyboard
    /// activation, so Enter and Space dispatch the command `make` builds.
    pub fn on_key(&self, make: impl Fn() -> P::Command + 'static) -> Callback<KeyboardEvent> {
        let state = self.state.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                state.dispatch(make());
            }
        })
    }

    /// The model's notice, or else `field_note` (what was wrong with a typed value), if any.
    pub fn notice(&self, field_note: Option<&str>) -> Html {
        match self.model().notice.as_deref().or(field_note) {
            Some(text) => html! { <p class="notice" role="status" id="notice">{ text }</p> },
            None => Html::default(),
        }
    }

    /// A menu of the lab's presets, showing which one is on screen (if the state is a preset's)
    /// with its lesson; choosing one loads its permalink.
    pub fn preset_menu(&self, presets: &'static [Preset]) -> Html {
        let params = &self.model().params;
        let shown = presets
            .iter()
            .position(|preset| P::from_query_ignoring(preset.query, &[]).0.computed() == params.computed());
        let state = self.state.clone();
        let choose = Callback::from(move |i: usize| {
            state.dispatch(P::load(P::from_query_ignoring(presets[i].query, &[]).0));
        });
        html! { <PresetMenu {presets} {shown} {choose} /> }
    }

    /// The permalink and the embed snippet for the lab's current state.
    pub fn share(&self) -> Html {
        let info = Model::<P>::info();
        share(info.slug, info.title, &self.canonical)
    }

    /// The banner for the link's problems, with a working Dismiss button.
    pub fn problems_banner(&self) -> Html {
        let problems = self.problems.clone();
        url_problems(
            &self.problems,
            Callback::from(move |_: MouseEvent| problems.set(Vec::new())),
        )
    }
}

#[derive(PartialEq, Properties)]
struct PresetMenuProps {
    presets: &'static [Preset],
    /// The preset the lab shows, if its state is one.
    shown: Option<usize>,
    choose: Callback<usize>,
}

/// The preset menu. A `<select>`'s shown option is a property of the element, not an attribute
/// Yew keeps in step, so an effect sets it whenever the state stops or starts being a preset's
/// (re-creating the element instead would take the keyboard focus away from it).
#[function_component]
fn PresetMenu(props: &PresetMenuProps) -> Html {
    let select = use_node_ref();
    {
        let select = select.clone();
        use_effect_with(props.shown, move |shown| {
            if let Some(element) = select.cast::<HtmlSelectElement>() {
                element.set_value(&shown.map(|i| i.to_string()).unwrap_or_default());
            }
        });
    }
    let presets = props.presets;
    let choose = props.choose.clone();
    let onchange = Callback::from(move |e: Event| {
        // The menu offers only indices into `presets` (its placeholder cannot be chosen).
        if let Ok(i) = e.target_unchecked_into::<HtmlSelectElement>().value().parse::<usize>() {
            choose.emit(i.min(presets.len() - 1));
        }
    });
    html! {
        <>
            <label class="preset">
                <span>{ "Start from a preset" }</span>
                <select id="preset" ref={select} {onchange}>
                    <option value="" selected={props.shown.is_none()} disabled=true>{ "Choose a preset…" }</option>
                    { for presets.iter().enumerate().map(|(i, preset)| html! {
                        <option value={i.to_string()} selected={props.shown == Some(i)}>{ preset.name }</option>
                    }) }
                </select>
            </label>
            { props.shown.map(|i| html! { <p class="lesson" id="lesson">{ presets[i].lesson }</p> }).unwrap_or_default() }
        </>
    }
}

/// The model of a lab, initialised from the URL and kept in step with it.
#[hook]
pub fn use_lab<P: LabParams + 'static>() -> LabHandle<P> {
    let initial_query = use_lab_query();
    // A link to one of the lab's old slugs (an alias) is read in that lab's format.
    let opened_as = match use_route::<Route>() {
        Some(Route::Lab { slug }) if slug != P::SLUG => Some(slug),
        _ => None,
    };
    let initial = use_memo((), move |()| match opened_as {
        Some(alias) => P::from_alias_query(&alias, &initial_query, &[EMBED_PARAM]),
        None => P::from_query_ignoring(&initial_query, &[EMBED_PARAM]),
    });
    let problems = use_state(|| initial.1.clone());
    let state = use_reducer(|| Reduced(Model::new(initial.0.clone())));
    let canonical = state.0.params.to_query();
    {
        let state = state.clone();
        let problems = problems.clone();
        use_permalink_sync(
            P::SLUG,
            canonical.clone(),
            Callback::from(move |query: String| {
                let (params, found) = P::from_query_ignoring(&query, &[EMBED_PARAM]);
                problems.set(found);
                state.dispatch(P::load(params));
            }),
        );
    }
    LabHandle {
        state,
        problems,
        canonical,
    }
}

/// The banner that lists what was wrong with a link.
pub fn url_problems(problems: &[Problem], on_dismiss: Callback<MouseEvent>) -> Html {
    if problems.is_empty() {
        return Html::default();
    }
    html! {
        <section class="url-problems" role="alert" id="url-problems">
            <h2>{ "This link had problems" }</h2>
            <ul>{ for problems.iter().map(|p| html! { <li><code>{ &p.field }</code>{ " — " }{ &p.message }</li> }) }</ul>
            <button type="button" onclick={on_dismiss}>{ "Dismiss" }</button>
        </section>
    }
}

/// The labelled progress bar of a running computation (nothing once it is done or failed).
pub fn progress_bar<T>(progress: &Progress<T>, what: &str) -> Html {
    match progress {
        Progress::Running { done, total } => html! {
            <label class="progress">
                <span>{ format!("{what}… {}%", done * 100 / (*total).max(1)) }</span>
                <progress max={total.to_string()} value={done.to_string()} />
            </label>
        },
        _ => Html::default(),
    }
}

/// The progress bar or error while a computation runs; `None` once it is done.
#[must_use]
pub fn unfinished<T>(progress: &Progress<T>, what: &str) -> Option<Html> {
    match progress {
        Progress::Running { .. } => Some(html! {
            <section class="results" aria-busy="true" data-state="running">{ progress_bar(progress, what) }</section>
        }),
        Progress::Failed(message) => Some(html! {
            <section class="results" data-state="failed"><p class="notice" role="alert">{ message }</p></section>
        }),
        Progress::Done(_) => None,
    }
}

/// A link from one lab page to another lab's page, in state `query` (empty for its defaults).
/// Every lab page lives in a folder of its own beside the others.
#[must_use]
pub fn lab_href(slug: &str, query: &str) -> String {
    format!("../{slug}/#/lab/{slug}?{query}")
}

/// The permalink and the embed snippet for a lab in state `canonical`.
fn share(slug: &str, title: &str, canonical: &str) -> Html {
    let link = format!("#/lab/{slug}?{canonical}");
    let page = gloo::utils::window().location();
    let base = format!(
        "{}{}",
        page.origin().unwrap_or_default(),
        page.pathname().unwrap_or_default()
    );
    let embed = format!(
        "<iframe src=\"{base}?{EMBED_PARAM}=1#/lab/{slug}?{canonical}\" title=\"Shardscope: {title}\" width=\"100%\" height=\"720\"></iframe>"
    );
    html! {
        <section class="share" aria-label="Share">
            <p><a id="permalink" href={link}>{ "Permalink to exactly this state" }</a></p>
            <details>
                <summary>{ "Embed in a page or slide" }</summary>
                <pre><code>{ embed }</code></pre>
            </details>
        </section>
    }
}

/// Maps a field's committed text through `make` to a command, or sets `note` to say what was
/// wrong with the text.
pub fn number_field<P: LabParams + 'static>(
    lab: &LabHandle<P>,
    note: &UseStateHandle<Option<String>>,
    what: &'static str,
    make: fn(u64) -> Option<P::Command>,
) -> Callback<String> {
    let state = lab.state.clone();
    let note = note.clone();
    Callback::from(move |raw: String| match raw.trim().parse::<u64>().ok().and_then(make) {
        Some(command) => {
            note.set(None);
            state.dispatch(command);
        }
        None => note.set(Some(format!("{what}: “{}” is not a whole number in range", echo(&raw)))),
    })
}

/// One text field per numeric setting of a lab's [`FieldSpec`] table, labelled with its range;
/// `value` reads a setting and `make` turns a committed number into the lab's command (which
/// checks the range), or `note` says the text was not a whole number.
pub fn field_inputs<P: LabParams + 'static, F: Copy + 'static>(
    lab: &LabHandle<P>,
    note: &UseStateHandle<Option<String>>,
    fields: &[FieldSpec<F>],
    value: impl Fn(F) -> u32,
    make: fn(F, u32) -> P::Command,
) -> Html {
    let fields = fields.iter().map(|&(field, name, label, lo, hi, _)| {
        let on_commit = {
            let state = lab.state.clone();
            let note = note.clone();
            // A whole number too large for the field's type is out of its range, not malformed.
            Callback::from(move |raw: String| match raw.trim().parse::<u64>().map(u32::try_from) {
                Ok(Ok(v)) => {
                    note.set(None);
                    state.dispatch(make(field, v));
                }
                Ok(Err(_)) => note.set(Some(format!("{label} must be {lo}–{hi}, not {}", raw.trim()))),
                Err(_) if !raw.trim().is_empty() && raw.trim().bytes().all(|b| b.is_ascii_digit()) => {
                    note.set(Some(format!("{label} must be {lo}–{hi}, not {}", raw.trim())));
                }
                Err(_) => note.set(Some(format!("{label}: “{}” is not a whole number", echo(&raw)))),
            })
        };
        html! {
            <TextField id={name} label={format!("{}{} ({}–{})", label[..1].to_uppercase(), &label[1..], group_digits(lo.into()), group_digits(hi.into()))}
                value={value(field).to_string()} min={lo.to_string()} max={hi.to_string()} {on_commit} />
        }
    });
    html! { <>{ for fields }</> }
}

/// Maps an exponent field's committed text, written as people write it ("0.8"), through `make`
/// to a command (in hundredths), or sets `note` to say what was wrong with the text; the command
/// checks the range.
pub fn alpha_field<P: LabParams + 'static>(
    lab: &LabHandle<P>,
    note: &UseStateHandle<Option<String>>,
    max_centi: u32,
    make: fn(u32) -> P::Command,
) -> Callback<String> {
    let state = lab.state.clone();
    let note = note.clone();
    Callback::from(
        move |raw: String| match shardscope_core::labs::cache::parse_centi(raw.trim()) {
            Some(v) => {
                note.set(None);
                state.dispatch(make(v));
            }
            None => note.set(Some(format!(
                "α: “{}” is not an exponent from 0 to {} with at most two decimals",
                echo(&raw),
                shardscope_core::labs::cache::alpha_text(max_centi)
            ))),
        },
    )
}

/// A menu of every option of `T`, with `current` selected; `chosen` receives the option picked.
pub fn choice_select<T: Choice>(id: &'static str, current: T, chosen: Callback<T>) -> Html {
    let onchange = Callback::from(move |e: Event| {
        // The menu offers only `T`'s own slugs, so the lookup always succeeds.
        if let Some(choice) = T::from_slug(&e.target_unchecked_into::<HtmlSelectElement>().value()) {
            chosen.emit(choice);
        }
    });
    html! {
        <select {id} {onchange}>
            { for T::ALL.iter().map(|c| html! { <option value={c.slug()} selected={*c == current}>{ c.label() }</option> }) }
        </select>
    }
}

/// Formats `1234567` as `1,234,567`.
#[must_use]
pub fn group_digits(n: u64) -> String {
    group(&n.to_string())
}

/// Formats a non-negative float, rounded to a whole number, with grouped digits.
#[must_use]
pub fn group_float(x: f64) -> String {
    group(&format!("{x:.0}"))
}

fn group(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `part` as a percentage of `whole`, one decimal.
#[must_use]
pub fn percent(part: f64, whole: f64) -> String {
    if whole > 0.0 {
        format!("{:.1}%", 100.0 * part / whole)
    } else {
        "–".into()
    }
}

/// A share of one (0.25) as a percentage with `decimals` decimals and a space before the sign
/// ("25.0 %"), as the cache cluster and CDN labs write their ratios.
#[must_use]
pub fn percent_of_one(share: f64, decimals: usize) -> String {
    format!("{:.*} %", decimals, 100.0 * share)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped_in_threes() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1_000), "1,000");
        assert_eq!(group_digits(1_234_567), "1,234,567");
        assert_eq!(group_float(87_499.6), "87,500");
        assert_eq!(percent(1.0, 8.0), "12.5%");
        assert_eq!(percent(1.0, 0.0), "–");
    }
}
