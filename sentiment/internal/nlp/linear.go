package nlp

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/gob"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
)

// Hash hashes a feature made of a kind byte and up to two strings with
// FNV-1a, without allocating.
func Hash(kind byte, a, b string) uint64 {
	h := uint64(14695981039346656037)
	h ^= uint64(kind)
	h *= 1099511628211
	for i := 0; i < len(a); i++ {
		h ^= uint64(a[i])
		h *= 1099511628211
	}
	h ^= 0xff
	h *= 1099511628211
	for i := 0; i < len(b); i++ {
		h ^= uint64(b[i])
		h *= 1099511628211
	}
	return h
}

// Linear is a K-class linear model over hashed sparse features plus a few
// dense ones. K == 1 is binary logistic regression; K > 1 is softmax.
type Linear struct {
	K     int
	Bits  uint8
	Dense int
	W     []float32 // (1<<Bits)*K, feature-major
	DW    []float32 // Dense*K
	B     []float32 // K
}

// NewLinear returns a zero model.
func NewLinear(k int, bits uint8, dense int) *Linear {
	return &Linear{K: k, Bits: bits, Dense: dense, W: make([]float32, (1<<bits)*k), DW: make([]float32, dense*k), B: make([]float32, k)}
}

// Scores writes the K raw scores (logits) into out and returns it.
func (m *Linear) Scores(h []uint64, dense []float64, out []float64) []float64 {
	out = out[:0]
	for k := 0; k < m.K; k++ {
		out = append(out, float64(m.B[k]))
	}
	mask := uint64(1)<<m.Bits - 1
	for _, x := range h {
		base := int(x&mask) * m.K
		for k := 0; k < m.K; k++ {
			out[k] += float64(m.W[base+k])
		}
	}
	for d := 0; d < m.Dense && d < len(dense); d++ {
		for k := 0; k < m.K; k++ {
			out[k] += float64(m.DW[d*m.K+k]) * dense[d]
		}
	}
	return out
}

// Example is one training instance.
type Example struct {
	H      []uint64
	Dense  []float64
	Y      int     // class index; for K == 1, 1 = positive, 0 = negative
	Weight float64 // 0 means 1
}

// TrainOpts tunes Train.
type TrainOpts struct {
	Epochs int
	Rate   float64
	L2     float64
	Seed   uint64
	// Fixed is the number of leading dense weights that keep their initial
	// value (a trusted prior such as the lexicon score).
	Fixed int
}

// Train fits the model with AdaGrad on the log loss.
func (m *Linear) Train(ex []Example, o TrainOpts) {
	if o.Epochs == 0 {
		o.Epochs = 8
	}
	if o.Rate == 0 {
		o.Rate = 0.1
	}
	gW := make([]float32, len(m.W))
	gD := make([]float64, len(m.DW))
	gB := make([]float64, m.K)
	mask := uint64(1)<<m.Bits - 1
	order := make([]int, len(ex))
	for i := range order {
		order[i] = i
	}
	r := rand.New(rand.NewPCG(o.Seed, 7))
	scores := make([]float64, 0, m.K)
	grad := make([]float64, m.K)
	for ep := 0; ep < o.Epochs; ep++ {
		r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, idx := range order {
			e := ex[idx]
			w := e.Weight
			if w == 0 {
				w = 1
			}
			scores = m.Scores(e.H, e.Dense, scores)
			if m.K == 1 {
				p := 1 / (1 + math.Exp(-scores[0]))
				grad[0] = (p - float64(e.Y)) * w
			} else {
				mx := scores[0]
				for _, s := range scores {
					mx = math.Max(mx, s)
				}
				z := 0.0
				for k := range scores {
					scores[k] = math.Exp(scores[k] - mx)
					z += scores[k]
				}
				for k := range scores {
					t := 0.0
					if k == e.Y {
						t = 1
					}
					grad[k] = (scores[k]/z - t) * w
				}
			}
			for k := 0; k < m.K; k++ {
				g := grad[k]
				gB[k] += g * g
				m.B[k] -= float32(o.Rate * g / (math.Sqrt(gB[k]) + 1e-6))
				for _, x := range e.H {
					i := int(x&mask)*m.K + k
					gg := g + o.L2*float64(m.W[i])
					gW[i] += float32(gg * gg)
					m.W[i] -= float32(o.Rate * gg / (math.Sqrt(float64(gW[i])) + 1e-6))
				}
				for d := o.Fixed; d < m.Dense && d < len(e.Dense); d++ {
					i := d*m.K + k
					gg := g * e.Dense[d]
					gD[i] += gg * gg
					m.DW[i] -= float32(o.Rate * gg / (math.Sqrt(gD[i]) + 1e-6))
				}
			}
		}
	}
}

