//! The Tamper-evident log lab's component: maps controls to `proofs::Command`s and the model's
//! report to the audit path, the verifier's recomputation, and the consistency check. All hashing
//! is in `shardscope_core`.

use shardscope_core::labs::proofs::{report, Command, Model, Params, Report, Tamper, MAX_SIZE};
use shardscope_core::merkle::rfc6962::Hash;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::lab::{choice_select, number_field, use_lab};
use crate::widgets::TextField;

fn hex(hash: &Hash) -> String {
    shardscope_core::labs::proofs::hex(hash)
}

/// The first 16 hex digits, enough to tell hashes apart on screen; the full value is in `title`.
fn short(hash: &Hash) -> Html {
    let full = hex(hash);
    html! { <code title={full.clone()}>{ format!("{}…", &full[..16]) }</code> }
}

/// The Tamper-evident log lab.
#[function_component]
pub fn ProofsLab() -> Html {
    let lab = use_lab::<Params>();
    let input_note = use_state(|| None::<String>);
    let p = lab.model().params;
    // A log of at most 4,096 records hashes in a few milliseconds, so no chunking is needed.
    let r = use_memo(p, report);
    let field = |what, make| number_field(&lab, &input_note, what, make);
    let on_size = field("Records", |v| u32::try_from(v).ok().map(Command::SetSize));
    let on_seed = field("Seed", |v| Some(Command::SetSeed(v)));
    let on_leaf = field("Record to prove", |v| u32::try_from(v).ok().map(Command::SetLeaf));
    let on_old = field("Earlier size", |v| u32::try_from(v).ok().map(Command::SetOld));
    let on_at = lab.on(|e: Event| {
        Command::SetAt(
            e.target_unchecked_into::<HtmlSelectElement>()
                .value()
                .parse()
                .unwrap_or(0),
        )
    });

    html! {
        <article class="lab" aria-labelledby="lab-title">
            <h1 id="lab-title">{ Model::info().title }</h1>
            <p class="lede">
                { "Certificate Transparency logs publish one SHA-256 Merkle root (RFC 6962). With a handful of hashes anyone can check that a record is in the log, and that today's log extends yesterday's without rewriting it. Change one byte anywhere and the check fails." }
            </p>
            { lab.problems_banner() }
            <form class="controls" aria-label="Lab settings" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <TextField id="size" label={format!("Records in the log (1–{MAX_SIZE})")} value={p.size.to_string()} min="1" max={MAX_SIZE.to_string()} on_commit={on_size} />
                <TextField id="leaf" label={format!("Record to prove (0–{})", p.size - 1)} value={p.leaf.to_string()} min="0" max={(p.size - 1).to_string()} on_commit={on_leaf} />
                <TextField id="seed" label="Seed" kind="text" value={p.seed.to_string()} on_commit={on_seed} />
            </form>
            { lab.notice(input_note.as_deref()) }
            <section class="results" data-state="done" data-query={lab.canonical.clone()}
                data-inclusion={r.inclusion_ok.to_string()} data-consistency={r.consistency_ok.to_string()}>
                <p>{ "The log's root: " }<code id="root" class="hash">{ hex(&r.root) }</code></p>
                <h2>{ "Inclusion: is record " }{ p.leaf }{ " in the log?" }</h2>
                <p>{ "The record: " }<code id="record">{ &r.record }</code></p>
                <fieldset class="walkthrough">
                    <legend>{ "Tamper with one byte" }</legend>
                    <div class="event-buttons">
                        <label class="inline">
                            <span>{ "Flip a byte of" }</span>
                            { choice_select("tamper", p.tamper, lab.on(Command::SetTamper)) }
                        </label>
                        if p.tamper == Tamper::Proof {
                            <label class="inline">
                                <span>{ "Which proof hash" }</span>
                                <select id="at" onchange={on_at}>
                                    { for (0..r.proof.len()).map(|i| html! { <option value={i.to_string()} selected={i == p.at as usize}>{ format!("hash {}", i + 1) }</option> }) }
                                </select>
                            </label>
                        }
                    </div>
                </fieldset>
                { trace_table(&r) }
                <p class="headline" id="inclusion-verdict">{ inclusion_verdict(&r, p.tamper) }</p>

                <h2>{ "Consistency: did the log only grow?" }</h2>
                <form class="controls" aria-label="Consistency settings" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                    <TextField id="old" label={format!("Earlier size (1–{})", p.size)} value={p.old.to_string()} min="1" max={p.size.to_string()} on_commit={on_old} />
                    <label>
                        <span>{ "Flip a byte of" }</span>
                        { choice_select("ctamper", p.ctamper, lab.on(Command::SetConsistencyTamper)) }
                    </label>
                </form>
                <div class="event-buttons">
                    <button type="button" id="append" onclick={lab.on(|_: MouseEvent| Command::Append)}>{ "Append a record" }</button>
                </div>
                <p>{ format!("Root at size {}: ", p.old) }<code class="hash" id="old-root">{ hex(&r.old_root) }</code></p>
                <ol class="proof-list" id="consistency-proof" aria-label="Consistency proof hashes">
                    { for r.consistency.iter().map(|h| html! { <li>{ short(h) }</li> }) }
                </ol>
                <p class="headline" id="consistency-verdict">{
                    match (r.consistency_ok, p.old == p.size) {
                        (true, true) => "Verified: the sizes are equal, so the roots must be equal, and they are.".to_owned(),
                        (true, false) => format!("Verified: the first {} records are unchanged in the log of {} (✓).", p.old, p.size),
                        (false, _) => "Verification failed (✗): the old root is not a prefix of the new log under this proof.".to_owned(),
                    }
                }</p>
            </section>
            { lab.share() }
        </article>
    }
}

