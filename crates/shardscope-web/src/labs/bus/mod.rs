//! The Message bus lab's component: maps controls to `bus::Command`s, and the model and its
//! report to each assignor's group at the rebalance's step shown, the lag over time, the
//! busiest partitions, the headline numbers, the rebalance table and the delivery table. All
//! computation is in `shardscope_core::labs::bus`, run in the lab's Web Worker.

mod charts;
mod cluster;
mod delivery;

use std::rc::Rc;

use shardscope_core::bus::delivery::Semantics;
use shardscope_core::bus::flow::FlowReport;
use shardscope_core::bus::rebalance::Moment;
use shardscope_core::labs::bus::{moment_text, stage, Change, Command, Field, Model, Params, Report, FIELDS, PRESETS};
use shardscope_core::labs::cache::{alpha_text, MAX_ALPHA_CENTI};
use shardscope_core::labs::LabParams;
use shardscope_core::query::Choice;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::frame::{Headline, LabFrame};
use crate::hooks::{use_autoplay, Progress};
use crate::lab::{
    alpha_field, choice_select, field_inputs, group_digits, group_float, number_field, percent_of_one, use_lab,
    LabHandle,
};
use crate::widgets::TextField;
use crate::worker::{use_worker, worker_status, Computed};
use charts::Roles;

/// How long "Play" shows each step of the rebalance.
const PLAY_STEP_MS: u32 = 1_200;
/// The headline numbers' ids and labels, in order.
const HEADLINES: [(&str, &str); 5] = [
    ("headline-moved", "Partitions moved by the rebalance"),
    ("headline-pause", "Who waits during the rebalance"),
    ("headline-lag", "Peak lag after the change"),
    ("headline-hot", "Busiest partition's share of the messages"),
    ("headline-delivery", "Messages lost and duplicated, per guarantee"),
];

/// The most steps any compared assignor's rebalance has (0 without a change).
fn steps_of(r: &Report) -> u32 {
    r.flows
        .iter()
        .filter_map(|f| f.rebalance.as_ref())
        .map(|rb| u32::try_from(rb.timeline.steps.len()).unwrap_or(0))
        .max()
        .unwrap_or(0)
}

fn moment_short(m: Moment) -> String {
    match m {
        Moment::Change => "the change".into(),
        Moment::Detected => "the rebalance starts".into(),
        Moment::Joined(r) => format!("round {r}: all joined"),
        Moment::Synced(r) => format!("round {r}: assignment received"),
    }
}

fn roles(p: &Params) -> Roles {
    let flow = p.flow();
    Roles {
        consumers: (p.get(Field::Consumers) + u32::from(flow.joiner().is_some())) as usize,
        joiner: flow.joiner(),
        departed: flow.departed().map(|d| (d, p.change == Change::Crash)),
    }
}

