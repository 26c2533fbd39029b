//! The "Scaling to 10 million users" lab's component: maps controls to `system::Command`s and
//! the model and its report to the architecture, the headline numbers and the tables of every
//! tier. All computation is in `shardscope_core::labs::system`, run in the lab's Web Worker.

mod diagram;

use shardscope_core::labs::system::{
    slider_position, users_at, Command, Field, Model, Params, Report, FIELDS, PRESETS, SLIDER_MAX,
};
use shardscope_core::labs::LabParams;
use shardscope_core::query::Choice;
use shardscope_core::system::design::Fault;
use shardscope_core::system::prices::TABLE;
use yew::prelude::*;

use crate::frame::{Headline, LabFrame};
use crate::hooks::{use_autoplay, Progress};
use crate::lab::{
    choice_select, field_inputs, group_digits, group_float, number_field, percent_of_one, use_lab, LabHandle,
};
use crate::widgets::TextField;
use crate::worker::{use_worker, worker_status};

use diagram::{tier_name, View};

/// How long "Play" shows each second of the run…
const PLAY_MS: u32 = 400;
/// …and the most frames it plays, skipping seconds in a long run.
const PLAY_FRAMES: u32 = 150;

/// The headline numbers' ids and labels, in order.
const HEADLINES: [(&str, &str); 5] = [
    ("headline-p99", "End-to-end p99"),
    ("headline-failed", "Failed requests"),
    ("headline-bottleneck", "Bottleneck"),
    ("headline-max-users", "Most users within the SLO"),
    ("headline-cost", "Monthly cost"),
];

fn ms(v: f64) -> String {
    format!("{v:.1} ms")
}

fn dollars(v: f64) -> String {
    format!("${}", group_float(v))
}

