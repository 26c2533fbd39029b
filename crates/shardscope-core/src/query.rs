//! Reading and writing the query strings that hold a lab's whole state in its URL.
//!
//! A permalink must survive being pasted into chat, truncated by an e-mail client or edited by
//! hand. Reading one therefore never fails as a whole: each field that is missing or wrong falls
//! back to its default, and each problem becomes a [`Problem`] that names the field, the value
//! and what was expected, for the page to show.

use std::collections::BTreeSet;
use std::fmt;
use std::ops::RangeInclusive;

/// The longest piece of a user's value repeated in a message; the rest is elided so that a
/// hostile URL cannot flood the page.
const MAX_ECHO_CHARS: usize = 40;

/// The longest permalink query this site reads, in bytes. Real permalinks stay far below it (the
/// longest lab states, 64 recorded events or 64 requests and 64 nemesis events, take a few
/// kilobytes); a longer link is refused up front with one problem, so reading a hostile link of
/// megabytes costs nothing but a length check.
pub const MAX_QUERY_BYTES: usize = 16 * 1024;

/// How many problems of one kind one field reports; the rest are counted in one "…and N more".
pub const MAX_PROBLEMS_PER_FIELD: usize = 5;

/// Problems of one kind (in one field, or unknown parameters): the first
/// [`MAX_PROBLEMS_PER_FIELD`] are kept and the rest only counted, so the problems of any link
/// are a handful per field, however many bad entries it has.
#[derive(Debug, Default)]
pub struct Capped {
    kept: usize,
    more: u64,
}

impl Capped {
    /// A new, empty count.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the problem `make` builds, or only counts it once enough are kept (so a dropped
    /// problem's message is never even formatted).
    pub fn push(&mut self, problems: &mut Vec<Problem>, make: impl FnOnce() -> Problem) {
        if self.kept < MAX_PROBLEMS_PER_FIELD {
            self.kept += 1;
            problems.push(make());
        } else {
            self.more += 1;
        }
    }

    /// Adds one problem for the ones only counted, if any: "…and N more `what`".
    pub fn finish(self, problems: &mut Vec<Problem>, field: &str, what: &str) {
        if self.more > 0 {
            problems.push(Problem {
                field: echo(field),
                message: format!("…and {} more {what}", self.more),
            });
        }
    }
}

/// One thing wrong with a permalink, and what was done about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The parameter's name as it appeared in the URL (possibly shortened).
    pub field: String,
    /// What was wrong and which value is used instead.
    pub message: String,
}