/// The Message bus lab.
#[function_component]
pub fn BusLab() -> Html {
    let lab = use_lab::<Params>();
    let note = use_state(|| None::<String>);
    let p = lab.model().params.clone();
    // Stepping through the rebalance changes only what is shown, not what is computed.
    let run = use_worker::<_, false>(&p.computed());
    let playing = use_state(|| false);
    let steps = match &run.progress {
        Progress::Done(c) => steps_of(&c.report),
        _ => 0,
    };
    {
        let state = lab.state.clone();
        let next = (p.step + 1).min(steps);
        let advance = Callback::from(move |()| state.dispatch(Command::Step(next)));
        let ready = matches!(run.progress, Progress::Done(_));
        use_autoplay(&playing, p.step, p.step >= steps, ready, PLAY_STEP_MS, advance);
    }
    let on_play = {
        let playing = playing.clone();
        let state = lab.state.clone();
        let at_end = p.step >= steps;
        Callback::from(move |_: MouseEvent| {
            if !*playing && at_end {
                state.dispatch(Command::Step(1));
            }
            playing.set(!*playing);
        })
    };
    let (state, status_html) = worker_status(
        &run,
        "Running each assignor's group and each guarantee in a background worker",
    );
    let done = state == "done";
    let shown = run.shown();
    let back = p.step.saturating_sub(1);
    let next = (p.step + 1).min(steps);
    let toolbar = html! { <>
        { lab.preset_menu(PRESETS) }
        <div class="event-buttons">
            <button type="button" id="step-outcome" onclick={lab.on(|_: MouseEvent| Command::Step(0))} disabled={p.step == 0}>{ "⏮ Outcome" }</button>
            <button type="button" id="step-back" data-shortcut="back" onclick={lab.on(move |_: MouseEvent| Command::Step(back))} disabled={p.step == 0}>{ "◀ Back" }</button>
            <button type="button" id="step-next" data-shortcut="forward" onclick={lab.on(move |_: MouseEvent| Command::Step(next))}
                disabled={steps == 0 || p.step >= steps}>{ "Next step ▶" }</button>
            <button type="button" id="play" data-shortcut="play" aria-pressed={(*playing).to_string()} onclick={on_play} disabled={steps == 0}>
                { if *playing { "Pause" } else if steps > 0 && p.step >= steps { "Replay" } else { "Play" } }
            </button>
        </div>
        <p id="step-status" class="event-now" aria-live="polite">{ step_status(p.step, steps, shown.as_ref().map(|c| &c.report)) }</p>
        <p class="keys-hint" id="keys-hint">{ "Keys: Space plays or pauses; ← and → step through the rebalance." }</p>
        { lab.notice(note.as_deref()) }
    </> };
    let figure = html! {
        <section class="results" data-state={state} aria-busy={(!done).then_some("true")}
            data-query={done.then(|| lab.canonical.clone())} data-steps={done.then(|| steps.to_string())}>
            { status_html }
            { shown.clone().map(|c| html! { <Groups shown={Shown(c)} params={p.clone()} {done} /> }).unwrap_or_default() }
        </section>
    };
    let headline = shown
        .as_ref()
        .map_or_else(|| Headline::pending(&HEADLINES), |c| headline(&c.report, &p));
    let details = match &run.progress {
        Progress::Done(c) => html! { <Details shown={Shown(c.clone())} params={p.computed()} /> },
        _ => Html::default(),
    };
    html! {
        <LabFrame title={Model::info().title} class="bus" banner={lab.problems_banner()} {figure} {headline} {toolbar}
            controls={controls(&lab, &note)}
            lede={html! { <>
                { "A message bus splits each topic into partitions, and a consumer group shares them out: each partition has one consumer, so a key's messages stay in order. " }
                { "Here one group runs under up to five of Kafka's assignors at once: a consumer joins, leaves or crashes, or the topic grows, and each assignor's rebalance moves, revokes and pauses partitions, which the lag shows. Below, one partition's messages are followed one by one under each delivery guarantee while a broker, a request or the consumer fails." }
            </> }}>
            { details }
            <section class="note">
                <h2>{ "How the numbers are made" }</h2>
                <p>{ "Keys are drawn from a Zipf law over the distinct keys and go to partitions by Kafka's own default partitioner (murmur2 of the key's bytes, the sign bit cleared, modulo the partition count); records without a key go sticky (a batch to one partition, then another) or round robin. Time advances in ticks of 10 ms: each tick the producer adds its messages, and each consumer processes up to its rate, round robin over the partitions it owns." }</p>
                <p>{ "The change runs a rebalance in virtual time: the coordinator learns of a join or a leave at once and of a crash when its session times out; each member rejoins at its next heartbeat after the poll it is processing, and the assignment arrives a round trip later. An eager assignor (range, round robin, sticky, consistent hashing) has every member revoke all its partitions when it rejoins, so everything pauses until the assignment; cooperative sticky keeps every partition that stays through a first round and moves the rest in a second. The minimum is the fewest moves any balanced assignment needs: ⌊P/(n + 1)⌋ for a join to n members of one topic, the orphans for a leave." }</p>
                <p>{ "Delivery follows one partition's messages: a producer with acks and idempotence as set, batches in flight, and a leader whose followers copy it some ticks behind; a crashed leader's unreplicated tail is lost when a follower takes over. The consumer commits before processing (at most once), after (at least once), or with its output in one transaction (exactly once, which Kafka allows only with acks=all and an idempotent producer, so that row always uses them)." }</p>
            </section>
            { lab.share() }
        </LabFrame>
    }
}

