//! The Caching lab's component: maps controls to `cache::Command`s and the model and its report
//! to the miss-ratio curves, the headline numbers and the table of every number. All computation
//! is in `shardscope_core::labs::cache`, run in the lab's Web Worker.

mod charts;

use shardscope_core::cache::tracefile::sniff;
use shardscope_core::cache::Policy;
use shardscope_core::labs::cache::{
    alpha_text, Command, Distribution, Model, Params, PolicyReport, Report, MAX_ALPHA_CENTI, MAX_OBJECTS,
    MAX_OBJECT_KB, MAX_POLICIES, MAX_REQUESTS, MAX_SCAN_LEN, MAX_SHARE, PRESETS, STEP_CACHE, STEP_OBJECTS,
    STEP_REQUESTS, WARMUP_PERCENT,
};
use shardscope_core::labs::cache::{file_refusal, FileSummary};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::frame::{Headline, LabFrame};
use crate::hooks::Progress;
use crate::lab::{alpha_field, choice_select, group_digits, number_field, use_lab, LabHandle};
use crate::widgets::TextField;
use crate::worker::{use_worker, worker_status, Attach};
use charts::pct;

/// The headline numbers' ids and labels, in order.
const HEADLINES: [(&str, &str); 4] = [
    ("headline-miss", "Miss ratio at the chosen size"),
    ("headline-best", "Best policy here"),
    ("headline-90", "LRU's size for 90 % hits"),
    ("headline-working-set", "Working set"),
];

/// The Caching lab.
#[function_component]
pub fn CacheLab() -> Html {
    let lab = use_lab::<Params>();
    let note = use_state(|| None::<String>);
    let p = lab.model().params.clone();
    // Stepping through the miniature changes only what is shown, not what is computed.
    let run = use_worker::<_, true>(&Params { step: 0, ..p.clone() });
    let on_file = {
        let attach = run.attach.clone();
        let note = note.clone();
        let state = lab.state.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // A whole number of bytes.
            let bytes = file.size() as u64;
            if let Some(refusal) = file_refusal(&file.name(), bytes) {
                note.set(Some(refusal));
                input.set_value("");
                return;
            }
            note.set(None);
            let state = state.clone();
            attach.emit(Attach {
                file,
                check: |bytes| sniff(bytes).map_err(|e| e.to_string()),
                then: Callback::from(move |()| state.dispatch(Command::SetDistribution(Distribution::File))),
            });
        })
    };
    let (state, status_html) = worker_status(
        &run,
        "Drawing the requests and running every policy in a background worker",
    );
    let done = state == "done";
    let shown = run.shown();
    let size = p.size;
    let toolbar = html! { <>
        { lab.preset_menu(PRESETS) }
        <div class="event-buttons">
            <button type="button" id="smaller" data-shortcut="back" onclick={lab.on(move |_: MouseEvent| Command::SetSize((size / 2).max(1)))}
                disabled={size <= 1}>{ "◀ Halve the cache" }</button>
            <button type="button" id="larger" data-shortcut="forward" onclick={lab.on(move |_: MouseEvent| Command::SetSize(size.saturating_mul(2)))}
                disabled={size >= p.most_objects()}>{ "Double the cache ▶" }</button>
        </div>
        <p class="event-now" id="size-now">{ format!("Cache: {} objects.", group_digits(size.into())) }</p>
        <p class="keys-hint" id="keys-hint">{ "Keys: ← halves the cache, → doubles it." }</p>
        { lab.notice(note.as_deref()) }
    </> };
    let figure = html! {
        <section class="results" data-state={state} aria-busy={(!done).then_some("true")}
            data-query={done.then(|| lab.canonical.clone())}>
            { status_html }
            { shown.as_ref().map(|c| charts::curve_chart(&c.report, done)).unwrap_or_default() }
        </section>
    };
    let headline = shown
        .as_ref()
        .map_or_else(|| Headline::pending(&HEADLINES), |c| headline(&c.report));
    let details = match &run.progress {
        Progress::Done(c) => html! { <>
            { stepped_view(&lab, &c.report) }
            { numbers_table(&c.report) }
        </> },
        _ => Html::default(),
    };
    html! {
        <LabFrame title={Model::info().title} class="cache" banner={lab.problems_banner()} {figure} {headline} {toolbar}
            controls={controls(&lab, &note, on_file, run.attached.as_deref())}
            lede={html! { <>
                { "A cache keeps a few objects close so most requests never reach the database or the origin. Which few is the eviction policy's choice. " }
                { "Here up to six policies serve the same seeded requests, at every cache size, beside what theory predicts and what Belady's OPT, which knows the future, would have done." }
            </> }}>
            { details }
            <section class="note">
                <h2>{ "How the numbers are made" }</h2>
                <p>{ format!("The requests are drawn first, then every policy serves all of them from an empty cache at each size; the first {WARMUP_PERCENT} % only warm the cache and are not counted. Drawn objects have one size unless a median size is set: then each object's size is drawn from a log-normal law around it (σ = 1, from the seed), and every policy gets a byte miss ratio (bytes missed over bytes requested), as a trace file with a size column does; capacity is still counted in objects.") }</p>
                <p>{ "Your own trace is read by the background worker, a megabyte at a time, and never leaves your browser: one request per line, key[,size][,time], comma-, tab- or space-separated, an optional first line naming the columns (key, size, time). Keys that are all plain numbers are the objects themselves, so a trace written by shardscope cache-trace replays exactly the lab's requests; other keys are numbered in order of first appearance. A bad line is named by its number." }</p>
                <p>{ "LRU's curve needs no simulation per size: LRU is a stack algorithm (Mattson et al., 1970), a cache of C objects always holding the C most recently used, so one pass that measures each request's stack distance gives its hits at every size at once, exactly. Che's approximation (2002) predicts the same curve from the popularities alone, assuming independent requests; FIFO and Random share another formula (Gelenbe, 1973). Belady's OPT evicts the object used farthest in the future and may leave a missed object out; no policy can miss less." }</p>
                <p>{ "W-TinyLFU is modelled with the paper's fixed 1 % window, not Caffeine's hill climber that resizes it; S3-FIFO follows the SOSP 2023 paper's algorithm with the reference implementation's constants (10 % small queue, a ghost queue of 90 %, promotion after two uses); LFU ages with LFU-DA's dynamic aging." }</p>
            </section>
            { lab.share() }
        </LabFrame>
    }
}

