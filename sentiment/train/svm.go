package train

import (
	"math"
	"math/rand/v2"
	"sort"

	"github.com/earshot/earshot/sentiment/internal/nlp"
)

// sparseSet is a training set in compact coordinates: every distinct
// hashed feature seen gets a column, each dense feature too, plus a
// constant bias column. Small text sets (a few thousand items) train in
// milliseconds this way, with exact L2 regularisation, which the hashed
// AdaGrad trainer of nlp.Linear does not give.
type sparseSet struct {
	idx   [][]int32
	val   [][]float32
	hash  []uint64 // column -> hashed feature, for the sparse columns
	dense int      // dense columns start at len(hash)
	dim   int
}

// DenseScale multiplies the dense and bias columns, which weakens their
// regularisation relative to the sparse word features.
var DenseScale = 3.0

func newSparseSet(ex []nlp.Example, dense int) *sparseSet {
	col := map[uint64]int32{}
	s := &sparseSet{dense: dense}
	for _, e := range ex {
		for _, x := range e.H {
			if _, ok := col[x]; !ok {
				col[x] = int32(len(s.hash))
				s.hash = append(s.hash, x)
			}
		}
	}
	base := int32(len(s.hash))
	s.dim = len(s.hash) + dense + 1
	for _, e := range ex {
		counts := map[int32]float32{}
		for _, x := range e.H {
			counts[col[x]]++
		}
		ids := make([]int32, 0, len(counts)+dense+1)
		for c := range counts {
			ids = append(ids, c)
		}
		sort.Slice(ids, func(a, b int) bool { return ids[a] < ids[b] })
		vals := make([]float32, 0, cap(ids))
		for _, c := range ids {
			vals = append(vals, counts[c])
		}
		for d := 0; d < dense && d < len(e.Dense); d++ {
			if e.Dense[d] != 0 {
				ids = append(ids, base+int32(d))
				vals = append(vals, float32(e.Dense[d]*DenseScale))
			}
		}
		ids = append(ids, base+int32(dense)) // bias
		vals = append(vals, float32(DenseScale))
		s.idx = append(s.idx, ids)
		s.val = append(s.val, vals)
	}
	return s
}

// nbRatios are the naive-Bayes log-count ratios of Wang & Manning's
// NB-SVM: how much more often each column occurs in positive items,
// smoothed by alpha. Dense and bias columns keep ratio 1.
func (s *sparseSet) nbRatios(y []int, alpha float64) []float64 {
	p := make([]float64, s.dim)
	q := make([]float64, s.dim)
	for i := range s.idx {
		for k, c := range s.idx[i] {
			if int(c) >= len(s.hash) {
				continue
			}
			v := 0.0
			if s.val[i][k] > 0 {
				v = 1
			}
			if y[i] == 1 {
				p[c] += v
			} else {
				q[c] += v
			}
		}
	}
	sp, sq := 0.0, 0.0
	for c := range s.hash {
		sp += p[c] + alpha
		sq += q[c] + alpha
	}
	r := make([]float64, s.dim)
	for c := range r {
		if c >= len(s.hash) {
			r[c] = 1
			continue
		}
		r[c] = math.Log(((p[c] + alpha) / sp) / ((q[c] + alpha) / sq))
	}
	return r
}

// trainSVM fits an L2-regularised, squared-hinge-loss linear SVM by dual
// coordinate descent (Hsieh et al. 2008, the LIBLINEAR default). scale
// multiplies each column's values (nil = 1: plain SVM; NB ratios:
// NB-SVM); weight scales each item's C (nil = 1). It returns the weights
// in the scaled space.
func trainSVM(s *sparseSet, y []int, scale []float64, weight []float64, c float64, iters int, seed uint64) []float64 {
	w := make([]float64, s.dim)
	n := len(s.idx)
	alpha := make([]float64, n)
	qii := make([]float64, n)
	diag := make([]float64, n)
	for i := range s.idx {
		ci := c
		if weight != nil && weight[i] > 0 {
			ci = c * weight[i]
		}
		diag[i] = 1 / (2 * ci)
		q := diag[i]
		for k, col := range s.idx[i] {
			v := float64(s.val[i][k])
			if scale != nil {
				v *= scale[col]
			}
			q += v * v
		}
		qii[i] = q
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	r := rand.New(rand.NewPCG(seed, 3))
	for it := 0; it < iters; it++ {
		r.Shuffle(n, func(a, b int) { order[a], order[b] = order[b], order[a] })
		maxPG := 0.0
		for _, i := range order {
			yi := -1.0
			if y[i] == 1 {
				yi = 1
			}
			dot := 0.0
			for k, col := range s.idx[i] {
				v := float64(s.val[i][k])
				if scale != nil {
					v *= scale[col]
				}
				dot += w[col] * v
			}
			g := yi*dot - 1 + diag[i]*alpha[i]
			pg := g
			if alpha[i] == 0 && g > 0 {
				pg = 0
			}
			maxPG = math.Max(maxPG, math.Abs(pg))
			if pg == 0 {
				continue
			}
			old := alpha[i]
			alpha[i] = math.Max(old-g/qii[i], 0)
			d := (alpha[i] - old) * yi
			for k, col := range s.idx[i] {
				v := float64(s.val[i][k])
				if scale != nil {
					v *= scale[col]
				}
				w[col] += d * v
			}
		}
		if maxPG < 1e-3 {
			break
		}
	}
	return w
}

// decision is w·x for item i in the set's (scaled) space.
func (s *sparseSet) decision(w, scale []float64, ids []int32, vals []float32) float64 {
	dot := 0.0
	for k, col := range ids {
		v := float64(vals[k])
		if scale != nil {
			v *= scale[col]
		}
		dot += w[col] * v
	}
	return dot
}

// toLinear writes compact weights (times their column scale, times gain)
// into a hashed binary model, so the analyzer scores exactly what was
// trained.
func (s *sparseSet) toLinear(w, scale []float64, gain float64, bits uint8) *nlp.Linear {
	m := nlp.NewLinear(1, bits, s.dense)
	mask := uint64(1)<<bits - 1
	sc := func(c int) float64 {
		if scale == nil {
			return 1
		}
		return scale[c]
	}
	for c, x := range s.hash {
		m.W[x&mask] += float32(w[c] * sc(c) * gain)
	}
	base := len(s.hash)
	for d := 0; d < s.dense; d++ {
		m.DW[d] = float32(w[base+d] * sc(base+d) * gain * DenseScale)
	}
	m.B[0] = float32(w[base+s.dense] * gain * DenseScale)
	return m
}
