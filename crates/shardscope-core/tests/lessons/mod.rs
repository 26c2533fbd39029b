//! What the tests of presets' lessons share: the numbers a lesson's text states, numbers
//! written the way lessons write them, and the check that every stated number is computed.

/// Every number in `text`, as written (digits with their group commas and decimal point). Digits
/// that follow a letter are part of a name, not a number stated: "p99", "m7g".
pub fn numbers_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_name = false;
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() && current.is_empty() && in_name {
            continue;
        }
        if c.is_ascii_digit() || ((c == ',' || c == '.') && !current.is_empty()) {
            current.push(c);
        } else {
            if !current.is_empty() {
                out.push(current.trim_end_matches([',', '.']).to_owned());
                current.clear();
            }
            in_name = c.is_alphabetic();
        }
    }
    out
}

/// `x` rounded and written with group commas, as the lessons write counts.
pub fn whole(x: f64) -> String {
    let s = format!("{x:.0}");
    let n = s.len();
    s.chars()
        .enumerate()
        .flat_map(|(i, c)| {
            (i > 0 && (n - i) % 3 == 0)
                .then_some(',')
                .into_iter()
                .chain(std::iter::once(c))
        })
        .collect()
}

/// Checks that every number each lesson states is among `computed` (the lab's numbers, written
/// as lessons write them).
///
/// # Panics
/// A lesson states a number the lab does not compute, named with its preset.
pub fn assert_lessons_state_computed_numbers(presets: &[shardscope_core::labs::Preset], computed: &[String]) {
    for preset in presets {
        for n in numbers_in(preset.lesson) {
            assert!(
                computed.contains(&n),
                "{}: the lesson's {n} is not a number the lab computes",
                preset.name
            );
        }
    }
}
