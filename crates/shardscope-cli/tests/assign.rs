//! `shardscope assign` end to end: Kafka's javadoc group in, each assignor's assignment out, the
//! output fed back as the next generation's input, and bad input refused with a message.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

/// Runs `shardscope assign` on `input` and returns its exit success, standard output and error.
fn assign(input: &str) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shardscope"))
        .arg("assign")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn plan<'a>(report: &'a Value, assignor: &str) -> &'a Value {
    report["assignors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["assignor"] == assignor)
        .unwrap()
}

fn written(plan: &Value) -> Vec<String> {
    plan["assignment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let parts: Vec<String> = m["partitions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| format!("{}p{}", p["topic"].as_str().unwrap(), p["partition"]))
                .collect();
            format!("{}: {}", m["member"].as_str().unwrap(), parts.join(" "))
        })
        .collect()
}

const JAVADOC: &str = r#"{"topics": [{"name": "t1", "partitions": 3}, {"name": "t0", "partitions": 3}],
  "members": [{"id": "C1", "topics": ["t0", "t1"]}, {"id": "C0", "topics": ["t1", "t0"]}]}"#;

#[test]
fn prints_kafkas_javadoc_assignments() {
    let (ok, out, err) = assign(JAVADOC);
    assert!(ok, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        written(plan(&report, "range")),
        ["C0: t0p0 t0p1 t1p0 t1p1", "C1: t0p2 t1p2"]
    );
    assert_eq!(
        written(plan(&report, "roundrobin")),
        ["C0: t0p0 t0p2 t1p1", "C1: t0p1 t1p0 t1p2"]
    );
    assert_eq!(plan(&report, "cooperative-sticky")["protocol"], "cooperative");
}

#[test]
fn an_assignment_feeds_the_next_rebalance() {
    let (_, out, _) = assign(JAVADOC);
    let report: Value = serde_json::from_str(&out).unwrap();
    let mut next: Value = serde_json::from_str(JAVADOC).unwrap();
    // C2 joins; C0 and C1 say what cooperative-sticky gave them.
    for m in plan(&report, "cooperative-sticky")["assignment"].as_array().unwrap() {
        let member = next["members"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|x| x["id"] == m["member"])
            .unwrap();
        member["owned"] = m["partitions"].clone();
    }
    next["members"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"id": "C2", "topics": ["t0", "t1"]}));
    let (ok, out, err) = assign(&next.to_string());
    assert!(ok, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let coop = plan(&report, "cooperative-sticky");
    assert_eq!(
        coop["movement"]["moved"], 2,
        "6 partitions, 3 members: the joiner takes 2"
    );
    assert_eq!(coop["movement"]["minimum"], 2);
    assert_eq!(coop["movement"]["revoked"], 2);
    assert_eq!(
        plan(&report, "sticky")["movement"]["revoked"],
        6,
        "eager revokes everything"
    );
    let round: Vec<String> = written(&serde_json::json!({"assignment": coop["first_round"]}));
    assert!(
        round[2].ends_with(": "),
        "the joiner waits for the second round: {round:?}"
    );
}

#[test]
fn bad_input_gets_a_message_not_a_panic() {
    let cases = [
        ("{\"topics\": [", "the input is not a group"),
        ("[]", "the input is not a group"),
        (
            r#"{"topics": [{"name": "t0", "partitions": 0}], "members": [{"id": "a", "topics": []}]}"#,
            "has 0 partitions",
        ),
        (
            r#"{"topics": [{"name": "t0", "partitions": -1}], "members": []}"#,
            "the input is not a group",
        ),
        (
            r#"{"topics": [{"name": "t0", "partitions": 20000}], "members": [{"id": "a", "topics": []}]}"#,
            "more than the 10000 allowed",
        ),
        (
            r#"{"topics": [{"name": "t0", "partitions": 1}], "members": [{"id": "a", "topics": ["t9"]}]}"#,
            "member a subscribes to t9",
        ),
        (
            r#"{"topics": [{"name": "t0", "partitions": 1}], "members": [{"id": "a", "topics": [], "owned": [{"topic": "t0", "partition": 4}]}]}"#,
            "member a owns t0-4",
        ),
        ("\u{feff}not json", "the input is not a group"),
    ];
    for (input, want) in cases {
        let (ok, out, err) = assign(input);
        assert!(!ok && out.is_empty(), "{input}: {out}");
        assert!(err.starts_with("shardscope: ") && err.contains(want), "{input}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}