// Prob is the logistic function.
func Prob(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// sparseLinear is the on-disk form of Linear: only non-zero weights, their
// indices delta-encoded as uvarints and their values quantised to int16
// with one scale per model (weights are O(1); the error is below 1e-4).
type sparseLinear struct {
	K, Dense int
	Bits     uint8
	Idx      []byte
	Val      []int16
	Scale    float32
	DW, B    []float32
}

func toSparse(m *Linear) sparseLinear {
	s := sparseLinear{K: m.K, Dense: m.Dense, Bits: m.Bits, DW: m.DW, B: m.B}
	maxAbs := 0.0
	for _, w := range m.W {
		maxAbs = math.Max(maxAbs, math.Abs(float64(w)))
	}
	if maxAbs == 0 {
		return s
	}
	s.Scale = float32(maxAbs / 32767)
	prev := 0
	var buf [binary.MaxVarintLen64]byte
	for i, w := range m.W {
		q := math.Round(float64(w) / float64(s.Scale))
		if q == 0 {
			continue
		}
		n := binary.PutUvarint(buf[:], uint64(i-prev))
		s.Idx = append(s.Idx, buf[:n]...)
		s.Val = append(s.Val, int16(q))
		prev = i
	}
	return s
}

func fromSparse(s sparseLinear) (*Linear, error) {
	if s.K < 1 || s.K > 16 || s.Bits > 26 || s.Dense < 0 || s.Dense > 1024 || len(s.B) != s.K || len(s.DW) != s.K*s.Dense {
		return nil, fmt.Errorf("malformed linear model (K=%d bits=%d)", s.K, s.Bits)
	}
	m := NewLinear(s.K, s.Bits, s.Dense)
	copy(m.DW, s.DW)
	copy(m.B, s.B)
	pos, off := 0, 0
	for j, q := range s.Val {
		d, n := binary.Uvarint(s.Idx[off:])
		if n <= 0 {
			return nil, fmt.Errorf("weight %d: bad index encoding", j)
		}
		off += n
		pos += int(d)
		if d > uint64(len(m.W)) || pos >= len(m.W) {
			return nil, fmt.Errorf("weight index %d out of range", pos)
		}
		m.W[pos] = float32(q) * s.Scale
	}
	if off != len(s.Idx) {
		return nil, fmt.Errorf("%d bytes of indices left over", len(s.Idx)-off)
	}
	return m, nil
}

// Bundle is every learned part of the analyzer, serialised together so a
// model file is one consistent unit.
type Bundle struct {
	Version   string
	Sentiment *Linear            // text polarity, binary
	Category  map[string]*Linear // restaurant aspect categories, binary each
	CatPol    *Linear            // (sentence, category) -> polarity, 4 classes
	Terms     *Linear            // aspect term BIO tagger, 3 classes
	POS       map[string]string  // word -> Penn tag, distilled from prose
	CatThresh map[string]float64
	// Complaint holds the complaint and severity models over
	// ComplaintFeatures, packed so one table lookup serves both: column 0
	// is the complaint log-odds, columns 1..SeverityLevels-1 the
	// cumulative severity models ("above level k"). nil in model files
	// written before it existed.
	Complaint *Linear
	// ComplaintThreshold is the complaint probability from which a text
	// without stars is a complaint, chosen by cross-validation.
	ComplaintThreshold float64
}

// diskBundle holds no maps, so the same model always encodes to the same
// bytes (gob writes maps in random order).
type diskBundle struct {
	Version            string
	Sentiment          sparseLinear
	CatNames           []string
	Category           []sparseLinear
	CatPol             sparseLinear
	Terms              sparseLinear
	POSWords           []string
	POSTags            []string
	ThreshFor          []string
	Thresh             []float64
	Complaint          sparseLinear
	ComplaintThreshold float64
}

// Marshal serialises the bundle (gzip-compressed gob).
func (b *Bundle) Marshal() ([]byte, error) { return b.MarshalLevel(gzip.BestCompression) }

// MarshalLevel is Marshal with a gzip compression level: gzip.BestSpeed
// for model files that only live in memory (cross-validation folds).
func (b *Bundle) MarshalLevel(level int) ([]byte, error) {
	d := diskBundle{Version: b.Version, Sentiment: toSparse(b.Sentiment), CatPol: toSparse(b.CatPol), Terms: toSparse(b.Terms)}
	if b.Complaint != nil {
		d.Complaint, d.ComplaintThreshold = toSparse(b.Complaint), b.ComplaintThreshold
	}
	for _, w := range slices.Sorted(maps.Keys(b.POS)) {
		d.POSWords = append(d.POSWords, w)
		d.POSTags = append(d.POSTags, b.POS[w])
	}
	for _, c := range slices.Sorted(maps.Keys(b.CatThresh)) {
		d.ThreshFor = append(d.ThreshFor, c)
		d.Thresh = append(d.Thresh, b.CatThresh[c])
	}
	for _, name := range SemEvalCategories {
		if m := b.Category[name]; m != nil {
			d.CatNames = append(d.CatNames, name)
			d.Category = append(d.Category, toSparse(m))
		}
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, level)
	if err != nil {
		return nil, fmt.Errorf("nlp: compress model: %w", err)
	}
	if err := gob.NewEncoder(zw).Encode(&d); err != nil {
		return nil, fmt.Errorf("nlp: encode model: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("nlp: compress model: %w", err)
	}
	return buf.Bytes(), nil
}

// Unmarshal reads a bundle written by Marshal.
func Unmarshal(data []byte) (*Bundle, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("nlp: model is not gzip: %w", err)
	}
	var d diskBundle
	if err := gob.NewDecoder(zr).Decode(&d); err != nil {
		return nil, fmt.Errorf("nlp: decode model: %w", err)
	}
	if len(d.POSWords) != len(d.POSTags) || len(d.ThreshFor) != len(d.Thresh) {
		return nil, fmt.Errorf("nlp: decode model: mismatched table lengths")
	}
	b := &Bundle{Version: d.Version, POS: make(map[string]string, len(d.POSWords)), CatThresh: map[string]float64{}, Category: map[string]*Linear{}}
	for i, w := range d.POSWords {
		b.POS[w] = d.POSTags[i]
	}
	for i, c := range d.ThreshFor {
		b.CatThresh[c] = d.Thresh[i]
	}
	if b.Sentiment, err = fromSparse(d.Sentiment); err != nil {
		return nil, fmt.Errorf("nlp: sentiment model: %w", err)
	}
	if b.CatPol, err = fromSparse(d.CatPol); err != nil {
		return nil, fmt.Errorf("nlp: category polarity model: %w", err)
	}
	if b.Terms, err = fromSparse(d.Terms); err != nil {
		return nil, fmt.Errorf("nlp: term model: %w", err)
	}
	if d.Complaint.K != 0 {
		if b.Complaint, err = fromSparse(d.Complaint); err != nil {
			return nil, fmt.Errorf("nlp: complaint model: %w", err)
		}
		if b.Complaint.K != SeverityLevels || b.Complaint.Dense != ComplaintDense {
			return nil, fmt.Errorf("nlp: complaint models of the wrong shape")
		}
		b.ComplaintThreshold = d.ComplaintThreshold
	}
	if len(d.CatNames) != len(d.Category) {
		return nil, fmt.Errorf("nlp: %d category names for %d models", len(d.CatNames), len(d.Category))
	}
	for i, name := range d.CatNames {
		m, err := fromSparse(d.Category[i])
		if err != nil {
			return nil, fmt.Errorf("nlp: category %s model: %w", name, err)
		}
		b.Category[name] = m
	}
	return b, nil
}

// SemEvalCategories are the coarse restaurant categories of SemEval-2014
// Task 4, in a fixed order.
var SemEvalCategories = []string{"food", "service", "price", "ambience", "anecdotes/miscellaneous"}