#[allow(clippy::cast_precision_loss)]
fn share(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// The lab.
#[function_component]
pub fn SystemLab() -> Html {
    let lab = use_lab::<Params>();
    let note = use_state(|| None::<String>);
    let p = lab.model().params.clone();
    // Playing the run second by second changes only what is shown, not what is computed.
    let run = use_worker::<_, false>(&p.computed());
    let (state, status_html) = worker_status(
        &run,
        "Simulating every request through every tier in a background worker",
    );
    let done = state == "done";
    let shown = run.shown();
    let seconds = shown
        .as_ref()
        .map_or(0, |c| u32::try_from(c.report.system.timeline.len()).unwrap_or(u32::MAX));
    let second = p.second.min(seconds);
    let view = if second == 0 {
        View::Run
    } else {
        View::Second(second as usize - 1)
    };
    let playing = use_state(|| false);
    let stride = seconds.div_ceil(PLAY_FRAMES).max(1);
    let next = (second + stride).min(seconds);
    {
        let state = lab.state.clone();
        let advance = Callback::from(move |()| state.dispatch(Command::Show(next)));
        use_autoplay(&playing, second, second >= seconds, done, PLAY_MS, advance);
    }
    let on_play = {
        let playing = playing.clone();
        let state = lab.state.clone();
        let at_end = second >= seconds;
        Callback::from(move |_: MouseEvent| {
            if !*playing && at_end {
                state.dispatch(Command::Show(1));
            }
            playing.set(!*playing);
        })
    };
    let on_scrub = lab.on(|e: InputEvent| {
        // A range input's value is always one of its positions.
        let raw = e.target_unchecked_into::<web_sys::HtmlInputElement>().value();
        Command::Show(raw.parse().unwrap_or(0))
    });
    let back = second.saturating_sub(stride);
    let users = p.get(Field::Users);
    let position = slider_position(users);
    let on_slide = lab.on(|e: Event| {
        // A range input's value is always one of its positions.
        let raw = e.target_unchecked_into::<web_sys::HtmlInputElement>().value();
        Command::Set(Field::Users, users_at(raw.parse().unwrap_or(0)))
    });
    let toolbar = html! { <>
        { lab.preset_menu(PRESETS) }
        <label class="slider">
            <span>{ format!("Users: {}", group_digits(u64::from(users))) }</span>
            <input type="range" id="users-slider" min="0" max={SLIDER_MAX.to_string()} step="1"
                value={position.to_string()} aria-valuetext={format!("{} users", group_digits(u64::from(users)))}
                onchange={on_slide} />
        </label>
        <label>
            <span>{ "Fault" }</span>
            { choice_select("fault", p.fault, lab.on(Command::SetFault)) }
        </label>
        { lab.notice(note.as_deref()) }
    </> };
    let figure = html! {
        <section class="results" data-state={state} aria-busy={(!done).then_some("true")}
            data-query={done.then(|| lab.canonical.clone())}>
            { status_html }
            { shown.as_ref().map(|c| diagram::architecture(&p, &c.report, view)).unwrap_or_default() }
            <div class="time-controls">
                <div class="event-buttons">
                    <button type="button" id="whole-run" onclick={lab.on(|_: MouseEvent| Command::Show(0))} disabled={second == 0}>{ "⏮ Whole run" }</button>
                    <button type="button" id="step-back" data-shortcut="back" onclick={lab.on(move |_: MouseEvent| Command::Show(back))} disabled={second == 0}>{ "◀ Back" }</button>
                    <button type="button" id="step-next" data-shortcut="forward" onclick={lab.on(move |_: MouseEvent| Command::Show(next))}
                        disabled={seconds == 0 || second >= seconds}>{ "Next second ▶" }</button>
                    <button type="button" id="play" data-shortcut="play" aria-pressed={(*playing).to_string()} onclick={on_play} disabled={seconds == 0}>
                        { if *playing { "Pause" } else if seconds > 0 && second >= seconds { "Replay" } else { "Play" } }
                    </button>
                </div>
                <label class="slider">
                    <span>{ if second == 0 { "Second: the whole run".to_owned() } else { format!("Second {second} of {seconds}") } }</span>
                    <input type="range" id="second-slider" min="0" max={seconds.to_string()} step="1" value={second.to_string()}
                        disabled={seconds == 0} aria-valuetext={if second == 0 { "the whole run".to_owned() } else { format!("second {second} of {seconds}") }}
                        oninput={on_scrub} />
                </label>
                <p id="step-status" class="event-now" aria-live="polite">{ shown.as_ref().map(|c| second_status(&p, &c.report, view)).unwrap_or_default() }</p>
                <p class="keys-hint" id="keys-hint">{ "Keys: Space plays the run second by second or pauses; ← and → step through it." }</p>
            </div>
        </section>
    };
    let headline = shown
        .as_ref()
        .map_or_else(|| Headline::pending(&HEADLINES), |c| headline(&p, &c.report));
    let details = match &run.progress {
        Progress::Done(c) => html! { <>
            { diagram::seconds_chart(&p, &c.report, view, done) }
            { tiers_table(&c.report) }
            { outcomes_table(&c.report) }
            { slo_table(&c.report) }
            { cost_table(&c.report) }
        </> },
        _ => Html::default(),
    };
    html! {
        <LabFrame title={Model::info().title} class="system" banner={lab.problems_banner()} {figure} {headline} {toolbar}
            controls={controls(&lab, &note)}
            lede={html! { <>
                { "One server, then a separate database, a load balancer, a cache, a CDN, read replicas, shards, a message bus and more datacenters: each step of the presets fixes the bottleneck of the one before. " }
                { "Every request is simulated through every tier as queues of workers; move the users from 1 to 10,000,000, break something, and compare each tier with queueing theory." }
            </> }}>
            { details }
            <section class="note">
                <h2>{ "How the numbers are made" }</h2>
                <p>{ "Users make their requests per day on a daily curve that peaks in each region's evening; requests arrive as a Poisson stream at that rate (times the spike, if any) and are static files, reads, writes or logins in the mix set. Every server is a queue with its workers, and every piece of work takes an exponential time of its mean: 2 ms to send a static file, 5 ms to render a page, 8 ms for a write and 20 ms for a login on a web server, 0.3 ms for the cache, 2 ms to read and 5 ms to write the database, 10 ms a service call, and a write's follow-up work (50 ms by default) on its web server or on the bus. Caches and CDN edges are LRU, warm when the run starts, and a miss is filled when the database answers. A user's round trip is 20 ms to a nearby datacenter or edge, plus 80 ms between US East and Europe, 160 ms between Europe and Asia–Pacific and 220 ms between US East and Asia–Pacific (typical figures, used as inputs)." }</p>
                <p>{ "Clients give up on an attempt after the timeout and retry after the backoff; a server whose queue is at its limit refuses at once, and an open circuit breaker refuses calls to its back end for 5 s once half of at least 20 calls in a second failed or took over 250 ms. Utilization is the busy worker time over the worker time while requests arrive; the bottleneck is the tier whose busiest server is the most utilized." }</p>
                <p>{ "Theory: each tier's mean wait beside Erlang C's for one of its servers, W_q = C(c, λ/μ) / (cμ − λ), at the tier's measured arrival rate and service time; Little's law L = λW measured over the run; a fan-out of k calls, each slow with probability p, is slow with probability 1 − (1 − p)^k (Dean and Barroso, “The Tail at Scale”, 2013); caches beside Che's approximation. The most users within the SLO is found by bisection over runs of at least 10 s and 20,000 requests without the fault or the spike." }</p>
            </section>
            { lab.share() }
        </LabFrame>
    }
}

/// What the second shown holds, in words: the requests, the busiest tier, and the fault if it
/// struck then.
fn second_status(p: &Params, r: &Report, view: View) -> String {
    let sys = &r.system;
    let View::Second(i) = view else {
        return format!(
            "The whole run: {} s of arrivals and {} s of drain after them. Press Play or Next second to watch it second by second.",
            p.get(Field::Seconds),
            sys.timeline.len().saturating_sub(p.get(Field::Seconds) as usize)
        );
    };
    let Some(s) = sys.timeline.get(i) else {
        return String::new();
    };
    let busiest = sys
        .tiers
        .iter()
        .filter_map(|t| t.seconds.get(i).map(|x| (t.tier, x.hottest)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(t, h)| format!("; busiest: {}, {}", tier_name(t), percent_of_one(f64::from(h), 0)))
        .unwrap_or_default();
    let phase = if i < p.get(Field::Seconds) as usize {
        ""
    } else {
        " (arrivals have ended: the drain)"
    };
    let fault = if p.fault != Fault::None && i == p.get(Field::FaultAt) as usize {
        format!(" The fault strikes now: {}.", Choice::label(p.fault).to_lowercase())
    } else {
        String::new()
    };
    format!(
        "Second {} of {}{phase}: {} requests started, {} answered, {} failed, p99 {}{busiest}.{fault}",
        i + 1,
        sys.timeline.len(),
        group_digits(s.started.into()),
        group_digits(s.served.into()),
        group_digits(s.failed.into()),
        ms(s.p99.into())
    )
}

fn headline(p: &Params, r: &Report) -> Vec<Headline> {
    let [p99, failed, bottleneck, most, cost] = HEADLINES;
    let s = &r.system;
    let o = s.outcomes;
    let slo = &r.slo;
    let hot = s.bottleneck.and_then(|b| s.tiers.iter().find(|t| t.tier == b));
    vec![
        Headline {
            id: p99.0,
            label: format!("{}: answered requests, network included", p99.1),
            values: vec![ms(s.latency.p99)],
            theory: Some(format!(
                "SLO: p99 under {} ms and errors under {} — {}",
                slo.p99_ms,
                percent_of_one(f64::from(slo.errors_per_10k) / 10_000.0, 2),
                if slo.met { "met" } else { "missed" }
            )),
            detail: Some(format!("p50 {}, p95 {}", ms(s.latency.p50), ms(s.latency.p95))),
        },
        Headline {
            id: failed.0,
            label: format!("{}: after every retry", failed.1),
            values: vec![format!("{} of {}", group_digits(o.failed()), group_digits(o.requests))],
            theory: s.fanout.filter(|f| f.slow_theory > 0.0).map(|f| {
                format!(
                    "fan-out of {}: {} of requests slow by theory, {} measured",
                    f.k,
                    percent_of_one(f.slow_theory, 1),
                    percent_of_one(share(f.slow, f.requests), 1)
                )
            }),
            detail: Some(format!(
                "availability {}; {} retries",
                percent_of_one(1.0 - share(o.failed(), o.requests), 3),
                group_digits(o.retries)
            )),
        },
        Headline {
            id: bottleneck.0,
            label: format!("{}: the busiest server's tier", bottleneck.1),
            values: vec![hot.map_or_else(
                || "—".into(),
                |t| format!("{}, {}", tier_name(t.tier), percent_of_one(t.hottest, 1)),
            )],
            theory: hot.and_then(|t| {
                t.theory.map(|q| {
                    format!(
                        "Erlang C: waits {} on average, measured {}",
                        ms(q.wait),
                        ms(t.wait_mean)
                    )
                })
            }),
            detail: hot.map(|t| format!("Little's law: L = {:.2}, λW = {:.2}", t.little.l, t.little.lambda_w)),
        },
        Headline {
            id: most.0,
            label: format!("{}: p99 and errors within bounds", most.1),
            // A search that met the SLO at its ceiling knows only that many users are served.
            values: vec![if slo.trials.first().is_some_and(|t| t.met) {
                format!("at least {}", group_digits(slo.max_users))
            } else {
                group_digits(slo.max_users)
            }],
            // Utilization grows in proportion to the users, so the busiest server saturates at
            // this run's users over its utilization.
            theory: hot.filter(|t| t.hottest > 0.0).map(|t| {
                format!(
                    "the busiest server reaches ρ = 1 at about {} users",
                    group_float(f64::from(p.get(Field::Users)) / t.hottest)
                )
            }),
            detail: Some(format!(
                "by bisection over {} trial runs{}; this run: {} users, {} requests a second at the peak",
                slo.trials.len(),
                if slo.ceiling < 10_000_000 {
                    format!(
                        " up to {} users (with this fan-out, a trial's second there makes 2 million calls)",
                        group_digits(slo.ceiling)
                    )
                } else {
                    String::new()
                },
                group_digits(u64::from(p.get(Field::Users))),
                group_float(r.peak_rate)
            )),
        },
        Headline {
            id: cost.0,
            label: format!("{}: servers and CDN, on-demand prices", cost.1),
            values: vec![dollars(r.cost.total)],
            theory: None,
            detail: Some(format!(
                "{} server{} {}, CDN {}",
                r.cost.servers,
                if r.cost.servers == 1 { "" } else { "s" },
                dollars(r.cost.servers_dollars),
                dollars(r.cost.cdn_dollars)
            )),
        },
    ]
}

/// Every tier's numbers beside Erlang C and Little's law.
fn tiers_table(r: &Report) -> Html {
    html! {
        <section class="numbers" aria-label="Tiers">
            <h2>{ "Every tier" }</h2>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Every tier's utilization, queue, latency and errors beside theory">
                <table class="loads" id="tier-table">
                    <thead><tr>
                        { for ["Tier", "Servers × workers", "Utilization", "Busiest server", "Mean queue", "Most waiting", "Mean wait", "Erlang C wait", "Service", "p50", "p95", "p99", "Arrivals", "Refused", "Lost to failures", "Timed out here", "Wasted", "L", "λW"]
                            .iter().map(|h| html! { <th scope="col">{ *h }</th> }) }
                    </tr></thead>
                    <tbody>
                        { for r.system.tiers.iter().map(|t| html! {
                            <tr data-tier={t.tier.slug()}>
                                <th scope="row">{ tier_name(t.tier) }</th>
                                <td>{ format!("{} × {}", t.servers, t.workers) }</td>
                                <td class="util">{ percent_of_one(t.utilization, 1) }</td>
                                <td class="hottest">{ percent_of_one(t.hottest, 1) }</td>
                                <td class="queue">{ format!("{:.2}", t.queue) }</td>
                                <td class="queue-max">{ group_digits(t.queue_max) }</td>
                                <td class="wait">{ format!("{:.3} ms", t.wait_mean) }</td>
                                <td class="erlang">{ t.theory.map_or_else(|| "unstable (ρ ≥ 1)".into(), |q| format!("{:.3} ms", q.wait)) }</td>
                                <td class="service">{ format!("{:.3} ms", t.service_mean) }</td>
                                <td class="p50">{ ms(t.latency.p50) }</td>
                                <td class="p95">{ ms(t.latency.p95) }</td>
                                <td class="p99">{ ms(t.latency.p99) }</td>
                                <td class="arrivals">{ group_digits(t.arrivals) }</td>
                                <td class="shed">{ group_digits(t.shed) }</td>
                                <td class="failed">{ group_digits(t.failed) }</td>
                                <td class="timeouts">{ group_digits(t.timeouts) }</td>
                                <td class="wasted">{ group_digits(t.wasted) }</td>
                                <td class="little-l">{ format!("{:.3}", t.little.l) }</td>
                                <td class="little-lw">{ format!("{:.3}", t.little.lambda_w) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// What happened to requests, and the caches beside Che's approximation.
fn outcomes_table(r: &Report) -> Html {
    let s = &r.system;
    let o = s.outcomes;
    let rows: Vec<(&str, &str, String)> = [
        ("Requests", "row-requests", group_digits(o.requests)),
        ("Answered", "row-served", group_digits(o.served)),
        ("Timed out after every retry", "row-timeouts", group_digits(o.timeouts)),
        ("Refused by a full queue", "row-shed", group_digits(o.shed)),
        (
            "Lost to a dead server, datacenter or primary",
            "row-down",
            group_digits(o.down),
        ),
        (
            "Refused by an open circuit breaker",
            "row-broken",
            group_digits(o.broken),
        ),
        ("Retries", "row-retries", group_digits(o.retries)),
        (
            "Acknowledged writes lost with the primary",
            "row-lost",
            group_digits(s.lost_writes),
        ),
        ("Stale reads from a replica", "row-stale", group_digits(s.stale_reads)),
        ("Cache misses coalesced", "row-coalesced", group_digits(s.coalesced)),
        ("Simulated events", "row-events", group_digits(s.events)),
    ]
    .into_iter()
    .chain(s.cdn.map(|h| {
        (
            "CDN hit ratio (Che)",
            "row-cdn",
            format!(
                "{} ({})",
                percent_of_one(share(h.hits, h.lookups), 1),
                percent_of_one(h.che, 1)
            ),
        )
    }))
    .chain(s.cache.map(|h| {
        (
            "Cache hit ratio (Che)",
            "row-cache",
            format!(
                "{} ({})",
                percent_of_one(share(h.hits, h.lookups), 1),
                percent_of_one(h.che, 1)
            ),
        )
    }))
    .chain(s.fanout.map(|f| {
        (
            "Slow fan-outs (theory)",
            "row-fanout",
            format!(
                "{} ({}); {} hedged calls",
                percent_of_one(share(f.slow, f.requests), 1),
                percent_of_one(f.slow_theory, 1),
                group_digits(f.hedges)
            ),
        )
    }))
    .collect();
    html! {
        <section class="numbers" aria-label="Requests">
            <h2>{ "Every request" }</h2>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Every request's outcome">
                <table class="loads" id="outcomes">
                    <tbody>
                        { for rows.into_iter().map(|(label, id, value)| html! {
                            <tr id={id}><th scope="row">{ label }</th><td>{ value }</td></tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// The SLO search's trials.
fn slo_table(r: &Report) -> Html {
    html! {
        <section class="numbers" aria-label="SLO search">
            <h2>{ "The SLO search" }</h2>
            <div class="table-scroll" tabindex="0" role="region" aria-label="The SLO search's trials">
            <table class="loads" id="slo-table">
                <thead><tr>{ for ["Users", "p99", "Failed", "Within the SLO"].iter().map(|h| html! { <th scope="col">{ *h }</th> }) }</tr></thead>
                <tbody>
                    { for r.slo.trials.iter().map(|t| html! {
                        <tr><th scope="row">{ group_digits(t.users) }</th><td>{ ms(t.p99) }</td>
                            <td>{ percent_of_one(t.errors, 2) }</td><td>{ if t.met { "yes" } else { "no" } }</td></tr>
                    }) }
                </tbody>
            </table>
            </div>
        </section>
    }
}

/// The monthly cost and the price table it comes from.
fn cost_table(r: &Report) -> Html {
    html! {
        <section class="numbers" aria-label="Prices">
            <h2>{ "The monthly cost" }</h2>
            <p id="cost-line">{ format!(
                "{} servers for 730 hours and {} GB from the CDN: {} a month (each static file assumed 50 KB; the CDN's first-tier price for every byte).",
                r.cost.servers, group_float(r.cost.cdn_gb), dollars(r.cost.total)
            ) }</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="The prices and their sources">
            <table class="loads" id="price-table">
                <thead><tr>{ for ["Item", "Price", "Source", "Date"].iter().map(|h| html! { <th scope="col">{ *h }</th> }) }</tr></thead>
                <tbody>
                    { for TABLE.iter().map(|price| html! {
                        <tr><th scope="row">{ price.item }</th><td>{ format!("${} per {}", price.dollars, price.unit) }</td>
                            <td class="source"><a href={price.source}>{ price.source }</a></td><td>{ price.date }</td></tr>
                    }) }
                </tbody>
            </table>
            </div>
        </section>
    }
}

fn controls(lab: &LabHandle<Params>, field_note: &UseStateHandle<Option<String>>) -> Html {
    let p = lab.model().params.clone();
    let on_seed = number_field(lab, field_note, "Seed", |v| Some(Command::SetSeed(v)));
    let group = |legend: &'static str, range: std::ops::Range<usize>| {
        html! {
            <fieldset>
                <legend>{ legend }</legend>
                { field_inputs(lab, field_note, &FIELDS[range], |f| p.get(f), Command::Set) }
            </fieldset>
        }
    };
    html! {
        <form class="controls" aria-label="Lab settings" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <label><span>{ "Database" }</span>{ choice_select("db", p.db, lab.on(Command::SetDb)) }</label>
            <label><span>{ "Load balancer" }</span>{ choice_select("lb", p.lb, lab.on(Command::SetLb)) }</label>
            <label><span>{ "Sessions" }</span>{ choice_select("sessions", p.sessions, lab.on(Command::SetSessions)) }</label>
            <label><span>{ "Datacenters" }</span>{ choice_select("dcmode", p.dc_mode, lab.on(Command::SetDcMode)) }</label>
            <label><span>{ "Retries" }</span>{ choice_select("backoff", p.backoff, lab.on(Command::SetBackoff)) }</label>
            { group("Traffic", 0..13) }
            { group("Tiers", 13..33) }
            { group("Timeouts, retries and protections", 33..45) }
            { group("Faults, spike and SLO", 45..FIELDS.len()) }
            <TextField id="seed" label="Seed" kind="text" value={p.seed.to_string()} on_commit={on_seed} />
        </form>
    }
}
