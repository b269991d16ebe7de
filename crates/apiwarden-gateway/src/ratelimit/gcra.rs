//! Rates (`10/s`, `5/30s`) and the generic cell rate algorithm over them.
//!
//! GCRA keeps one number per key and limit: the theoretical arrival time (TAT), the moment
//! at which the key would have used up exactly its quota if it had sent requests at the
//! configured pace. A request conforms while the TAT is at most `burst - 1` emission
//! intervals ahead of now; admitting it moves the TAT one interval further. Times are
//! nanoseconds on the limiter's own clock (see `Clock`), where 0 means "never seen".

use std::time::{Duration, Instant};

const NANOS_PER_SECOND: u64 = 1_000_000_000;

/// A parsed rate: `quota` requests per `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub quota: u64,
    pub window: Duration,
}

/// Parses `N/s`, `N/m`, `N/h`, `N/d` and windows with a count such as `N/30s` or `N/5m`.
pub fn parse_rate(text: &str) -> Result<Rate, String> {
    let syntax = || format!("\"{text}\" is not a rate like 10/s, 100/m, 1000/h, 10000/d or 5/30s");
    let (count, window) = text.trim().split_once('/').ok_or_else(syntax)?;
    let quota = parse_count(count.trim()).ok_or_else(syntax)?;
    let quota = quota.ok_or_else(|| format!("\"{text}\" has a request count too large to count"))?;
    if quota == 0 {
        return Err(format!("\"{text}\" allows no requests; the count must be at least 1"));
    }
    let window = window.trim();
    let unit_at = window.find(|c: char| !c.is_ascii_digit()).ok_or_else(syntax)?;
    let (multiple, unit) = window.split_at(unit_at);
    let unit_seconds: u64 = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        other => return Err(format!("\"{text}\" has an unknown unit '{other}'; use s, m, h or d")),
    };
    let multiple = if multiple.is_empty() { Some(1) } else { parse_count(multiple).ok_or_else(syntax)? };
    let seconds = multiple.and_then(|multiple| multiple.checked_mul(unit_seconds));
    let seconds = seconds.filter(|s| s.checked_mul(NANOS_PER_SECOND).is_some());
    let seconds = seconds.ok_or_else(|| format!("\"{text}\" has a window too long to count"))?;
    if seconds == 0 {
        return Err(format!("\"{text}\" has an empty window"));
    }
    Ok(Rate { quota, window: Duration::from_secs(seconds) })
}

/// `None` when `text` is not all ASCII digits; `Some(None)` when it overflows a u64.
fn parse_count(text: &str) -> Option<Option<u64>> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(text.parse().ok())
}

/// One limit of a policy, ready to evaluate.
#[derive(Clone, Debug)]
pub(crate) struct Limit {
    /// Requests per window, for `q` in `RateLimit-Policy`.
    pub quota: u64,
    /// Window in whole seconds, for `w`.
    pub window_seconds: u64,
    /// Name of this limit's item in the `RateLimit*` fields.
    pub item_name: String,
    /// Time between two requests at the sustained rate.
    interval: u64,
    /// `burst * interval`: how far ahead of now the TAT may be after admitting.
    capacity: u64,
}

/// What GCRA says about one request under one limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Conformance {
    /// Admitting the request moves the TAT to this.
    Conforms { next_tat: u64 },
    /// The request would conform after this many nanoseconds.
    Exceeds { wait: u64 },
}

impl Limit {
    pub(crate) fn new(rate: Rate, burst: Option<u64>, item_name: String) -> Result<Limit, String> {
        let window =
            u64::try_from(rate.window.as_nanos()).map_err(|_| "has a window too long to count".to_owned())?;
        let interval = window / rate.quota;
        if interval == 0 {
            return Err("is more than one request per nanosecond".to_owned());
        }
        let burst = burst.unwrap_or(rate.quota);
        if burst == 0 {
            return Err("has burst 0; burst must be at least 1 (it defaults to the request count)".to_owned());
        }
        let capacity =
            burst.checked_mul(interval).ok_or_else(|| format!("has burst {burst}, too large to count"))?;
        Ok(Limit { quota: rate.quota, window_seconds: rate.window.as_secs(), item_name, interval, capacity })
    }