fn trace_table(r: &Report) -> Html {
    let diverged = r.diverged_at;
    let mark = |k: usize| {
        if diverged.is_some_and(|d| k >= d) {
            "differs"
        } else {
            "same"
        }
    };
    html! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Verifier's recomputation">
        <table class="loads" id="trace">
            <caption>{ "The verifier's recomputation, step by step, beside the honest one" }</caption>
            <thead><tr>
                <th scope="col">{ "Step" }</th>
                <th scope="col">{ "Input" }</th>
                <th scope="col">{ "Verifier computes" }</th>
                <th scope="col">{ "Honest value" }</th>
                <th scope="col">{ "Match" }</th>
            </tr></thead>
            <tbody>
                <tr data-step="0" class={mark(0)}>
                    <th scope="row">{ "leaf" }</th>
                    <td>{ "SHA-256(0x00 ‖ record)" }</td>
                    <td>{ short(&r.checked.leaf_hash) }</td>
                    <td>{ short(&r.honest.leaf_hash) }</td>
                    <td>{ if mark(0) == "same" { "= same" } else { "≠ differs" } }</td>
                </tr>
                { for r.checked.steps.iter().zip(&r.honest.steps).zip(&r.presented_proof).enumerate().map(|(i, ((c, h), sibling))| {
                    let k = i + 1;
                    html! {
                        <tr data-step={k.to_string()} class={mark(k)}>
                            <th scope="row">{ k }</th>
                            <td>{ if c.sibling_on_left { "SHA-256(0x01 ‖ proof hash ‖ previous), proof hash " } else { "SHA-256(0x01 ‖ previous ‖ proof hash), proof hash " } }{ short(sibling) }</td>
                            <td>{ short(&c.result) }</td>
                            <td>{ short(&h.result) }</td>
                            <td>{ if mark(k) == "same" { "= same" } else { "≠ differs" } }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
        </div>
    }
}

fn inclusion_verdict(r: &Report, tamper: Tamper) -> String {
    if r.inclusion_ok {
        return format!("Verified (✓): {} hashes prove the record is in the log.", r.proof.len());
    }
    match (tamper, r.diverged_at) {
        (_, Some(0)) => "Verification failed (✗) at the leaf: the record's hash already differs from the one in the log.".into(),
        (_, Some(k)) => format!("Verification failed (✗) at step {k}: the forged proof hash sends the computation off the honest path, and it never returns to the root."),
        (_, None) => "Verification failed (✗) at the end: the recomputed root is right, but it does not match the published root.".into(),
    }
}
