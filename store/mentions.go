package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"time"

	"github.com/earshot/earshot/internal/textclean"
	"github.com/earshot/earshot/models"
	"gorm.io/gorm/clause"
)

// batchSize bounds the rows of one INSERT and the IDs of one IN (...):
// SQLite accepts 32766 bound parameters, a mention row has about 20.
const batchSize = 500

// ContentHash fingerprints what the customer wrote (title, text, rating).
// A change of hash is an edit; the owner's reply is tracked separately so
// that replying does not count as the customer editing.
func ContentHash(m models.Mention) string {
	h := sha256.New()
	h.Write([]byte(m.Title))
	h.Write([]byte{0})
	h.Write([]byte(m.Text))
	h.Write([]byte{0})
	if m.Rating != nil {
		h.Write([]byte(strconv.FormatFloat(*m.Rating, 'f', -1, 64)))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Edit describes a stored mention whose content changed.
type Edit struct {
	MentionID int64
	OldRating *float64
	NewRating *float64
	Version   int
}

// SaveResult says what SaveMentions did with each input.
type SaveResult struct {
	New, Updated, Unchanged int
	// NewIDs are the IDs of newly stored mentions.
	NewIDs []int64
	// Edits lists mentions whose text or rating changed (a downgraded
	// review reopens its task).
	Edits []Edit
	// Replied lists mentions on which an owner reply appeared or changed:
	// the alerter marks their tasks replied.
	Replied []int64
}

// cleanMention makes every string of a scraped mention storable: this is
// the one boundary between scrapers and the database, so no parser has to
// remember that PostgreSQL refuses a NUL byte or invalid UTF-8 (and would
// refuse the whole batch, on every run, for one bad id). Bidi override
// characters go too: they only ever serve to disguise text in the inbox,
// alert subjects and terminals.
func cleanMention(m *models.Mention) {
	// Every string field, found by reflection, so a field added to the
	// model later (PlatformID, AuthorHandle came after this rule) cannot
	// slip past the one boundary and block a source on PostgreSQL.
	v := reflect.ValueOf(m).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch {
		case f.Kind() == reflect.String && f.CanSet():
			f.SetString(textclean.Store(f.String()))
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String && f.CanSet():
			for j := range f.Len() {
				f.Index(j).SetString(textclean.Store(f.Index(j).String()))
			}
		}
	}
}

// SaveMentions stores one batch from one source in a single transaction.
// A mention already stored with the same content is left alone; one whose
// text or rating changed is updated, its previous content kept as a
// MentionVersion and its Version bumped so it is analyzed again. Inserts
// are batched; 10,000 mentions cost a few dozen statements, not 10,000.
func (s *Store) SaveMentions(ctx context.Context, src models.Source, ms []models.Mention) (SaveResult, error) {
	var res SaveResult
	if len(ms) == 0 {
		return res, nil
	}
	now := s.Now()
	// The last occurrence of an external ID in one batch wins.
	idx := make(map[string]int, len(ms))
	uniq := make([]models.Mention, 0, len(ms))
	for _, m := range ms {
		cleanMention(&m)
		if m.ExternalID == "" {
			return res, fmt.Errorf("store: save mention from source %s: empty external id (url %q)", src.Name, m.URL)
		}
		m.BusinessID, m.SourceID = src.BusinessID, src.ID
		if m.SourceKind == "" {
			m.SourceKind = src.Kind
		}
		m.ContentHash = ContentHash(m)
		m.PostedAt = m.PostedAt.UTC()
		if i, ok := idx[m.ExternalID]; ok {
			uniq[i] = m
			continue
		}
		idx[m.ExternalID] = len(uniq)
		uniq = append(uniq, m)
	}
	err := s.Tx(ctx, func(tx *Store) error {
		existing := make(map[string]models.Mention, len(uniq))
		for start := 0; start < len(uniq); start += batchSize {
			ids := make([]string, 0, batchSize)
			for _, m := range uniq[start:min(start+batchSize, len(uniq))] {
				ids = append(ids, m.ExternalID)
			}
			var found []models.Mention
			if err := tx.q(ctx).Where("source_id = ? AND external_id IN ?", src.ID, ids).Find(&found).Error; err != nil {
				return fmt.Errorf("store: look up mentions of source %s: %w", src.Name, err)
			}
			for _, f := range found {
				existing[f.ExternalID] = f
			}
		}
		if err := tx.rekeyLegacy(ctx, src, uniq, existing); err != nil {
			return err
		}
		var fresh []models.Mention
		for _, m := range uniq {
			old, ok := existing[m.ExternalID]
			if !ok {
				m.ID = 0
				m.FetchedAt = now
				m.Version = 1
				m.AnalyzedVersion = 0
				fresh = append(fresh, m)
				continue
			}
			changed, err := tx.updateMention(ctx, old, m, now, &res)
			if err != nil {
				return err
			}
			if changed {
				res.Updated++
			} else {
				res.Unchanged++
			}
		}
		for start := 0; start < len(fresh); start += batchSize {
			chunk := fresh[start:min(start+batchSize, len(fresh))]
			// ON CONFLICT DO NOTHING: another replica may have stored the
			// same mention a moment ago; it is not stored twice.
			r := tx.q(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&chunk)
			if r.Error != nil {
				return fmt.Errorf("store: insert %d mentions of source %s: %w", len(chunk), src.Name, r.Error)
			}
			if err := tx.upsertMentionRollups(ctx, chunk); err != nil {
				return err
			}
			res.New += int(r.RowsAffected)
			res.Unchanged += len(chunk) - int(r.RowsAffected)
			for _, m := range chunk {
				if m.ID != 0 {
					res.NewIDs = append(res.NewIDs, m.ID)
				}
			}
		}
		if res.New > 0 {
			s.memo.reset()
			tx.memo.reset()
			if err := tx.q(ctx).Model(&models.Source{}).Where("id = ?", src.ID).
				Update("total_mentions", gormExpr("total_mentions + ?", res.New)).Error; err != nil {
				return fmt.Errorf("store: count mentions of source %s: %w", src.Name, err)
			}
		}
		return nil
	})
	if err != nil {
		return SaveResult{}, err
	}
	return res, nil
}

// rekeyLegacy finds mentions stored under an ID an earlier scraper
// version gave them (Mention.LegacyIDs: one that depended on the page's
// host, port or query string) and gives them their current ID, so an
// upgrade does not store, analyze and alert every such mention twice.
// Re-keyed rows are added to existing.
func (s *Store) rekeyLegacy(ctx context.Context, src models.Source, ms []models.Mention, existing map[string]models.Mention) error {
	current := make(map[string]bool, len(ms))
	for _, m := range ms {
		current[m.ExternalID] = true
	}
	want := map[string]string{} // legacy ID → current ID
	for _, m := range ms {
		if _, ok := existing[m.ExternalID]; ok {
			continue
		}
		for _, l := range m.LegacyIDs {
			if l != "" && !current[l] {
				want[l] = m.ExternalID
			}
		}
	}
	if len(want) == 0 {
		return nil
	}
	ids := make([]string, 0, len(want))
	for l := range want {
		ids = append(ids, l)
	}
	for start := 0; start < len(ids); start += batchSize {
		var found []models.Mention
		if err := s.q(ctx).Where("source_id = ? AND external_id IN ?", src.ID, ids[start:min(start+batchSize, len(ids))]).Find(&found).Error; err != nil {
			return fmt.Errorf("store: look up earlier ids of source %s: %w", src.Name, err)
		}
		for _, f := range found {
			cur := want[f.ExternalID]
			if _, taken := existing[cur]; taken {
				continue
			}
			if err := s.q(ctx).Model(&models.Mention{}).Where("id = ?", f.ID).Update("external_id", cur).Error; err != nil {
				return fmt.Errorf("store: re-key mention %d of source %s: %w", f.ID, src.Name, err)
			}
			f.ExternalID = cur
			existing[cur] = f
		}
	}
	return nil
}

// updateMention applies what changed between the stored and the scraped
// version of a mention. It reports whether anything was written.
func (s *Store) updateMention(ctx context.Context, old, m models.Mention, now time.Time, res *SaveResult) (bool, error) {
	updates := map[string]any{}
	if m.Reply != old.Reply {
		updates["reply"] = m.Reply
		updates["reply_at"] = m.ReplyAt
		if m.Reply != "" {
			res.Replied = append(res.Replied, old.ID)
		}
	}
	if m.ContentHash != old.ContentHash {
		v := models.MentionVersion{
			MentionID: old.ID, Version: old.Version, Rating: old.Rating, Title: old.Title,
			Text: old.Text, Reply: old.Reply, ContentHash: old.ContentHash, RecordedAt: now,
		}
		if err := s.q(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&v).Error; err != nil {
			return false, fmt.Errorf("store: keep version %d of mention %s: %w", old.Version, old.ExternalID, err)
		}
		updates["title"] = m.Title
		updates["text"] = m.Text
		updates["rating"] = m.Rating
		updates["content_hash"] = m.ContentHash
		updates["version"] = old.Version + 1
		edited := m.EditedAt
		if edited == nil {
			edited = &now
		}
		updates["edited_at"] = edited
		res.Edits = append(res.Edits, Edit{MentionID: old.ID, OldRating: old.Rating, NewRating: m.Rating, Version: old.Version + 1})
	}
	// Mentions stored before the platform's reply id or the author's
	// handle were read get them on the next scrape.
	if m.PlatformID != "" && m.PlatformID != old.PlatformID {
		updates["platform_id"] = m.PlatformID
	}
	if m.AuthorHandle != "" && m.AuthorHandle != old.AuthorHandle {
		updates["author_handle"] = m.AuthorHandle
	}
	if m.AuthorReach > old.AuthorReach {
		updates["author_reach"] = m.AuthorReach
	}
	if len(updates) == 0 {
		return false, nil
	}
	updates["updated_at"] = now
	// The version guard makes a concurrent edit by another replica lose
	// cleanly instead of writing a version twice.
	r := s.q(ctx).Model(&models.Mention{}).Where("id = ? AND version = ?", old.ID, old.Version).Updates(updates)
	if r.Error != nil {
		return false, fmt.Errorf("store: update mention %s: %w", old.ExternalID, r.Error)
	}
	if r.RowsAffected > 0 && m.ContentHash != old.ContentHash && !old.PostedAt.IsZero() {
		// The rating counts in the digest's rollups as edited.
		d := &rollupDelta{}
		d.addRating(old.Rating, -1)
		d.addRating(m.Rating, 1)
		if err := s.applyRollups(ctx, map[rollupKey]*rollupDelta{{old.BusinessID, old.SourceID, hourOf(old.PostedAt)}: d}, nil); err != nil {
			return false, err
		}
	}
	return r.RowsAffected > 0, nil
}

// SeenFunc returns the membership test scrapers use to stop paginating:
// whether a mention with this external ID is stored for the source. It
// asks the database per ID (one indexed lookup) instead of loading every
// ID the source ever stored, because a scrape checks only until the first
// new mention of a page. A failed lookup answers "not seen", which costs
// at most extra pages (up to the scraper's limit) and never a mention.
func (s *Store) SeenFunc(ctx context.Context, sourceID int64) func(string) bool {
	return func(externalID string) bool {
		var n int64
		err := s.q(ctx).Model(&models.Mention{}).
			Where("source_id = ? AND external_id = ?", sourceID, textclean.Store(externalID)).Limit(1).Count(&n).Error
		if err != nil {
			s.log.Warn("store: checking whether a mention is stored failed; paginating on", "source_id", sourceID, "err", err)
			return false
		}
		return n > 0
	}
}

// Mention loads one mention.
func (s *Store) Mention(ctx context.Context, id int64) (models.Mention, error) {
	var m models.Mention
	if err := s.q(ctx).First(&m, id).Error; err != nil {
		return m, fmt.Errorf("store: mention %d: %w", id, notFound(err))
	}
	return m, nil
}

// Mentions loads the mentions with the given IDs in one query, for lists
// (the inbox, reports) that would otherwise load them one by one.
func (s *Store) Mentions(ctx context.Context, ids []int64) (map[int64]models.Mention, error) {
	out := make(map[int64]models.Mention, len(ids))
	for start := 0; start < len(ids); start += batchSize {
		var ms []models.Mention
		if err := s.q(ctx).Where("id IN ?", ids[start:min(start+batchSize, len(ids))]).Find(&ms).Error; err != nil {
			return nil, fmt.Errorf("store: load %d mentions: %w", len(ids), err)
		}
		for _, m := range ms {
			out[m.ID] = m
		}
	}
	return out, nil
}

// MentionVersions lists the earlier versions of a mention, oldest first.
func (s *Store) MentionVersions(ctx context.Context, mentionID int64) ([]models.MentionVersion, error) {
	var out []models.MentionVersion
	if err := s.q(ctx).Where("mention_id = ?", mentionID).Order("version").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: versions of mention %d: %w", mentionID, err)
	}
	return out, nil
}