/// One line per policy: its name and a value.
fn per_policy(r: &Report, value: impl Fn(&PolicyReport) -> String) -> Vec<String> {
    r.policies.iter().map(|x| format!("{}: {}", x.name, value(x))).collect()
}

fn headline(r: &Report) -> Vec<Headline> {
    let [miss, best, ninety, working] = HEADLINES;
    let theory: Vec<String> = r
        .policies
        .iter()
        .filter_map(|x| {
            x.theory.map(|t| {
                format!(
                    "{} {}",
                    if x.policy == Policy::Lru { "Che (LRU)" } else { "IRM" },
                    pct(t)
                )
            })
        })
        .collect();
    let online = r
        .policies
        .iter()
        .filter(|x| x.policy != Policy::Opt)
        .min_by(|a, b| a.miss_ratio.total_cmp(&b.miss_ratio));
    let opt = r.policies.iter().find(|x| x.policy == Policy::Opt);
    vec![
        Headline {
            id: miss.0,
            label: format!(
                "Miss ratio at {} objects ({:.1} % of the working set)",
                group_digits(r.size.into()),
                r.size_percent
            ),
            values: per_policy(r, |x| pct(x.miss_ratio)),
            theory: (!theory.is_empty()).then(|| theory.join(" · ")),
            detail: Some(format!("of {} counted requests", group_digits(r.counted.into()))),
        },
        Headline {
            id: best.0,
            label: best.1.into(),
            values: vec![online.map_or_else(|| "OPT only".into(), |x| format!("{}: {}", x.name, pct(x.miss_ratio)))],
            theory: None,
            detail: Some(match (online, opt) {
                (Some(x), Some(o)) => format!(
                    "OPT, which knows the future: {}; {} points above it",
                    pct(o.miss_ratio),
                    format_args!("{:.1}", 100.0 * (x.miss_ratio - o.miss_ratio))
                ),
                _ => "add OPT to see the floor".into(),
            }),
        },
        Headline {
            id: ninety.0,
            label: ninety.1.into(),
            values: vec![r.lru_size_for_90.map_or_else(
                || {
                    if r.lru_curve.is_empty() {
                        "add LRU to see it".into()
                    } else {
                        "none reaches 90 %".into()
                    }
                },
                |s| format!("{} objects", group_digits(s.into())),
            )],
            theory: r
                .che_size_for_90
                .map(|s| format!("Che: {} objects", group_digits(s.into()))),
            detail: Some("exact, from LRU's stack distances".into()),
        },
        Headline {
            id: working.0,
            label: working.1.into(),
            values: vec![format!("{} objects", group_digits(r.distinct.into()))],
            theory: None,
            detail: Some(format!(
                "{} of the counted requests are first uses, which every cache misses; the top 1 % of objects get {}",
                pct(r.cold as f64 / f64::from(r.counted.max(1))),
                pct(r.top_percent_share)
            )),
        },
    ]
}

