//! Small form widgets shared by the labs.

use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Properties of [`TextField`].
#[derive(Properties, PartialEq)]
pub struct TextFieldProps {
    /// The element id (tests and labels use it).
    pub id: AttrValue,
    /// The visible label, which is also the accessible name.
    pub label: AttrValue,
    /// The model's current value.
    pub value: AttrValue,
    /// Receives the text when the person commits it (Enter, or leaving the field).
    pub on_commit: Callback<String>,
    /// `number`, `range` or `text`.
    #[prop_or(AttrValue::Static("number"))]
    pub kind: AttrValue,
    /// For numbers: the smallest value.
    #[prop_or_default]
    pub min: Option<AttrValue>,
    /// For numbers: the largest value.
    #[prop_or_default]
    pub max: Option<AttrValue>,
    /// Whether the field is disabled.
    #[prop_or_default]
    pub disabled: bool,
}

/// A labelled input that keeps what the person is typing.
///
/// Labs re-render many times a second while they compute. An input bound straight to the model
/// would be reset to the model's value by each of those renders, erasing half-typed text. This
/// field holds a draft while the person types and takes the model's value again only when the
/// model changes (a committed edit, a loaded permalink, the back button).
#[function_component]
pub fn TextField(props: &TextFieldProps) -> Html {
    let draft = use_state(|| props.value.to_string());
    {
        let draft = draft.clone();
        use_effect_with(props.value.clone(), move |value| draft.set(value.to_string()));
    }
    let oninput = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| draft.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let onchange = {
        let on_commit = props.on_commit.clone();
        Callback::from(move |e: Event| on_commit.emit(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let numeric = props.kind != "text";
    html! {
        <label>
            <span>{ &props.label }</span>
            <input
                id={props.id.clone()}
                type={props.kind.clone()}
                inputmode={(!numeric).then_some("numeric")}
                min={props.min.clone()}
                max={props.max.clone()}
                step={numeric.then_some("1")}
                value={(*draft).clone()}
                disabled={props.disabled}
                {oninput}
                {onchange}
            />
        </label>
    }
}
