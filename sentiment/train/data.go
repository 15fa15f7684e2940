// Package train builds the analyzer's learned models from the public
// datasets in ../shared (VADER's human-rated sets, SemEval-2014 Task 4, the
// complaint tweets of X-CI) and
// measures them honestly with k-fold cross-validation. Users never need it:
// its output is the model file embedded in package sentiment.
package train

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrNoData is returned when a dataset file holds no usable record.
var ErrNoData = errors.New("train: no usable records")

// VaderItem is one human-rated snippet of the VADER paper's data.
type VaderItem struct {
	ID   string
	Mean float64 // mean human rating, -4..4
	Text string
}

// VaderSets names the four sets and their files.
var VaderSets = []struct{ Name, File string }{
	{"tweets", "tweets_GroundTruth.txt"},
	{"movie", "movieReviewSnippets_GroundTruth.txt"},
	{"amazon", "amazonReviewSnippets_GroundTruth.txt"},
	{"nyt", "nytEditorialSnippets_GroundTruth.txt"},
}

// ReadVader reads an `id<TAB>mean<TAB>text` file. Lines that do not parse
// are reported in the error only when nothing at all could be read.
func ReadVader(path string) ([]VaderItem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	defer f.Close()
	var out []VaderItem
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	line := 0
	var firstErr error
	for sc.Scan() {
		line++
		p := strings.SplitN(sc.Text(), "\t", 3)
		if len(p) != 3 {
			if firstErr == nil && strings.TrimSpace(sc.Text()) != "" {
				firstErr = fmt.Errorf("train: %s line %d: want 3 tab-separated fields", path, line)
			}
			continue
		}
		m, err := strconv.ParseFloat(strings.TrimSpace(p[1]), 64)
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("train: %s line %d: mean %q: %w", path, line, p[1], err)
			}
			continue
		}
		out = append(out, VaderItem{ID: p[0], Mean: m, Text: p[2]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("train: read %s: %w", path, err)
	}
	if len(out) == 0 {
		if firstErr != nil {
			return nil, firstErr
		}
		return nil, fmt.Errorf("train: %s: %w", path, ErrNoData)
	}
	return out, nil
}

// SemTerm is an annotated aspect term.
type SemTerm struct {
	Term     string `xml:"term,attr"`
	Polarity string `xml:"polarity,attr"`
	From     int    `xml:"from,attr"`
	To       int    `xml:"to,attr"`
}

// SemCat is an annotated aspect category.
type SemCat struct {
	Category string `xml:"category,attr"`
	Polarity string `xml:"polarity,attr"`
}

// SemSentence is one SemEval-2014 Task 4 sentence.
type SemSentence struct {
	ID    string    `xml:"id,attr"`
	Text  string    `xml:"text"`
	Terms []SemTerm `xml:"aspectTerms>aspectTerm"`
	Cats  []SemCat  `xml:"aspectCategories>aspectCategory"`
}

// ReadSemEval reads a SemEval-2014 Task 4 XML file.
func ReadSemEval(path string) ([]SemSentence, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	var doc struct {
		Sentences []SemSentence `xml:"sentence"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("train: parse %s: %w", path, err)
	}
	if len(doc.Sentences) == 0 {
		return nil, fmt.Errorf("train: %s: %w", path, ErrNoData)
	}
	return doc.Sentences, nil
}

// Data is everything the trainer reads from the shared folder.
type Data struct {
	Vader      map[string][]VaderItem
	Restaurant []SemSentence
	Laptop     []SemSentence
	// Complaints are the complaint tweets (complaints/train.tsv).
	Complaints []ComplaintItem
}

// Load reads the datasets under dir (the shared datasets folder).
func Load(dir string) (*Data, error) {
	d := &Data{Vader: map[string][]VaderItem{}}
	for _, s := range VaderSets {
		items, err := ReadVader(filepath.Join(dir, "vader", s.File))
		if err != nil {
			return nil, err
		}
		d.Vader[s.Name] = items
	}
	var err error
	if d.Restaurant, err = ReadSemEval(filepath.Join(dir, "semeval14", "Restaurants_Train_v2.xml")); err != nil {
		return nil, err
	}
	if d.Laptop, err = ReadSemEval(filepath.Join(dir, "semeval14", "Laptop_Train_v2.xml")); err != nil {
		return nil, err
	}
	if d.Complaints, err = ReadComplaints(filepath.Join(dir, "complaints", "train.tsv")); err != nil {
		return nil, err
	}
	return d, nil
}