// PendingAnalysis returns up to limit mentions whose current version has
// not been analyzed, oldest first.
func (s *Store) PendingAnalysis(ctx context.Context, limit int) ([]models.Mention, error) {
	return s.PendingAnalysisAfter(ctx, 0, limit)
}

// PendingAnalysisAfter is PendingAnalysis from the mention after afterID
// on: a pass over a backlog reads each batch from where the last one
// ended (a range of the primary key) instead of walking the mentions
// already analysed from the start every time.
func (s *Store) PendingAnalysisAfter(ctx context.Context, afterID int64, limit int) ([]models.Mention, error) {
	var out []models.Mention
	if err := s.q(ctx).Where("id > ? AND analyzed_version < version", afterID).Order("id").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: pending analysis: %w", err)
	}
	return out, nil
}

// SaveAnalysis stores an analysis with its aspects and marks the
// mention's version analyzed. Saving the same mention version twice is a
// no-op that reports false, so a rerun or a second replica does not act
// on it again.
func (s *Store) SaveAnalysis(ctx context.Context, a *models.Analysis) (bool, error) {
	inserted, err := s.insertAnalysis(ctx, a)
	if err != nil || !inserted {
		return false, err
	}
	for i := range a.Aspects {
		a.Aspects[i].ID = 0
		a.Aspects[i].AnalysisID = a.ID
		a.Aspects[i].MentionID = a.MentionID
		a.Aspects[i].BusinessID = a.BusinessID
	}
	if len(a.Aspects) > 0 {
		if err := s.q(ctx).Create(&a.Aspects).Error; err != nil {
			return false, fmt.Errorf("store: save aspects of mention %d: %w", a.MentionID, err)
		}
	}
	if err := s.finishAnalysis(ctx, a); err != nil {
		return false, err
	}
	return true, nil
}

