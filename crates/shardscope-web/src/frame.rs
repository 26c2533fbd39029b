//! The frame every lab is drawn in: the picture first, and beside it (on screens 1024 px and
//! wider) or below it (narrower) the headline numbers, the presets and step controls, and the
//! settings, which narrow screens fold into a drawer; everything else (tables, notes, sharing)
//! comes after.
//!
//! Picture first is the point: a student should see the system before the knobs. The layout is
//! this component's and `www/style.css`'s (`.lab-frame`), never a lab's own.

use yew::prelude::*;

/// One headline number: what it is, its measured value, and what theory predicts (if anything).
#[derive(Clone, Debug, PartialEq)]
pub struct Headline {
    /// The element id of the value (tests read it).
    pub id: &'static str,
    /// What the number is.
    pub label: String,
    /// The measured value as shown, or several lines (one per algorithm compared).
    pub values: Vec<String>,
    /// What theory predicts, shown beside the value.
    pub theory: Option<String>,
    /// A plain remark under the value (the total it is part of, say).
    pub detail: Option<String>,
}

impl Headline {
    /// The headlines `(id, label)` before their numbers arrive, each showing "…".
    #[must_use]
    pub fn pending(headlines: &[(&'static str, &'static str)]) -> Vec<Self> {
        headlines.iter().map(|&(id, label)| Self::new(id, label, "…")).collect()
    }

    /// A headline number with one value and no theory.
    #[must_use]
    pub fn new(id: &'static str, label: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            id,
            label: label.into(),
            values: vec![value.into()],
            theory: None,
            detail: None,
        }
    }

    /// The same number with a plain remark under it.
    #[must_use]
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// The same number with what theory predicts beside it.
    #[must_use]
    pub fn theory(mut self, theory: impl Into<String>) -> Self {
        self.theory = Some(theory.into());
        self
    }
}

/// Properties of [`LabFrame`].
#[derive(Properties, PartialEq)]
pub struct LabFrameProps {
    /// The lab's title.
    pub title: AttrValue,
    /// Extra classes of the lab's article (its own styles hang off them).
    #[prop_or_default]
    pub class: Classes,
    /// What the lab is about, in a sentence or two; shown under the picture.
    pub lede: Html,
    /// Problems with the link the lab was opened with (shown above the picture, so they are seen).
    #[prop_or_default]
    pub banner: Html,
    /// The lab's main picture.
    pub figure: Html,
    /// Its three to five headline numbers.
    pub headline: Vec<Headline>,
    /// Presets and step/play controls, right under the picture.
    #[prop_or_default]
    pub toolbar: Html,
    /// The settings: a side panel at 1024 px and wider, a drawer below the picture otherwise.
    pub controls: Html,
    /// Everything after: detailed tables, notes, the share links.
    #[prop_or_default]
    pub children: Html,
}

/// The lab frame; see the module documentation.
#[function_component]
pub fn LabFrame(props: &LabFrameProps) -> Html {
    // Only narrow screens show the drawer's button; wide ones always show the panel.
    let open = use_state(|| false);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    html! {
        <article class={classes!("lab", "lab-frame", props.class.clone())} aria-labelledby="lab-title">
            <h1 id="lab-title">{ &props.title }</h1>
            { props.banner.clone() }
            <div class="lab-stage">
                <div class="lab-figure" id="lab-figure">{ props.figure.clone() }</div>
                <div class="lab-side">
                    if !props.headline.is_empty() {
                        <dl class="headline-numbers" id="headline" aria-live="polite">
                            { for props.headline.iter().map(headline) }
                        </dl>
                    }
                    <div class="lab-toolbar">{ props.toolbar.clone() }</div>
                    <aside class={classes!("lab-panel", open.then_some("open"))} aria-label="Settings">
                        <button type="button" class="drawer-toggle" id="drawer-toggle" aria-expanded={open.to_string()}
                            aria-controls="lab-controls" onclick={toggle}>
                            { if *open { "Hide the settings" } else { "Show the settings" } }
                        </button>
                        <div class="drawer" id="lab-controls">{ props.controls.clone() }</div>
                    </aside>
                </div>
            </div>
            <p class="lede">{ props.lede.clone() }</p>
            <div class="lab-details">{ props.children.clone() }</div>
        </article>
    }
}

fn headline(h: &Headline) -> Html {
    html! {
        <div class="headline-number">
            <dt>{ &h.label }</dt>
            <dd id={h.id}>
                { for h.values.iter().map(|v| html! { <span class="value">{ v }</span> }) }
                { h.theory.as_ref().map(|t| html! { <span class="theory">{ format!("theory {t}") }</span> }).unwrap_or_default() }
                { h.detail.as_ref().map(|d| html! { <span class="detail">{ d }</span> }).unwrap_or_default() }
            </dd>
        </div>
    }
}