    pub(crate) fn evaluate(&self, stored_tat: u64, now: u64) -> Conformance {
        let next_tat = stored_tat.max(now).saturating_add(self.interval);
        let conforms_at = next_tat.saturating_sub(self.capacity);
        if now >= conforms_at {
            Conformance::Conforms { next_tat }
        } else {
            Conformance::Exceeds { wait: conforms_at - now }
        }
    }

    /// Requests that would conform right now, one after the other, given the TAT.
    pub(crate) fn remaining(&self, tat: u64, now: u64) -> u64 {
        self.capacity.saturating_sub(tat.saturating_sub(now)) / self.interval
    }

    /// Seconds (rounded up) until the whole burst is available again.
    pub(crate) fn reset_seconds(&self, tat: u64, now: u64) -> u64 {
        tat.saturating_sub(now).div_ceil(NANOS_PER_SECOND)
    }
}

/// Maps `Instant`s onto the nanosecond numbers that the TATs are kept in.
#[derive(Debug)]
pub(crate) struct Clock {
    origin: Instant,
}

impl Clock {
    /// The origin is set an hour back so that an instant taken shortly before the limiter
    /// was built still maps to a distinct, non-zero time.
    pub(crate) fn new() -> Clock {
        let now = Instant::now();
        Clock { origin: now.checked_sub(Duration::from_secs(3600)).unwrap_or(now) }
    }

    pub(crate) fn nanos(&self, instant: Instant) -> u64 {
        let since = instant.saturating_duration_since(self.origin).as_nanos();
        u64::try_from(since).unwrap_or(u64::MAX).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(rate: &str, burst: Option<u64>) -> Limit {
        Limit::new(parse_rate(rate).unwrap(), burst, "l".into()).unwrap()
    }

    #[test]
    fn rates_parse_with_units_and_counted_windows() {
        let rate = |text| parse_rate(text).map(|r| (r.quota, r.window.as_secs()));
        assert_eq!(rate("10/s"), Ok((10, 1)));
        assert_eq!(rate(" 100 / m "), Ok((100, 60)));
        assert_eq!(rate("1000/h"), Ok((1000, 3600)));
        assert_eq!(rate("5/d"), Ok((5, 86_400)));
        assert_eq!(rate("5/30s"), Ok((5, 30)));
        assert_eq!(rate("7/5m"), Ok((7, 300)));
    }

    #[test]
    fn bad_rates_say_what_is_wrong() {
        let error = |text| parse_rate(text).unwrap_err();
        assert_eq!(error("10/x"), "\"10/x\" has an unknown unit 'x'; use s, m, h or d");
        assert_eq!(error("0/s"), "\"0/s\" allows no requests; the count must be at least 1");
        assert!(error("10").contains("is not a rate like 10/s"));
        assert!(error("ten/s").contains("is not a rate like 10/s"));
        assert!(error("-1/s").contains("is not a rate like 10/s"));
        assert!(error("10/30").contains("is not a rate like 10/s"));
        assert!(error("99999999999999999999/s").contains("too large to count"));
        assert!(error("1/99999999999999d").contains("window too long"));
        assert_eq!(error("1/0s"), "\"1/0s\" has an empty window");
    }

    #[test]
    fn limits_reject_zero_burst_and_impossible_speeds() {
        let new = |rate, burst| Limit::new(parse_rate(rate).unwrap(), burst, String::new()).map(|_| ());
        assert!(new("10/s", Some(0)).unwrap_err().contains("burst 0"));
        assert!(new("2000000000/s", None).unwrap_err().contains("per nanosecond"));
        assert!(new("1/d", Some(u64::MAX)).unwrap_err().contains("too large"));
    }

    #[test]
    fn a_fresh_key_gets_its_burst_then_one_request_per_interval() {
        let limit = limit("10/s", Some(3));
        let now = 1_000;
        let mut tat = 0;
        for _ in 0..3 {
            let Conformance::Conforms { next_tat } = limit.evaluate(tat, now) else {
                panic!("burst refused")
            };
            tat = next_tat;
        }
        assert_eq!(limit.evaluate(tat, now), Conformance::Exceeds { wait: 100_000_000 });
        assert_eq!(limit.remaining(tat, now), 0);
        assert_eq!(limit.reset_seconds(tat, now), 1);
        assert!(matches!(limit.evaluate(tat, now + 100_000_000), Conformance::Conforms { .. }));
    }
}