// finishAnalysis marks the mention of a stored analysis analysed (unless
// a newer version already is) and moves it in the digest rollups, reading
// the mention's row for what the rollups need.
func (s *Store) finishAnalysis(ctx context.Context, a *models.Analysis) error {
	mr, err := s.mentionRollupRow(ctx, a.MentionID)
	if err != nil {
		return err
	}
	if mr.ResolvedTasks > 0 {
		resolved, err := s.resolvedOnAnalysis(ctx, a)
		if err != nil {
			return err
		}
		if err := s.applyResolved(ctx, resolved); err != nil {
			return err
		}
	}
	// The mention's current sentiment is copied for the digest's quotes.
	r := s.q(ctx).Exec("UPDATE mentions SET analyzed_version = ?, compound = ? WHERE id = ? AND analyzed_version < ?",
		a.MentionVersion, a.Compound, a.MentionID, a.MentionVersion)
	if r.Error != nil {
		return fmt.Errorf("store: mark mention %d analyzed: %w", a.MentionID, r.Error)
	}
	if r.RowsAffected == 0 {
		return nil
	}
	// This analysis replaces the current one in the digest's rollups.
	rows, aspects := map[rollupKey]*rollupDelta{}, map[aspectKey]int64{}
	if err := s.addToRollups(ctx, mr, a, rows, aspects); err != nil {
		return err
	}
	return s.applyRollups(ctx, rows, aspects)
}

