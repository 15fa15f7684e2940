package scrapers

import (
	"time"

	"github.com/earshot/earshot/models"
)

// Record is the stable, documented JSON shape of one collected mention, as
// printed by `earshot scrape --format jsonl` and stored in the scrapers'
// expected-output test files. It leaves out the store's bookkeeping (IDs,
// hashes, versions) so the output depends only on the page.
type Record struct {
	Source     string `json:"source"`
	ExternalID string `json:"external_id"`
	URL        string `json:"url"`
	Author     string `json:"author"`
	// AuthorHandle and PlatformID are what a reply needs (see
	// models.Mention); omitted for kinds that have none.
	AuthorHandle string     `json:"author_handle,omitempty"`
	PlatformID   string     `json:"platform_id,omitempty"`
	AuthorReach  int64      `json:"author_reach,omitempty"`
	Rating       *float64   `json:"rating"`
	Title        string     `json:"title"`
	Text         string     `json:"text"`
	Language     string     `json:"language"`
	PostedAt     *time.Time `json:"posted_at"`
	EditedAt     *time.Time `json:"edited_at"`
	Reply        string     `json:"reply"`
	ReplyAt      *time.Time `json:"reply_at,omitempty"`
}

// ToRecord converts a mention to its printed form; a zero PostedAt (the
// site printed no readable date) becomes null rather than year 1.
func ToRecord(m models.Mention) Record {
	r := Record{
		Source: m.SourceKind, ExternalID: m.ExternalID, URL: m.URL, Author: m.Author,
		AuthorHandle: m.AuthorHandle, PlatformID: m.PlatformID,
		AuthorReach: m.AuthorReach, Rating: m.Rating, Title: m.Title, Text: m.Text,
		Language: m.Language, EditedAt: m.EditedAt, Reply: m.Reply, ReplyAt: m.ReplyAt,
	}
	if !m.PostedAt.IsZero() {
		t := m.PostedAt
		r.PostedAt = &t
	}
	return r
}