/// The miniature run, request by request: each policy's hit or miss, what it evicted, and its
/// queues, ghosts and hand after the request.
fn stepped_view(lab: &LabHandle<Params>, r: &Report) -> Html {
    let step = lab.model().params.step;
    let s = &r.stepped;
    let at = step.checked_sub(1).map(|i| i as usize);
    let list = |items: &[u32]| {
        if items.is_empty() {
            "—".to_owned()
        } else {
            items.iter().map(u32::to_string).collect::<Vec<_>>().join(" ")
        }
    };
    let status = match at {
        None => format!("Before the first of {STEP_REQUESTS} requests: every cache is empty."),
        Some(i) => format!("Request {} of {STEP_REQUESTS}: object {}.", i + 1, s.requests[i]),
    };
    html! {
        <section class="stepped" aria-label="A miniature, request by request">
            <h2>{ "A miniature, request by request" }</h2>
            <p>{ format!("The same workload in small: {STEP_OBJECTS} objects, {STEP_REQUESTS} requests, a cache of {STEP_CACHE}. The requests: {}.", list(&s.requests)) }</p>
            <div class="event-buttons">
                <button type="button" id="mini-first" onclick={lab.on(|_: MouseEvent| Command::FirstStep)} disabled={step == 0}>{ "⏮ Start" }</button>
                <button type="button" id="mini-back" onclick={lab.on(|_: MouseEvent| Command::BackStep)} disabled={step == 0}>{ "◀ Previous request" }</button>
                <button type="button" id="mini-next" onclick={lab.on(|_: MouseEvent| Command::NextStep)} disabled={step >= STEP_REQUESTS}>{ "Next request ▶" }</button>
            </div>
            <p id="mini-status" aria-live="polite">{ status }</p>
            if let Some(i) = at {
                <div class="table-scroll" tabindex="0" role="region" aria-label="Each policy after the request">
                    <table class="loads" id="mini">
                        <thead><tr><th scope="col">{ "Policy" }</th><th scope="col">{ "This request" }</th><th scope="col">{ "Evicted" }</th><th scope="col">{ "Hits so far" }</th><th scope="col">{ "State after it" }</th></tr></thead>
                        <tbody>
                            { for r.policies.iter().zip(&s.steps).map(|(x, steps)| {
                                let st = &steps[i];
                                html! { <tr data-policy={x.policy.slug()}>
                                    <th scope="row">{ &x.name }</th>
                                    <td class="mini-hit">{ if st.hit { "hit" } else { "miss" } }</td>
                                    <td class="mini-evicted">{ list(&st.evicted) }</td>
                                    <td class="mini-hits">{ format!("{} of {}", st.hits, i + 1) }</td>
                                    <td class="mini-lists">{ for st.lists.iter().map(|(name, items)| html! { <span class="mini-list">{ format!("{name}: {}", list(items)) }</span> }) }</td>
                                </tr> }
                            }) }
                        </tbody>
                    </table>
                </div>
            }
        </section>
    }
}

