// Package models holds the plain data types that flow through earshot's
// pipeline: scheduled scrapers produce Mentions, the sentiment stage turns
// them into Analyses with Aspects, and the alerter opens Tasks and queues
// Notifications. The structs carry gorm struct tags so the storage package
// can map them, but this package imports nothing from the storage layer:
// every other package can use these types without pulling in a database.
package models

import (
	"strings"
	"time"
)

// Business is a brand or a single location that earshot watches. Keywords
// and Handles let social sources recognise mentions that do not tag the
// business directly; TimeZone drives business hours for response deadlines
// and the weekly digest's send time.
type Business struct {
	ID          int64     `gorm:"primaryKey" json:"id"`
	Name        string    `gorm:"uniqueIndex;not null" json:"name"`
	DisplayName string    `json:"display_name"`
	Domain      string    `json:"domain"` // sentiment taxonomy pack: restaurant, hospitality, retail, software, general
	Keywords    []string  `gorm:"serializer:json" json:"keywords"`
	Handles     []string  `gorm:"serializer:json" json:"handles"`
	TimeZone    string    `json:"time_zone"`
	Locale      string    `gorm:"not null;default:en" json:"locale"` // language of owner-facing text: en, ja
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Source is one place earshot collects mentions from for one business: a
// review page, a search query on a social network, a feed. It also carries
// the source's health, because a scraper that silently returns nothing
// after a site redesign is the failure owners fear most.
type Source struct {
	ID         int64  `gorm:"primaryKey" json:"id"`
	BusinessID int64  `gorm:"not null;uniqueIndex:idx_sources_business_name" json:"business_id"`
	Name       string `gorm:"not null;uniqueIndex:idx_sources_business_name" json:"name"`
	Kind       string `gorm:"not null" json:"kind"`
	// Target is the page URL for review sites or the query for social kinds.
	Target string `json:"target"`
	// APIBase overrides the API endpoint of social kinds (self-hosted
	// instances, compatible services, tests).
	APIBase string `json:"api_base"`
	// API selects the API version of kinds that speak several ("v1.1" or
	// "v2" for twitter); empty means the kind's default.
	API             string `gorm:"column:api;not null;default:''" json:"api,omitempty"`
	IntervalSeconds int64  `json:"interval_seconds"`
	// Cursor is opaque to everything but the scraper of this kind: a page
	// token, a since-id or a timestamp that makes the next run incremental.
	Cursor              string     `json:"cursor"`
	LastRunAt           *time.Time `json:"last_run_at"`
	LastSuccessAt       *time.Time `json:"last_success_at"`
	LastError           string     `json:"last_error"`
	LastErrorClass      string     `json:"last_error_class"`
	ConsecutiveFailures int        `json:"consecutive_failures"`
	// BrokenAlertedAt is set when the owner was told this source is broken,
	// and cleared by the next success, so the alert is sent once per outage.
	BrokenAlertedAt *time.Time `json:"broken_alerted_at"`
	// QuietSince is set while a source that runs without errors has
	// brought no new mention for much longer than its own history says is
	// usual (a listing that moved, a selector that silently matches
	// nothing); QuietAlertedAt when the owner was told. Both are cleared by
	// the next new mention, so the owner hears once per quiet spell.
	QuietSince     *time.Time `json:"quiet_since,omitempty"`
	QuietAlertedAt *time.Time `json:"quiet_alerted_at,omitempty"`
	// QuietUsualGap is the source's usual time between new mentions (the
	// median of its history), set by the pipeline when it reports the
	// source quiet so the message can say what usual is. Not stored.
	QuietUsualGap time.Duration `gorm:"-" json:"-"`
	TotalMentions int64         `json:"total_mentions"`
	CreatedAt     time.Time     `json:"created_at"`
	UpdatedAt     time.Time     `json:"updated_at"`
}

// Error classes recorded on a SourceRun. They are coarse on purpose: an
// owner needs to know whether a site blocked us, changed its layout or was
// simply down, not the Go error chain.
const (
	ErrorClassNone    = ""
	ErrorClassBlocked = "blocked" // captcha, bot wall, 403 or 429 that persisted
	ErrorClassHTTP    = "http"    // other non-2xx status
	ErrorClassParse   = "parse"   // page fetched but reviews could not be read
	ErrorClassTimeout = "timeout"
	ErrorClassNetwork = "network" // DNS, refused connection, TLS
	ErrorClassConfig  = "config"  // missing credentials, bad target
	// ErrorClassTooLarge: the answer (after decompression) exceeded the
	// size limit, such as a gzip bomb; it is refused, never parsed.
	ErrorClassTooLarge = "too_large"
	// ErrorClassStore: the mentions were read but the database refused
	// them; the source has collected nothing until that is fixed.
	ErrorClassStore = "store"
	ErrorClassOther = "other"
)

// SourceRun records one scrape of one source, the raw material for source
// health reports and the digest's "sources that failed this week".
type SourceRun struct {
	ID         int64      `gorm:"primaryKey" json:"id"`
	SourceID   int64      `gorm:"index;not null" json:"source_id"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at"`
	Pages      int        `json:"pages"`
	Parsed     int        `json:"parsed"`
	New        int        `json:"new"`
	Updated    int        `json:"updated"`
	ErrorClass string     `json:"error_class"`
	Error      string     `json:"error"`
	// Warning notes what a run that did not fail still missed, such as a
	// page cut at the size limit ("truncated"); empty for a clean run.
	Warning string `json:"warning,omitempty"`
}

// Mention is one review or social post. It is unique on (SourceID,
// ExternalID): scraping the same page twice never stores it twice. When
// the author edits the text or the rating, the mention is updated in place,
// Version is incremented and the previous content is kept as a
// MentionVersion, so a downgraded review can reopen a task.
type Mention struct {
	ID         int64  `gorm:"primaryKey" json:"id"`
	BusinessID int64  `gorm:"index;not null" json:"business_id"`
	SourceID   int64  `gorm:"not null;uniqueIndex:idx_mentions_source_external" json:"source_id"`
	SourceKind string `gorm:"not null" json:"source"`
	ExternalID string `gorm:"not null;uniqueIndex:idx_mentions_source_external" json:"external_id"`
	URL        string `json:"url"`
	Author     string `json:"author"`
	// AuthorHandle is the handle a reply must contain for the author to be
	// notified, with its leading "@" ("@ana@social.example" on Mastodon,
	// "@ana" on X); empty where replies do not mention people.
	AuthorHandle string `gorm:"not null;default:''" json:"author_handle,omitempty"`
	// PlatformID is the id the platform's own API addresses the mention by
	// when replying, where that differs from ExternalID: the status id on
	// the configured Mastodon server (ExternalID is the status's
	// ActivityPub URI, the same on every server), the review's resource
	// name accounts/…/locations/…/reviews/… on Google Business Profile.
	PlatformID string `gorm:"not null;default:''" json:"platform_id,omitempty"`
	// AuthorReach is the author's follower count on social networks (0 when
	// unknown); it raises the severity of a public complaint.
	AuthorReach int64 `json:"author_reach,omitempty"`
	// Rating is stars out of 5, nil for sources without ratings.
	Rating   *float64   `json:"rating"`
	Title    string     `json:"title"`
	Text     string     `json:"text"`
	Language string     `json:"language"`
	PostedAt time.Time  `json:"posted_at"`
	EditedAt *time.Time `json:"edited_at"`
	// FetchedAt is when earshot first stored the mention; alert latency is
	// measured from here.
	FetchedAt time.Time `json:"fetched_at"`
	// ThreadID is the conversation a social post belongs to, where the
	// source gives one (the root post of a reply chain); the task page
	// shows the other posts of the thread around a complaint.
	ThreadID string `gorm:"not null;default:''" json:"thread_id,omitempty"`
	// Reply is the business owner's public reply, as scraped.
	Reply       string     `json:"reply"`
	ReplyAt     *time.Time `json:"reply_at"`
	ContentHash string     `gorm:"not null" json:"content_hash"`
	Version     int        `gorm:"not null;default:1" json:"version"`
	// AnalyzedVersion is the Version the latest Analysis was made from; a
	// mention with AnalyzedVersion < Version is waiting for the analyzer.
	AnalyzedVersion int       `gorm:"not null;default:0;index" json:"analyzed_version"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	// LegacyIDs are external IDs an earlier version of the scraper gave
	// this mention (one that still depended on the page's host, port or
	// query string). They are never stored: a mention stored under one of
	// them is re-keyed to ExternalID instead of being stored twice.
	LegacyIDs []string `gorm:"-" json:"-"`
}

// AggregateRating is a site's own average rating and review count for a
// source, as one scrape saw it: the digest and dashboard compare the
// site's figure with earshot's own count.
type AggregateRating struct {
	ID         int64 `gorm:"primaryKey" json:"id"`
	BusinessID int64 `gorm:"not null" json:"business_id"`
	SourceID   int64 `gorm:"not null;index" json:"source_id"`
	// Rating is stars out of 5; nil when the site gave only a count.
	Rating *float64 `json:"rating"`
	// Count is the number of reviews the site says exist (0 unknown).
	Count      int       `gorm:"column:review_count" json:"count"`
	ObservedAt time.Time `gorm:"not null" json:"observed_at"`
}

// MentionVersion keeps the content a mention had before an edit.
type MentionVersion struct {
	ID          int64     `gorm:"primaryKey" json:"id"`
	MentionID   int64     `gorm:"index;not null" json:"mention_id"`
	Version     int       `json:"version"`
	Rating      *float64  `json:"rating"`
	Title       string    `json:"title"`
	Text        string    `json:"text"`
	Reply       string    `json:"reply"`
	ContentHash string    `json:"content_hash"`
	RecordedAt  time.Time `json:"recorded_at"`
}

// Sentiment labels of an Analysis.
const (
	LabelPositive = "positive"
	LabelNegative = "negative"
	LabelNeutral  = "neutral"
	LabelMixed    = "mixed"
)

// Aspect polarities.
const (
	PolarityPositive = "positive"
	PolarityNegative = "negative"
	PolarityNeutral  = "neutral"
)

// Analysis is the sentiment stage's verdict on one version of a mention.
// Reasons explain, in words, why it was or was not flagged as a complaint:
// an owner who does not trust the flag stops reading alerts.
type Analysis struct {
	ID             int64   `gorm:"primaryKey" json:"id"`
	MentionID      int64   `gorm:"not null;uniqueIndex:idx_analyses_mention_version" json:"mention_id"`
	MentionVersion int     `gorm:"not null;uniqueIndex:idx_analyses_mention_version" json:"mention_version"`
	BusinessID     int64   `gorm:"index;not null" json:"business_id"`
	Compound       float64 `json:"compound"`
	Label          string  `json:"label"`
	Complaint      bool    `json:"complaint"`
	ComplaintScore float64 `json:"complaint_score"`
	// Severity runs from 0 (nothing to do) to 5 (health, safety, legal:
	// answer within minutes, any hour).
	Severity int    `json:"severity"`
	Language string `json:"language"`
	// Unrelated marks a social mention that is not about the business (no
	// name, handle or keyword): stored and counted, never a task.
	Unrelated bool      `gorm:"not null;default:false" json:"unrelated,omitempty"`
	Reasons   []string  `gorm:"serializer:json" json:"reasons"`
	Aspects   []Aspect  `gorm:"foreignKey:AnalysisID" json:"aspects"`
	Analyzer  string    `json:"analyzer"`
	CreatedAt time.Time `json:"created_at"`
}

// ReasonNeedsHumanRead starts the reason of an analysis whose text
// earshot could not read (a language it does not analyse): the language
// is in Analysis.Language, a star rating still decides Complaint, and the
// mention needs a person to read it rather than a neutral score.
const ReasonNeedsHumanRead = "needs a human read"

// NeedsHumanRead reports an analysis whose text nobody has read yet: see
// ReasonNeedsHumanRead. It is kept in Reasons, so it survives storage.
func (a Analysis) NeedsHumanRead() bool {
	for _, r := range a.Reasons {
		if strings.HasPrefix(r, ReasonNeedsHumanRead) {
			return true
		}
	}
	return false
}

// Issue is an aspect with negative polarity: a problem a customer raised
// ("double charge", "45-minute wait"). Issues are stored as aspects, so
// the digest can compare what customers criticise with what they praise.
type Issue = Aspect

// Issues returns the negative aspects: the problems the alerter and the
// digest talk about ("slow waitstaff", "charged twice").
func (a Analysis) Issues() []Issue {
	var out []Issue
	for _, x := range a.Aspects {
		if x.Polarity == PolarityNegative {
			out = append(out, x)
		}
	}
	return out
}

// Aspect is one thing a mention talks about, in a category of the
// business's taxonomy ("service" / "waitstaff"). Negative aspects are the
// issues of a complaint, positive ones are what customers praise.
type Aspect struct {
	ID         int64  `gorm:"primaryKey" json:"-"`
	AnalysisID int64  `gorm:"index;not null" json:"-"`
	MentionID  int64  `gorm:"index;not null" json:"-"`
	BusinessID int64  `gorm:"index;not null" json:"-"`
	Category   string `json:"category"`
	Term       string `json:"term"`
	Polarity   string `json:"polarity"`
	Evidence   string `json:"evidence"`
	// Problem marks a term that names what went wrong, in the words the
	// sentiment stage found for it ("cold food", "45-minute wait",
	// "double charge"), as opposed to a thing the customer mentioned in a
	// negative sentence ("waiter", "dessert"): a reply apologises for the
	// first kind only, since "sorry about the waiter" apologises for a
	// person, not for what they did.
	Problem   bool      `gorm:"not null;default:false" json:"problem,omitempty"`
	CreatedAt time.Time `json:"-"`
}

// TaskApology is the kind of task a complaint opens. Checking back after
// the fix is a later state of the same task (TaskFollowUpDue), so one
// task carries the whole story of a complaint.
const TaskApology = "apology"

// TaskHumanRead is the kind of task a mention opens when earshot cannot
// read its language but it names the business: someone who reads the
// language decides whether it needs an answer, instead of it vanishing.
const TaskHumanRead = "human_read"

// TaskFollowUp is the kind of task a complaint opens when the owner had
// already answered it on the site and alerts.follow_up_answered is on:
// nobody apologises again, someone checks the reply settled it.
const TaskFollowUp = "follow_up"

// Verdicts staff give on the complaint flag.
const (
	VerdictNotComplaint = "not_complaint"
	VerdictComplaint    = "complaint"
)

// Correction is a staff member's verdict on the complaint flag of one
// mention ("not a complaint" on a task, "this is a complaint" on a missed
// mention). The alerts policy learns from a business's corrections, so
// the same mistake is not repeated there.
type Correction struct {
	ID         int64  `gorm:"primaryKey" json:"id"`
	BusinessID int64  `gorm:"index;not null" json:"business_id"`
	MentionID  int64  `gorm:"index;not null" json:"mention_id"`
	TaskID     *int64 `json:"task_id,omitempty"`
	Verdict    string `gorm:"not null" json:"verdict"`
	Actor      string `gorm:"not null" json:"actor"`
	// Text is the mention's text when it was corrected: what later
	// mentions are compared with.
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
}

// TaskState is where a task is in its lifecycle. Which event moves a
// task from which state to which is the transition table in package
// tasks; nothing else changes a task's state.
type TaskState string

// Task states, in lifecycle order.
const (
	TaskOpen         TaskState = "open"
	TaskAcknowledged TaskState = "acknowledged"
	// TaskAwaitingApproval: a staff member suggested a reply at a
	// business whose replies need approval; a manager or owner approves
	// it (then it is replied) or sends it back. The customer still waits.
	TaskAwaitingApproval TaskState = "awaiting_approval"
	TaskReplied          TaskState = "replied"
	TaskFollowUpDue      TaskState = "follow_up_due"
	TaskResolved         TaskState = "resolved"
)

// Task is a piece of work for staff with a deadline: apologise for a
// complaint, or check back after the fix. DedupKey is unique in the store,
// so the same complaint never opens two tasks even when two replicas
// process it at once.
type Task struct {
	ID         int64     `gorm:"primaryKey" json:"id"`
	BusinessID int64     `gorm:"index;not null" json:"business_id"`
	MentionID  int64     `gorm:"index;not null" json:"mention_id"`
	ParentID   *int64    `json:"parent_id,omitempty"`
	IncidentID *int64    `gorm:"index" json:"incident_id,omitempty"`
	Kind       string    `gorm:"not null" json:"kind"`
	State      TaskState `gorm:"not null;index" json:"state"`
	DedupKey   string    `gorm:"uniqueIndex;not null" json:"-"`
	Assignee   string    `json:"assignee"`
	Severity   int       `json:"severity"`
	// Issue is the complaint's main issue ("service/slow"): complaints
	// about the same issue within a window group into one incident.
	Issue string `gorm:"not null;default:''" json:"issue,omitempty"`
	// Channel is the policy channel the deadline came from: social or review.
	Channel string `json:"channel"`
	// Language is the language the mention is written in, as detected
	// ("ja", "de"); set when it is not English, so the inbox and the
	// digest can say who should read it.
	Language string `gorm:"not null;default:''" json:"language,omitempty"`
	// DueAt is the deadline for answering the customer. It never moves to
	// the follow-up date, so the digest can tell whether the reply came
	// in time.
	DueAt time.Time `gorm:"index" json:"due_at"`
	// FollowUpAt is when to check back after the reply (set when the task
	// is replied, cleared when it reopens).
	FollowUpAt *time.Time `json:"follow_up_at,omitempty"`
	// HardDueAt is the absolute limit regardless of business hours.
	HardDueAt *time.Time `json:"hard_due_at,omitempty"`
	Draft     string     `json:"draft"`
	ReplyText string     `json:"reply_text"`
	// Link points at the review so staff can answer where no API allows
	// posting.
	Link string `json:"link"`
	// Escalation is the highest escalation step already notified (0 none,
	// 50, 75, 100 percent of the time to deadline), so each reminder goes
	// out at most once.
	Escalation int `json:"escalation"`
	// PostKey, PostClaimedAt, PostClaimedBy and PostAttempts claim the
	// task while its reply is being posted (tasks.Service.Reply): one
	// poster at a time, the same idempotency key after a crash, and a
	// count of attempts whose outcome was never recorded, so the next
	// one looks on the platform before posting again.
	PostKey       string     `json:"-"`
	PostClaimedAt *time.Time `json:"-"`
	PostClaimedBy string     `json:"-"`
	PostAttempts  int        `json:"-"`
	OpenedAt      time.Time  `json:"opened_at"`
	AckedAt       *time.Time `json:"acked_at,omitempty"`
	RepliedAt     *time.Time `json:"replied_at,omitempty"`
	ResolvedAt    *time.Time `json:"resolved_at,omitempty"`
	// AuthorKey and SourceKind copy the author and source kind of the
	// task's mention, so a repeat complaint finds the author's task in one
	// index lookup however common the name.
	AuthorKey  string    `gorm:"not null;default:''" json:"-"`
	SourceKind string    `gorm:"not null;default:''" json:"-"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// IncidentGroup is the running state of a burst of complaints about one
// issue of one business: each complaint updates this one row instead of
// re-reading the burst's tasks. Items are the tasks the incident alert
// lists, the first MaxListed of them.
type IncidentGroup struct {
	ID           int64  `gorm:"primaryKey"`
	BusinessID   int64  `gorm:"not null"`
	Issue        string `gorm:"not null"`
	LeaderTaskID *int64
	StartedAt    time.Time `gorm:"not null"`
	LastAt       time.Time `gorm:"not null"`
	// PostedFirst and PostedLast span the complaints' posting times.
	PostedFirst, PostedLast *time.Time
	Complaints              int `gorm:"not null"`
	// AlertRound is the round of the incident alert last queued (0:
	// none yet), so a newcomer rewrites it while it waits in the outbox.
	AlertRound int `gorm:"not null"`
	// Items is a JSON list of IncidentItem.
	Items     string `gorm:"not null"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// IncidentItem is one task as an incident alert lists it.
type IncidentItem struct {
	TaskID  int64     `json:"task_id"`
	Heading string    `json:"heading"`
	Quote   string    `json:"quote"`
	Link    string    `json:"link"`
	DueAt   time.Time `json:"due_at"`
}

// SkippedMention records a mention version whose analysis failed on its
// own (its batch was split until it stood alone), set aside so that it
// no longer blocks the mentions after it.
type SkippedMention struct {
	ID        int64 `gorm:"primaryKey"`
	MentionID int64 `gorm:"not null"`
	SourceID  int64 `gorm:"not null"`
	Version   int   `gorm:"not null"`
	Reason    string
	SkippedAt time.Time `gorm:"not null"`
}

// TaskEvent records who did what to a task and when.
type TaskEvent struct {
	ID     int64     `gorm:"primaryKey" json:"id"`
	TaskID int64     `gorm:"index;not null" json:"task_id"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Note   string    `json:"note"`
	At     time.Time `json:"at"`
}

// NotificationKind says what a notification is about (alert, reminder,
// incident, digest...); the kinds are listed in package notify.
type NotificationKind string

// Notification states in the outbox.
const (
	NotificationPending = "pending"
	NotificationSent    = "sent"
	NotificationFailed  = "failed" // gave up after retries or a permanent error
)

// Notification is one message in the transactional outbox. It is written
// in the same transaction as the task or digest that caused it and
// delivered afterwards with retries, so a crash between the two loses
// nothing; IdempotencyKey is unique so nothing is queued twice.
type Notification struct {
	ID         int64            `gorm:"primaryKey" json:"id"`
	BusinessID int64            `gorm:"index" json:"business_id"`
	TaskID     *int64           `gorm:"index" json:"task_id,omitempty"`
	MentionID  *int64           `json:"mention_id,omitempty"`
	Kind       NotificationKind `json:"kind"`
	Channel    string           `json:"channel"` // name of a configured channel
	Recipient  string           `json:"recipient"`
	Subject    string           `json:"subject"`
	Body       string           `json:"body"`
	HTMLBody   string           `json:"html_body"`
	// Payload carries structured data for JSON channels (webhook, Slack).
	Payload        []byte        `json:"payload,omitempty"`
	InlineImages   []InlineImage `gorm:"serializer:json" json:"-"`
	IdempotencyKey string        `gorm:"uniqueIndex;not null" json:"idempotency_key"`
	// DeliveryKey is the key receivers see (Message-ID, Idempotency-Key):
	// random per notification and stable across its retries, so a new or
	// restored database, whose task ids repeat, never collides with what
	// receivers saw before.
	DeliveryKey   string    `gorm:"uniqueIndex;not null" json:"delivery_key"`
	State         string    `gorm:"not null;index" json:"state"`
	Attempts      int       `json:"attempts"`
	NextAttemptAt time.Time `gorm:"index" json:"next_attempt_at"`
	LastError     string    `json:"last_error"`
	// FailingSince is the first failure of the current run of failures.
	FailingSince *time.Time `json:"failing_since,omitempty"`
	// MentionStoredAt is when the mention behind this alert was first
	// stored; with SentAt it gives the mention-to-owner latency.
	MentionStoredAt *time.Time `json:"mention_stored_at,omitempty"`
	SentAt          *time.Time `json:"sent_at,omitempty"`
	CreatedAt       time.Time  `json:"created_at"`
}

// ReceiverKey is the key channels hand to receivers: DeliveryKey, or the
// outbox key for a notification built outside the outbox (tests, direct
// sends).
func (n Notification) ReceiverKey() string {
	if n.DeliveryKey != "" {
		return n.DeliveryKey
	}
	return n.IdempotencyKey
}

// ChannelBacklog is what waits in the outbox for one channel.
type ChannelBacklog struct {
	Channel string
	// Pending counts notifications not sent yet; Failing those of them
	// whose last attempt failed; Failed those given up on.
	Pending, Failing, Failed int
	// FailingSince is the earliest first failure among the failing ones.
	FailingSince *time.Time
	LastError    string
	// Oldest is when the oldest notification still waiting (pending or
	// given up on) was queued: how late the channel's news is.
	Oldest *time.Time
}

// InlineImage is an image embedded in an HTML email by Content-ID, such as
// a digest chart, so the email needs no external resources.
type InlineImage struct {
	ContentID   string `json:"content_id"`
	ContentType string `json:"content_type"`
	Data        []byte `json:"data"`
}

// User roles decide who is told what: staff get their own tasks, managers
// escalations, owners complaints and the weekly digest.
const (
	RoleOwner   = "owner"
	RoleManager = "manager"
	RoleStaff   = "staff"
)

// User is a person who receives alerts or works on tasks.
type User struct {
	ID         int64     `gorm:"primaryKey" json:"id"`
	BusinessID int64     `gorm:"index" json:"business_id"`
	Name       string    `gorm:"not null" json:"name"`
	Email      string    `json:"email"`
	Role       string    `json:"role"`
	CreatedAt  time.Time `json:"created_at"`
}