impl Problem {
    /// A problem with the settings as a whole: two that do not fit together, one brought back
    /// in range because of another.
    #[must_use]
    pub fn with_params(message: String) -> Self {
        Self {
            field: "params".into(),
            message,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// A parsed query string: `name=value` pairs in their original order.
///
/// ```
/// use shardscope_core::query::Query;
/// let q = Query::parse("?v=1&nodes=8&seed=42");
/// assert_eq!(q.get("nodes"), Some("8"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Parses `a=1&b=2`, with or without a leading `?`; percent-escapes and `+` are decoded and
    /// invalid UTF-8 is replaced, never rejected.
    #[must_use]
    pub fn parse(input: &str) -> Self {
        let input = input.strip_prefix('?').unwrap_or(input);
        let pairs = form_urlencoded::parse(input.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        Self { pairs }
    }

    /// Parses a lab's permalink query and checks what every lab checks: the format version and
    /// the parameter names. Returns `None` (with the problems) when the lab should show its
    /// defaults: an empty query, or a version this code does not read. `params` are the lab's
    /// parameter names, `ignore` those that belong to the page (such as `embed`).
    #[must_use]
    pub fn parse_versioned(
        input: &str,
        version: u32,
        params: &[&str],
        ignore: &[&str],
    ) -> (Option<Self>, Vec<Problem>) {
        let mut problems = Vec::new();
        if input.len() > MAX_QUERY_BYTES {
            problems.push(Problem {
                field: "link".into(),
                message: format!(
                    "the link's state is {} bytes long, more than the {MAX_QUERY_BYTES} this site reads; showing the defaults",
                    input.len()
                ),
            });
            return (None, problems);
        }
        let query = Self::parse(input);
        if query.is_empty() {
            return (None, problems);
        }
        match query.get("v") {
            Some(v) if v == version.to_string() => {}
            Some(v) => {
                problems.push(Problem {
                    field: "v".into(),
                    message: format!(
                        "link version “{}” is not one this site reads (it reads {version}); showing the defaults",
                        echo(v)
                    ),
                });
                return (None, problems);
            }
            None => problems.push(Problem {
                field: "v".into(),
                message: format!("the link has no version; reading it as version {version}"),
            }),
        }
        let known: Vec<&str> = params.iter().chain(ignore).copied().collect();
        problems.extend(query.unexpected(&known));
        (Some(query), problems)
    }

    /// The first value of `name`, if present.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Whether the query has no parameters at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// Problems for parameters not in `known` and for parameters given more than once (a few
    /// of each, then how many more).
    #[must_use]
    pub fn unexpected(&self, known: &[&str]) -> Vec<Problem> {
        let mut problems = Vec::new();
        let (mut unknown, mut repeated) = (Capped::new(), Capped::new());
        let mut seen = BTreeSet::new();
        for (name, _) in &self.pairs {
            if !known.contains(&name.as_str()) {
                unknown.push(&mut problems, || Problem {
                    field: echo(name),
                    message: "is not a parameter of this lab; ignored".into(),
                });
            } else if !seen.insert(name.as_str()) {
                repeated.push(&mut problems, || Problem {
                    field: echo(name),
                    message: "appears more than once; the first value is used".into(),
                });
            }
        }
        unknown.finish(&mut problems, "link", "parameters that are not this lab's, ignored");
        repeated.finish(&mut problems, "link", "repeated parameters, ignored");
        problems
    }

    /// Reads an integer field in `range`; a missing field is silently `default`, a bad one is
    /// `default` plus a problem.
    pub fn int_in<T>(&self, name: &str, range: RangeInclusive<T>, default: T, problems: &mut Vec<Problem>) -> T
    where
        T: std::str::FromStr + PartialOrd + fmt::Display + Copy,
    {
        let Some(raw) = self.get(name) else { return default };
        let trimmed = raw.trim();
        // A number too large (or negative) for the field's type is still a number: say it is out
        // of range rather than "not a whole number".
        let digits = trimmed.strip_prefix('-').unwrap_or(trimmed);
        let numeric = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
        match trimmed.parse::<T>() {
            Ok(value) if range.contains(&value) => value,
            Ok(_) => {
                problems.push(out_of_range(name, raw, &range, default));
                default
            }
            Err(_) if numeric => {
                problems.push(out_of_range(name, raw, &range, default));
                default
            }
            Err(_) => {
                problems.push(Problem {
                    field: name.into(),
                    message: format!("“{}” is not a whole number; using {default}", echo(raw)),
                });
                default
            }
        }
    }

    /// Reads an integer field and clamps it into `range`: a number outside the range becomes the
    /// nearest bound (10^12 keys become the most keys the lab places), with a problem that says so.
    /// Text that is not a number is `default` plus a problem.
    pub fn int_clamped<T>(&self, name: &str, range: RangeInclusive<T>, default: T, problems: &mut Vec<Problem>) -> T
    where
        T: std::str::FromStr + PartialOrd + fmt::Display + Copy,
    {
        let Some(raw) = self.get(name) else { return default };
        let trimmed = raw.trim();
        let (negative, digits) = match trimmed.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let numeric = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
        let clamp = |value: T, problems: &mut Vec<Problem>| {
            problems.push(Problem {
                field: name.into(),
                message: format!(
                    "{} is outside {}–{}; using {value}",
                    echo(trimmed),
                    range.start(),
                    range.end()
                ),
            });
            value
        };
        match trimmed.parse::<T>() {
            Ok(value) if range.contains(&value) => value,
            Ok(value) if value < *range.start() => clamp(*range.start(), problems),
            Ok(_) => clamp(*range.end(), problems),
            // Too large or too negative for the type: still a number, on one side of the range.
            Err(_) if numeric && negative => clamp(*range.start(), problems),
            Err(_) if numeric => clamp(*range.end(), problems),
            Err(_) => {
                problems.push(Problem {
                    field: name.into(),
                    message: format!("“{}” is not a whole number; using {default}", echo(raw)),
                });
                default
            }
        }
    }

    /// Reads a field that must be one of `T`'s choices; a bad value is `default` plus a problem
    /// that lists the choices.
    pub fn choice<T: Choice>(&self, name: &str, default: T, problems: &mut Vec<Problem>) -> T {
        let Some(raw) = self.get(name) else { return default };
        if let Some(value) = T::from_slug(raw) {
            return value;
        }
        let names: Vec<&str> = T::ALL.iter().map(|c| c.slug()).collect();
        problems.push(Problem {
            field: name.into(),
            message: format!(
                "“{}” is not one of {}; using {}",
                echo(raw),
                names.join(", "),
                default.slug()
            ),
        });
        default
    }
}

/// Reads a comma-separated list field: each entry `parse` accepts is kept, each it refuses is
/// left out with a problem saying it is not `what`, and entries past `max` are dropped with a
/// problem naming the `noun` they are.
pub fn list<T>(
    field: &str,
    raw: &str,
    max: usize,
    noun: &str,
    what: &str,
    parse: impl Fn(&str) -> Option<T>,
    problems: &mut Vec<Problem>,
) -> Vec<T> {
    let mut out = Vec::new();
    let mut refused = Capped::new();
    for part in raw.split(',').filter(|p| !p.is_empty()) {
        if out.len() == max {
            problems.push(Problem {
                field: field.into(),
                message: format!("at most {max} {noun}; the rest are left out"),
            });
            break;
        }
        match parse(part) {
            Some(item) => out.push(item),
            None => refused.push(problems, || Problem {
                field: field.into(),
                message: format!("“{}” is not {what}; left out", echo(part)),
            }),
        }
    }
    refused.finish(problems, field, &format!("entries that are not {what}, left out"));
    out
}

fn out_of_range<T: fmt::Display>(name: &str, raw: &str, range: &RangeInclusive<T>, default: T) -> Problem {
    Problem {
        field: name.into(),
        message: format!(
            "{} is outside {}–{}; using {default}",
            echo(raw.trim()),
            range.start(),
            range.end()
        ),
    }
}

/// A closed set of options a lab offers (an algorithm, a kind of damage): each has a name for
/// permalinks and a name for people. Permalink parsing and the web shell's menus work from this.
pub trait Choice: Copy + PartialEq + 'static {
    /// Every option, in the order menus list them.
    const ALL: &'static [Self];

    /// The name used in permalinks.
    fn slug(self) -> &'static str;

    /// The name shown to people.
    fn label(self) -> &'static str;

    /// The option with this permalink name.
    #[must_use]
    fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.slug() == slug)
    }
}

/// Shortens a user-supplied string for display in a message.
#[must_use]
pub fn echo(raw: &str) -> String {
    if raw.chars().count() <= MAX_ECHO_CHARS {
        raw.to_owned()
    } else {
        let mut s: String = raw.chars().take(MAX_ECHO_CHARS).collect();
        s.push('…');
        s
    }
}

/// Builds a query string from pairs, percent-encoding values.
///
/// ```
/// use shardscope_core::query::to_query;
/// assert_eq!(to_query(&[("v", "1".into()), ("name", "a b".into())]), "v=1&name=a+b");
/// ```
#[must_use]
pub fn to_query(pairs: &[(&str, String)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        out.append_pair(k, v);
    }
    out.finish()
}