/// Every number of every policy, measured beside theory.
fn numbers_table(r: &Report) -> Html {
    let row = |label: &str, id: &str, cell: &dyn Fn(&PolicyReport) -> String| {
        html! {
            <tr id={id.to_owned()}>
                <th scope="row">{ label }</th>
                { for r.policies.iter().map(|x| html! { <td data-policy={x.policy.slug()}>{ cell(x) }</td> }) }
            </tr>
        }
    };
    html! {
        <section class="numbers" aria-label="Numbers">
            <h2>{ "Every number" }</h2>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Every number of every policy">
                <table class="loads" id="numbers">
                    <thead><tr><th scope="col">{ "Number" }</th>{ for r.policies.iter().map(|x| html! { <th scope="col">{ &x.name }</th> }) }</tr></thead>
                    <tbody>
                        { row(&format!("Miss ratio at {} objects", group_digits(r.size.into())), "row-miss", &|x| format!("{:.4}", x.miss_ratio)) }
                        { row("Theory", "row-theory", &|x| x.theory.map_or_else(|| "—".into(), |t| format!("{t:.4}"))) }
                        if r.counted_bytes.is_some() {
                            { row("Byte miss ratio", "row-byte-miss", &|x| x.byte_miss_ratio.map_or_else(|| "—".into(), |b| format!("{b:.4}"))) }
                        }
                        { row("Hits", "row-hits", &|x| group_digits(x.hits)) }
                        { row("Misses", "row-misses", &|x| group_digits(x.misses)) }
                        { row("Source", "row-source", &|x| x.source.clone()) }
                    </tbody>
                </table>
            </div>
            <p>{ format!("{} requests, the first {} not counted; {} distinct objects, {} first uses among the counted requests.",
                group_digits(r.requests.into()), group_digits((r.requests - r.counted).into()), group_digits(r.distinct.into()), group_digits(r.cold)) }</p>
            if let Some(f) = &r.file {
                <p id="file-summary">{ file_summary(f, r.counted_bytes) }</p>
            }
            { for r.notes.iter().map(|n| html! { <p class="notice">{ n }</p> }) }
        </section>
    }
}

/// What was read from the user's file, in words.
fn file_summary(f: &FileSummary, counted_bytes: Option<u64>) -> String {
    let mut parts = vec![format!(
        "Read from your file: {} bytes, {} lines{}",
        group_digits(f.bytes),
        group_digits(f.lines),
        if f.header { ", the first naming the columns" } else { "" }
    )];
    if f.renumbered {
        parts.push("keys numbered in order of first appearance".into());
    } else {
        parts.push("keys are the object numbers".into());
    }
    match counted_bytes {
        Some(b) => parts.push(format!(
            "sizes read: {} bytes requested after the warm-up; capacity is still counted in objects, and OPT is the floor of object misses, not of bytes",
            group_digits(b)
        )),
        None => parts.push("no sizes, so byte and object miss ratios are the same".into()),
    }
    if f.times {
        parts.push("times checked but not used: requests are replayed in file order".into());
    }
    if f.truncated {
        parts.push("the file has more than 10,000,000 requests: the first 10,000,000 were replayed".into());
    }
    format!("{}.", parts.join("; "))
}