/// A finished report, compared by identity, so that a render for a step or for the next run's
/// progress does not rebuild the pictures and tables that did not change.
#[derive(Clone)]
struct Shown(Rc<Computed<Report>>);

impl PartialEq for Shown {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Properties, PartialEq)]
struct GroupsProps {
    shown: Shown,
    /// The settings, the step included (the report may be an earlier state's while the next
    /// one runs).
    params: Params,
    done: bool,
}

/// Each assignor's group at the step shown.
#[function_component]
fn Groups(props: &GroupsProps) -> Html {
    let p = &props.params;
    let r = &props.shown.0.report;
    html! {
        <div class="bus-groups">
            { for r.flows.iter().map(|f| {
                let at = stage(f, p.step);
                let when = at.step.map_or_else(
                    || "the outcome".to_owned(),
                    |s| format!("{} ms after the change, {}", group_digits(s.at.into()), moment_short(s.moment)),
                );
                // The report's own count of consumers, since it may be an earlier state's.
                let who = Roles { consumers: f.per_consumer.len(), ..roles(p) };
                charts::group(f, &at, who, (p.get(Field::Topics), &when), props.done)
            }) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct DetailsProps {
    shown: Shown,
    /// The settings, at step 0: the details do not depend on the step.
    params: Params,
}

/// Everything under the picture: the lag over time, the rebalance table, the busiest partitions
/// and the delivery table.
#[function_component]
fn Details(props: &DetailsProps) -> Html {
    let p = &props.params;
    let r = &props.shown.0.report;
    let change_at = (p.change != Change::None).then(|| p.get(Field::At));
    html! { <>
        <section class="lag" aria-label="The lag over time">
            <h2>{ "The lag over time" }</h2>
            { charts::lag_chart(&r.flows, change_at, true) }
        </section>
        { rebalance_table(r, p) }
        { r.flows.first().map(|f| html! {
            <section class="hot" aria-label="The busiest partitions">
                <h2>{ "The busiest partitions" }</h2>
                { charts::partitions_chart(f, true) }
            </section>
        }).unwrap_or_default() }
        { delivery::table(r, p) }
        { cluster::section(&r.cluster, p) }
    </> }
}

fn step_status(step: u32, steps: u32, report: Option<&Report>) -> String {
    if report.is_none() {
        return "Running the group…".into();
    }
    if steps == 0 {
        return "Nothing changes in this run: each group as its assignor first shares the partitions out.".into();
    }
    if step == 0 {
        return format!("The outcome: each partition's final owner, a dashed outline where a moved one was. The rebalance has {steps} steps: press Next step.");
    }
    let moment = report
        .and_then(|r| {
            r.flows
                .iter()
                .filter_map(|f| f.rebalance.as_ref())
                .max_by_key(|rb| rb.timeline.steps.len())
        })
        .and_then(|rb| rb.timeline.steps.get(step as usize - 1))
        .map(|s| moment_text(s.moment));
    format!("Step {} of {steps}: {}.", step.min(steps), moment.unwrap_or_default())
}

/// One line per assignor: its name and a value.
fn per_flow(r: &Report, value: impl Fn(&FlowReport) -> String) -> Vec<String> {
    r.flows
        .iter()
        .map(|f| format!("{}: {}", f.assignor.label(), value(f)))
        .collect()
}

pub(super) fn semantics_label(slug: &str) -> &'static str {
    Semantics::from_slug(slug).map_or("?", Semantics::label)
}

fn headline(r: &Report, p: &Params) -> Vec<Headline> {
    let [.., hot, delivery] = HEADLINES;
    let busiest = r.flows.first().map_or(0.0, |f| {
        f.per_partition.iter().copied().max().unwrap_or(0) as f64 / f.produced.max(1) as f64
    });
    let mut out = rebalance_headlines(r);
    out.extend([
        Headline {
            id: hot.0,
            label: hot.1.into(),
            values: vec![percent_of_one(busiest, 2)],
            theory: Some(format!(
                "its keys predict {}; the mean 1/P is {}",
                percent_of_one(r.theory.hottest_share, 2),
                percent_of_one(r.theory.mean_share, 2)
            )),
            detail: Some(format!(
                "idle consumers: {} (any assignor leaves at least {} idle)",
                per_flow(r, |f| f.idle_consumers.to_string()).join(", "),
                r.theory.idle_at_least
            )),
        },
        Headline {
            id: delivery.0,
            label: delivery.1.into(),
            values: r
                .delivery
                .iter()
                .map(|d| {
                    format!(
                        "{}: {} lost · {} duplicated",
                        semantics_label(&d.semantics),
                        group_digits(d.lost.0.into()),
                        group_digits(d.duplicated.0.into())
                    )
                })
                .collect(),
            theory: None,
            detail: Some(format!(
                "of {} messages followed; {}",
                group_digits(p.get(Field::Followed).into()),
                p.fault.label().to_lowercase()
            )),
        },
    ]);
    out
}

/// The headlines of the rebalance: what moved, who waited, and the lag it left.
fn rebalance_headlines(r: &Report) -> Vec<Headline> {
    let [moved, pause, ..] = HEADLINES;
    let changed = r.flows.iter().any(|f| f.rebalance.is_some());
    let minimum = r.flows.iter().find_map(|f| f.rebalance.as_ref()).map(|rb| rb.movement);
    vec![
        if changed {
            Headline {
                id: moved.0,
                label: moved.1.into(),
                values: per_flow(r, |f| {
                    f.rebalance.as_ref().map_or_else(
                        || "—".into(),
                        |rb| {
                            format!(
                                "{} (revoked {})",
                                group_digits(rb.movement.moved.into()),
                                group_digits(rb.movement.revoked.into())
                            )
                        },
                    )
                }),
                theory: minimum.map(|m| {
                    format!(
                        "a balanced group moves at least {}{}",
                        group_digits(m.minimum.into()),
                        if m.minimum_exact {
                            ""
                        } else {
                            " (the orphans: a lower bound, since subscriptions differ)"
                        }
                    )
                }),
                detail: Some(format!(
                    "of {} partitions",
                    group_digits(r.flows.first().map_or(0, |f| f.owner_after.len()) as u64)
                )),
            }
        } else {
            Headline::new(moved.0, moved.1, "no change in this run")
                .detail("choose a change to the group to see a rebalance")
        },
        if changed {
            Headline {
                id: pause.0,
                label: pause.1.into(),
                values: per_flow(r, |f| {
                    f.rebalance.as_ref().map_or_else(
                        || "—".into(),
                        |rb| {
                            let t = &rb.timeline;
                            format!(
                                "{} consumers stall, up to {} ms; {} partitions pause",
                                group_digits(t.stalled_members.into()),
                                group_digits(t.longest_stall.into()),
                                group_digits(t.paused_partitions.into())
                            )
                        },
                    )
                }),
                theory: None,
                detail: Some(
                    per_flow(r, |f| {
                        f.rebalance.as_ref().map_or_else(
                            || "—".into(),
                            |rb| {
                                format!(
                                    "{} round(s), done {} ms after the change",
                                    rb.timeline.rounds,
                                    group_digits(rb.timeline.done.into())
                                )
                            },
                        )
                    })
                    .join("; "),
                ),
            }
        } else {
            Headline::new(pause.0, pause.1, "no rebalance in this run")
        },
        lag_headline(r, changed),
    ]
}

/// The peak lag after the change beside the messages its pauses hold back.
fn lag_headline(r: &Report, changed: bool) -> Headline {
    let lag = HEADLINES[2];
    Headline {
        id: lag.0,
        label: if changed { lag.1.into() } else { "Peak lag".into() },
        values: per_flow(r, |f| {
            group_digits(if changed {
                f.peak_lag.1
            } else {
                f.peak_lag.0.max(f.peak_lag.1)
            })
        }),
        theory: changed.then(|| {
            format!(
                "the pauses hold back {}",
                r.flows
                    .iter()
                    .map(|f| f
                        .rebalance
                        .as_ref()
                        .map_or_else(|| "—".into(), |rb| group_float(rb.expected_backlog)))
                    .collect::<Vec<_>>()
                    .join(" · ")
            )
        }),
        detail: Some(format!(
            "messages produced, not yet processed; {}",
            if changed {
                format!(
                    "before the change it peaked at {}",
                    per_flow(r, |f| group_digits(f.peak_lag.0)).join(", ")
                )
            } else {
                "no change in this run".into()
            }
        )),
    }
}

/// The rebalance table's rows: label and element id, in the order [`number`] computes them.
const NUMBERS: [(&str, &str); 21] = [
    ("Partitions moved", "row-moved"),
    ("The minimum a balanced group moves", "row-minimum"),
    ("Orphans (no owner after the change)", "row-orphans"),
    ("Partitions revoked", "row-revoked"),
    ("Rounds", "row-rounds"),
    ("Done after the change (ms)", "row-done"),
    ("Consumers stalled", "row-stalled"),
    ("Longest stall (ms)", "row-longest-stall"),
    ("Partitions paused", "row-paused"),
    ("Longest pause (ms)", "row-longest-pause"),
    ("Pauses added up (partition-ms)", "row-total-pause"),
    ("Messages the pauses hold back (theory)", "row-expected-backlog"),
    ("Peak lag before the change", "row-peak-before"),
    ("Peak lag after it", "row-peak-after"),
    ("Partitions per consumer at the end", "row-counts"),
    ("Idle consumers", "row-idle"),
    ("Busiest consumer's messages", "row-busiest-consumer"),
    ("Messages processed", "row-processed"),
    ("Run length (ms)", "row-duration"),
    ("Processed after a later message of its key", "row-out-of-order"),
    ("Keys with such a message", "row-keys-out-of-order"),
];

/// The fewest and most partitions a member consumes at the end; the consumer that left is no
/// member then, and its nothing is not imbalance.
fn spread(f: &FlowReport, departed: Option<u32>) -> String {
    let mut owned = vec![0u32; f.per_consumer.len()];
    for &o in &f.owner_after {
        if let Some(c) = owned.get_mut(o as usize) {
            *c += 1;
        }
    }
    let members = owned
        .iter()
        .enumerate()
        .filter(|&(c, _)| departed.is_none_or(|d| d as usize != c))
        .map(|(_, &n)| n);
    let (lo, hi) = members.fold((u32::MAX, 0), |(lo, hi), n| (lo.min(n), hi.max(n)));
    format!("{}–{hi}", if lo == u32::MAX { 0 } else { lo })
}

/// Row `row` of [`NUMBERS`] for one assignor. One function with a row number rather than a
/// closure per row keeps the table's markup written once in the page's code.
fn number(f: &FlowReport, row: usize, departed: Option<u32>) -> String {
    let digits = |v: u64| group_digits(v);
    if let (Some(x), 0..12) = (f.rebalance.as_ref(), row) {
        let (m, t) = (&x.movement, &x.timeline);
        return match row {
            0 => digits(m.moved.into()),
            1 => digits(m.minimum.into()),
            2 => digits(m.orphans.into()),
            3 => digits(m.revoked.into()),
            4 => t.rounds.to_string(),
            5 => digits(t.done.into()),
            6 => digits(t.stalled_members.into()),
            7 => digits(t.longest_stall.into()),
            8 => digits(t.paused_partitions.into()),
            9 => digits(t.longest_pause.into()),
            10 => digits(t.total_pause),
            _ => group_float(x.expected_backlog),
        };
    }
    match row {
        12 => digits(f.peak_lag.0),
        13 => digits(f.peak_lag.1),
        14 => spread(f, departed),
        15 => digits(f.idle_consumers.into()),
        16 => digits(f.per_consumer.iter().copied().max().unwrap_or(0)),
        17 => digits(f.processed),
        18 => digits(f.duration_ms),
        19 => digits(f.out_of_order),
        20 => digits(f.keys_out_of_order.into()),
        // The rebalance's rows of a run without one.
        _ => "—".into(),
    }
}

/// Every rebalance number of every assignor.
fn rebalance_table(r: &Report, p: &Params) -> Html {
    let departed = roles(p).departed.map(|d| d.0);
    html! {
        <section class="numbers" aria-label="Numbers">
            <h2>{ "Every number, assignor by assignor" }</h2>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Every number of every assignor">
                <table class="loads" id="numbers">
                    <thead><tr><th scope="col">{ "Number" }</th>{ for r.flows.iter().map(|f| html! { <th scope="col">{ f.assignor.label() }</th> }) }</tr></thead>
                    <tbody>
                        { for NUMBERS.iter().enumerate().map(|(row, &(label, id))| html! {
                            <tr {id}>
                                <th scope="row">{ label }</th>
                                { for r.flows.iter().map(|f| html! { <td data-alg={f.assignor.slug()}>{ number(f, row, departed) }</td> }) }
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
            <p>{ "A consumer stalls while it has nothing to consume; a partition pauses while nobody consumes it. The messages the pauses hold back are each paused partition's expected rate times its pause, while production lasts." }</p>
        </section>
    }
}

fn controls(lab: &LabHandle<Params>, field_note: &UseStateHandle<Option<String>>) -> Html {
    let p = lab.model().params.clone();
    let on_alpha = alpha_field(lab, field_note, MAX_ALPHA_CENTI, Command::SetAlpha);
    let on_assignor = lab.on(|e: Event| {
        let slug = e.target_unchecked_into::<HtmlInputElement>().value();
        // The boxes carry only the assignors' own slugs, so the lookup always succeeds.
        Command::ToggleAssignor(
            shardscope_core::bus::assign::Assignor::from_slug(&slug)
                .unwrap_or(shardscope_core::bus::assign::Assignor::Sticky),
        )
    });
    let on_idem = lab.on(|e: Event| Command::SetIdempotent(e.target_unchecked_into::<HtmlInputElement>().checked()));
    let on_seed = number_field(lab, field_note, "Seed", |v| Some(Command::SetSeed(v)));
    let uses = |a| p.assignors.contains(&a);
    let (flow_fields, delivery_fields) = FIELDS.split_at(12);
    html! { <>
        <fieldset class="algorithms">
            <legend>{ "Assignors (on the same group and messages)" }</legend>
            { for shardscope_core::bus::assign::Assignor::ALL.iter().map(|&a| html! {
                <label class="inline">
                    <input type="checkbox" id={format!("assign-{}", a.slug())} value={a.slug()} checked={uses(a)}
                        disabled={uses(a) && p.assignors.len() == 1} onchange={on_assignor.clone()} />
                    <span>{ a.label() }</span>
                </label>
            }) }
        </fieldset>
        <form class="controls" aria-label="The group and its messages" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <label>
                <span>{ "The change" }</span>
                { choice_select("change", p.change, lab.on(Command::SetChange)) }
            </label>
            { field_inputs(lab, field_note, flow_fields, |f| p.get(f), Command::Set) }
            <TextField id="alpha" label="Keys' Zipf exponent α (0–2)" kind="text" value={alpha_text(p.alpha_centi)} on_commit={on_alpha} />
            <label>
                <span>{ "Records without a key" }</span>
                { choice_select("nullkey", p.null_key, lab.on(Command::SetNullKey)) }
            </label>
            <TextField id="seed" label="Seed" kind="text" value={p.seed.to_string()} on_commit={on_seed} />
        </form>
        <form class="controls" aria-label="The cluster and delivery" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <label>
                <span>{ "Producer acks" }</span>
                { choice_select("acks", p.acks, lab.on(Command::SetAcks)) }
            </label>
            <label class="inline">
                <input type="checkbox" id="idem" checked={p.idempotent} onchange={on_idem} />
                <span>{ "Idempotent producer (sequence numbers)" }</span>
            </label>
            <label>
                <span>{ "What fails" }</span>
                { choice_select("fault", p.fault, lab.on(Command::SetFault)) }
            </label>
            { field_inputs(lab, field_note, delivery_fields, |f| p.get(f), Command::Set) }
        </form>
    </> }
}