// insertAnalysis inserts the analysis row (not its aspects) unless the
// mention version has one, and sets a.ID. It is a plain INSERT … ON
// CONFLICT DO NOTHING RETURNING id, the statement gorm's Create wrote,
// without its reflection over the struct (a burst saves 200 analyses a
// transaction). Reasons are stored as gorm's JSON serializer stores them:
// NULL for none, else a JSON array.
func (s *Store) insertAnalysis(ctx context.Context, a *models.Analysis) (bool, error) {
	a.ID = 0
	if a.CreatedAt.IsZero() {
		a.CreatedAt = s.Now()
	}
	var reasons any
	if a.Reasons != nil {
		raw, err := json.Marshal(a.Reasons)
		if err != nil {
			return false, fmt.Errorf("store: save analysis of mention %d: %w", a.MentionID, err)
		}
		reasons = string(raw)
	}
	rows, err := s.q(ctx).Raw(`INSERT INTO analyses (mention_id, mention_version, business_id, compound, label, complaint, complaint_score,
			severity, language, unrelated, reasons, analyzer, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
		a.MentionID, a.MentionVersion, a.BusinessID, a.Compound, a.Label, a.Complaint, a.ComplaintScore,
		a.Severity, a.Language, a.Unrelated, reasons, a.Analyzer, a.CreatedAt).Rows()
	if err != nil {
		return false, fmt.Errorf("store: save analysis of mention %d: %w", a.MentionID, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return false, fmt.Errorf("store: save analysis of mention %d: %w", a.MentionID, err)
		}
		return false, nil
	}
	if err := rows.Scan(&a.ID); err != nil {
		return false, fmt.Errorf("store: save analysis of mention %d: %w", a.MentionID, err)
	}
	if err := rows.Close(); err != nil {
		return false, fmt.Errorf("store: save analysis of mention %d: %w", a.MentionID, err)
	}
	return true, nil
}

// LatestAnalysis returns the analysis of a mention's newest analyzed
// version.
func (s *Store) LatestAnalysis(ctx context.Context, mentionID int64) (models.Analysis, error) {
	var a models.Analysis
	if err := s.q(ctx).Preload("Aspects").Where("mention_id = ?", mentionID).Order("mention_version DESC").First(&a).Error; err != nil {
		return a, fmt.Errorf("store: analysis of mention %d: %w", mentionID, notFound(err))
	}
	return a, nil
}