fn controls(
    lab: &LabHandle<Params>,
    field_note: &UseStateHandle<Option<String>>,
    on_file: Callback<Event>,
    attached: Option<&str>,
) -> Html {
    let p = lab.model().params.clone();
    let field = |what, make| number_field(lab, field_note, what, make);
    let on_objects = field("Objects", |v| u32::try_from(v).ok().map(Command::SetObjects));
    let on_requests = field("Requests", |v| u32::try_from(v).ok().map(Command::SetRequests));
    let on_size = field("Cache size", |v| u32::try_from(v).ok().map(Command::SetSize));
    let on_scan = field("Scan share", |v| u32::try_from(v).ok().map(Command::SetScan));
    let on_scan_len = field("Scanned loop", |v| u32::try_from(v).ok().map(Command::SetScanLen));
    let on_shift = field("Shift", |v| u32::try_from(v).ok().map(Command::SetShift));
    let on_one_hit = field("One-hit wonders", |v| u32::try_from(v).ok().map(Command::SetOneHit));
    let on_object_kb = field("Median object size", |v| {
        u32::try_from(v).ok().map(Command::SetObjectKb)
    });
    let on_seed = field("Seed", |v| Some(Command::SetSeed(v)));
    let on_alpha = alpha_field(lab, field_note, MAX_ALPHA_CENTI, Command::SetAlpha);
    let on_policy = lab.on(|e: Event| {
        let slug = e.target_unchecked_into::<HtmlInputElement>().value();
        // The boxes carry only the policies' own slugs, so the lookup always succeeds.
        Command::Toggle(Policy::from_slug(&slug).unwrap_or(Policy::Lru))
    });
    let on_curve = lab.on(|e: Event| Command::SetCurve(e.target_unchecked_into::<HtmlInputElement>().checked()));
    let uses = |x: Policy| p.policies.contains(&x);
    let full = p.policies.len() >= MAX_POLICIES;
    html! { <>
        <fieldset class="algorithms">
            <legend>{ format!("Policies (up to {MAX_POLICIES}, on the same requests)") }</legend>
            { for Policy::ALL.iter().map(|&x| html! {
                <label class="inline">
                    <input type="checkbox" id={format!("policy-{}", x.slug())} value={x.slug()} checked={uses(x)}
                        disabled={(uses(x) && p.policies.len() == 1) || (!uses(x) && full)} onchange={on_policy.clone()} />
                    <span>{ x.name() }</span>
                </label>
            }) }
        </fieldset>
        <form class="controls" aria-label="Lab settings" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <label>
                <span>{ "Popularity" }</span>
                { choice_select("dist", p.distribution, lab.on(Command::SetDistribution)) }
            </label>
            <label>
                <span>{ "Your own trace (text or CSV, one request per line: key[,size][,time]; up to 256 MB; it never leaves your browser)" }</span>
                <input type="file" id="trace" accept=".csv,.txt,.tsv,.log,text/csv,text/plain" onchange={on_file} />
            </label>
            if p.distribution == Distribution::File {
                <p class="hint" id="trace-now">{ attached.map_or_else(
                    || "This state replays a trace file: choose it above.".to_owned(),
                    |name| format!("Replaying {name}; the settings below the cache size do not apply to a file."),
                ) }</p>
            }
            <TextField id="alpha" label={format!("Zipf exponent α (0–{})", alpha_text(MAX_ALPHA_CENTI))} kind="text" value={alpha_text(p.alpha_centi)}
                disabled={p.distribution != Distribution::Zipf} on_commit={on_alpha} />
            <TextField id="objects" label={format!("Objects (1–{})", group_digits(MAX_OBJECTS.into()))} value={p.objects.to_string()}
                min="1" max={MAX_OBJECTS.to_string()} on_commit={on_objects} />
            <TextField id="requests" label={format!("Requests (1–{})", group_digits(MAX_REQUESTS.into()))} value={p.requests.to_string()}
                min="1" max={MAX_REQUESTS.to_string()} on_commit={on_requests} />
            <TextField id="size" label="Cache size (objects)" value={p.size.to_string()} min="1" max={p.most_objects().to_string()} on_commit={on_size} />
            <TextField id="scan" label={format!("Requests that scan a loop (%, 0–{MAX_SHARE})")} value={p.scan_percent.to_string()}
                min="0" max={MAX_SHARE.to_string()} on_commit={on_scan} />
            <TextField id="scanlen" label={format!("Objects in the scanned loop (1–{})", group_digits(MAX_SCAN_LEN.into()))} value={p.scan_len.to_string()}
                min="1" max={MAX_SCAN_LEN.to_string()} disabled={p.scan_percent == 0} on_commit={on_scan_len} />
            <TextField id="shift" label="Popularity shifts after (% of the requests; 0 = never)" value={p.shift_percent.to_string()}
                min="0" max="99" on_commit={on_shift} />
            <TextField id="onehit" label={format!("Requests to one-hit wonders (%, 0–{MAX_SHARE})")} value={p.one_hit_percent.to_string()}
                min="0" max={MAX_SHARE.to_string()} on_commit={on_one_hit} />
            <TextField id="osize" label={format!("Object sizes: the median in KB, log-normal (0 = one size; 0–{})", group_digits(MAX_OBJECT_KB.into()))}
                value={p.object_kb.to_string()} min="0" max={MAX_OBJECT_KB.to_string()} on_commit={on_object_kb} />
            <TextField id="seed" label="Seed" kind="text" value={p.seed.to_string()} on_commit={on_seed} />
            <label class="inline">
                <input type="checkbox" id="curve" checked={p.curve} onchange={on_curve} />
                <span>{ "Every policy's whole curve (seven sizes each; off: the chosen size only, LRU's curve stays)" }</span>
            </label>
        </form>
    </> }
}
