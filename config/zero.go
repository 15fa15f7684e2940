package config

import "fmt"

// DefaultMaxRetries is scraping.max_retries when the key is left out.
const DefaultMaxRetries = 3

// zeroRule is a key whose zero value used to mean "the default" without
// a word. Left out, the key still gets its default; written as 0 it is
// either honoured (honour) or refused with why, so `max_retries: 0`
// never silently means three retries.
type zeroRule struct {
	path   string
	isZero func(*Config) bool
	// why is the message for a refused 0; empty means 0 is honoured.
	why string
}

// zeroRules decides, per key, what a written 0 means. Only max_retries
// (no retries) and the escalation steps (documented: 0 disables a step)
// have a meaningful zero; everywhere else 0 would stop earshot working
// (no timeout, no gap between requests, alerts never sent), so it is
// refused with the default to use instead.
var zeroRules = []zeroRule{
	{"scraping.max_retries", func(c *Config) bool { return c.Scraping.MaxRetries == 0 }, ""},
	{"scraping.request_delay", func(c *Config) bool { return c.Scraping.RequestDelay == 0 }, "0 would send requests to one site back to back, which gets scrapers blocked; use a positive gap such as 1s (the default when the key is left out)"},
	{"scraping.timeout", func(c *Config) bool { return c.Scraping.Timeout == 0 }, "0 would let a request hang for ever; use a timeout such as 20s (the default when the key is left out)"},
	{"scraping.broken_after", func(c *Config) bool { return c.Scraping.BrokenAfter == 0 }, fmt.Sprintf("0 failed runs cannot mark a source broken; use 1 or more (default %d when the key is left out)", DefaultBrokenAfter)},
	{"scraping.default_interval", func(c *Config) bool { return c.Scraping.DefaultInterval == 0 }, fmt.Sprintf("0 is not an interval; use at least %s (default %s when the key is left out)", DefaultMinInterval, DefaultSourceInterval)},
	{"schedule.analyze", func(c *Config) bool { return c.Schedule.Analyze == 0 }, fmt.Sprintf("0 is not an interval; use a positive one (default %s when the key is left out)", DefaultAnalyzeInterval)},
	{"schedule.deadlines", func(c *Config) bool { return c.Schedule.Deadlines == 0 }, fmt.Sprintf("0 is not an interval; use a positive one (default %s when the key is left out)", DefaultDeadlineCheck)},
	{"schedule.deliver", func(c *Config) bool { return c.Schedule.Deliver == 0 }, fmt.Sprintf("0 is not an interval; use a positive one (default %s when the key is left out)", DefaultDeliverInterval)},
	{"alerts.default_deadline", func(c *Config) bool { return c.Alerts.DefaultDeadline == 0 }, fmt.Sprintf("a deadline of 0 is already passed when the task opens; use a duration such as %s (the default when the key is left out)", DefaultDeadline)},
	{"alerts.follow_up", func(c *Config) bool { return c.Alerts.FollowUp == 0 }, fmt.Sprintf("0 would ask for the follow-up before the customer could answer; use a duration such as %s (the default when the key is left out)", DefaultFollowUp)},
	{"alerts.burst.window", func(c *Config) bool { return c.Alerts.Burst.Window == 0 }, fmt.Sprintf("a window of 0 never groups complaints; use a duration such as %s (the default when the key is left out)", DefaultBurstWindow)},
	{"alerts.burst.threshold", func(c *Config) bool { return c.Alerts.Burst.Threshold == 0 }, fmt.Sprintf("a burst needs at least 2 complaints; use 2 or more (default %d when the key is left out)", DefaultBurstThreshold)},
	{"alerts.max_per_recipient_per_hour", func(c *Config) bool { return c.Alerts.MaxPerRecipientPerHour == 0 }, fmt.Sprintf("0 would hold back every alert; use 1 or more (default %d when the key is left out)", DefaultMaxPerHour)},
	// max_attempts: 0 is the default, no cap but give_up_after.
	{"alerts.retry.give_up_after", func(c *Config) bool { return c.Alerts.Retry.GiveUpAfter == 0 }, fmt.Sprintf("0 would give up on a notification at its first failure; use a duration such as %s (the default when the key is left out)", DefaultGiveUpAfter)},
	{"alerts.retry.warn_after", func(c *Config) bool { return c.Alerts.Retry.WarnAfter == 0 }, fmt.Sprintf("0 would warn about every single failed attempt; use a duration such as %s (the default when the key is left out)", DefaultWarnAfter)},
	{"alerts.retry.backoff", func(c *Config) bool { return c.Alerts.Retry.Backoff == 0 }, fmt.Sprintf("0 would retry a failing server in a tight loop; use a duration such as %s (the default when the key is left out)", DefaultBackoff)},
	{"alerts.retry.max_backoff", func(c *Config) bool { return c.Alerts.Retry.MaxBackoff == 0 }, fmt.Sprintf("0 would retry a failing server in a tight loop; use a duration such as %s (the default when the key is left out)", DefaultMaxBackoff)},
}

// explicitZeros reports the keys written as 0 where 0 is refused. It runs
// after decoding and before defaults are applied.
func (c *Config) explicitZeros() Errors {
	var errs Errors
	for _, r := range zeroRules {
		if r.why == "" || !c.set(r.path) || !r.isZero(c) {
			continue
		}
		errs = append(errs, &FieldError{File: c.File, Line: c.Line(r.path), Path: r.path, Msg: r.why})
	}
	for i, b := range c.Businesses {
		for j, s := range b.Sources {
			p := fmt.Sprintf("businesses[%d].sources[%d].interval", i, j)
			if c.set(p) && s.Interval == 0 {
				errs = append(errs, &FieldError{File: c.File, Line: c.Line(p), Path: p, Msg: fmt.Sprintf("0 is not an interval; use at least %s, or leave the key out for scraping.default_interval", DefaultMinInterval)})
			}
		}
	}
	return errs
}
