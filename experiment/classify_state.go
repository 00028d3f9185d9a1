package experiment

import (
	"fmt"
	"math"

	"palmc/rng"
)

// The classify task's state in a checkpoint: what a network's
// Classification needs to go on exactly where it stopped.

// State returns everything the classify task needs to go on with the
// network after a checkpoint, as named arrays (counts and the shuffling
// generator's words are exact in float64).
func (c *Classification) State() map[string][]float64 {
	st := c.shuffle.State()
	key := make([]float64, len(st.Key))
	for i, k := range st.Key {
		key[i] = float64(k)
	}
	m := map[string][]float64{
		"val_accuracy":   c.ValAccuracy,
		"train_mse":      c.TrainMSE,
		"train_error":    {c.errSum, float64(c.errN)},
		"test_accuracy":  {c.TestAccuracy},
		"shuffle_key":    key,
		"shuffle_pos":    {float64(st.Pos)},
		"shuffle_gauss":  {b2f(st.HasGauss), st.Gauss},
		"sum":            c.sum,
		"counts":         {float64(c.readouts), float64(c.correct)},
		"confusion":      ints2f(c.confusion),
		"predictions":    ints2f(c.predictions),
		"confusion_done": ints2f(c.Confusion),
		"test_done":      ints2f(c.TestPrediction),
	}
	for k, a := range c.Angles {
		m[fmt.Sprintf("angles/%d", k)] = a
	}
	return m
}

// SetState sets what State returned, checking every value.
func (c *Classification) SetState(m map[string][]float64) error {
	get := func(k string, n int) ([]float64, error) {
		v, ok := m[k]
		if !ok {
			return nil, fmt.Errorf("classify state lacks %s", k)
		}
		if n >= 0 && len(v) != n {
			return nil, fmt.Errorf("classify state: %s has %d values, want %d", k, len(v), n)
		}
		return v, nil
	}
	counts := func(k string, n, below int) ([]int, error) {
		v, err := get(k, n)
		if err != nil {
			return nil, err
		}
		out := make([]int, len(v))
		for i, x := range v {
			if x < 0 || x != math.Trunc(x) || (below > 0 && x >= float64(below)) || x > 1<<52 {
				return nil, fmt.Errorf("classify state: %s[%d] = %v is out of range", k, i, x)
			}
			out[i] = int(x)
		}
		return out, nil
	}
	fraction := func(x float64) bool { return x >= 0 && x <= 1 }
	var err error
	if c.ValAccuracy, err = get("val_accuracy", -1); err != nil {
		return err
	}
	for i, a := range c.ValAccuracy {
		if !fraction(a) {
			return fmt.Errorf("classify state: val_accuracy[%d] = %v is not a fraction", i, a)
		}
	}
	// A checkpoint of a palmc that did not keep the training error: the
	// passes made before it have none (checkProgress fills them in).
	_, hasTrain := m["train_mse"]
	c.trainLost = !hasTrain
	c.TrainMSE, c.errSum, c.errN = nil, math.NaN(), 0
	if hasTrain {
		if c.TrainMSE, err = get("train_mse", -1); err != nil {
			return err
		}
		for i, e := range c.TrainMSE {
			if e < 0 || math.IsInf(e, 0) {
				return fmt.Errorf("classify state: train_mse[%d] = %v is not a squared error", i, e)
			}
		}
		te, err := get("train_error", 2)
		if err != nil {
			return err
		}
		if te[0] < 0 || math.IsInf(te[0], 0) || te[1] < 0 || te[1] != math.Trunc(te[1]) || te[1] > 1<<52 {
			return fmt.Errorf("classify state: train_error = %v is out of range", te)
		}
		c.errSum, c.errN = te[0], int(te[1])
	}
	ta, err := get("test_accuracy", 1)
	if err != nil {
		return err
	}
	if c.TestAccuracy = ta[0]; !math.IsNaN(ta[0]) && !fraction(ta[0]) {
		return fmt.Errorf("classify state: test_accuracy = %v is not a fraction", ta[0])
	}
	key, err := counts("shuffle_key", 624, 0)
	if err != nil {
		return err
	}
	var st rng.State
	for i, k := range key {
		if k > math.MaxUint32 {
			return fmt.Errorf("classify state: shuffle_key[%d] = %d is not a 32-bit word", i, k)
		}
		st.Key[i] = uint32(k)
	}
	pos, err := counts("shuffle_pos", 1, 625)
	if err != nil {
		return err
	}
	g, err := get("shuffle_gauss", 2)
	if err != nil {
		return err
	}
	st.Pos, st.HasGauss, st.Gauss = pos[0], g[0] != 0, g[1]
	c.shuffle.SetState(st)
	if c.sum, err = get("sum", c.classes); err != nil {
		return err
	}
	cnt, err := counts("counts", 2, 0)
	if err != nil {
		return err
	}
	c.readouts, c.correct = cnt[0], cnt[1]
	if c.confusion, err = counts("confusion", c.classes*c.classes, 0); err != nil {
		return err
	}
	if c.predictions, err = counts("predictions", -1, c.classes); err != nil {
		return err
	}
	if c.Confusion, err = counts("confusion_done", -1, 0); err != nil {
		return err
	}
	if len(c.Confusion) == 0 {
		c.Confusion = nil
	} else if len(c.Confusion) != c.classes*c.classes {
		return fmt.Errorf("classify state: confusion_done has %d values, want %d", len(c.Confusion), c.classes*c.classes)
	}
	if c.TestPrediction, err = counts("test_done", -1, c.classes); err != nil {
		return err
	}
	if len(c.TestPrediction) == 0 {
		c.TestPrediction = nil
	}
	for k := range c.Angles {
		if c.Angles[k], err = get(fmt.Sprintf("angles/%d", k), len(c.ValAccuracy)); err != nil {
			return err
		}
	}
	return nil
}

// checkProgress checks that a restored student's results match its steps:
// one validation accuracy per finished validation pass, the test results
// only after the test pass.
func (d *ClassifyData) checkProgress(net *Net, settle int) error {
	c := net.Classification()
	at, _ := d.locate(max(net.Steps-settle, 0))
	vals := 0
	for _, s := range d.stages[:at] {
		if s.kind == validating {
			vals++
		}
	}
	if len(c.ValAccuracy) != vals {
		return fmt.Errorf("%d validation accuracies, %d validation passes made", len(c.ValAccuracy), vals)
	}
	trains := 0
	for _, s := range d.stages[:at] {
		if s.kind == training {
			trains++
		}
	}
	if c.trainLost {
		c.TrainMSE = make([]float64, trains)
		for i := range c.TrainMSE {
			c.TrainMSE[i] = math.NaN()
		}
		c.trainLost = false
	}
	if len(c.TrainMSE) != trains {
		return fmt.Errorf("%d training errors, %d training passes made", len(c.TrainMSE), trains)
	}
	if done := at == len(d.stages); done != (c.TestPrediction != nil) || (c.TestPrediction != nil && len(c.TestPrediction) != d.Test.Len()) {
		return fmt.Errorf("the test results do not match the steps made")
	}
	if at < len(d.stages) && d.stages[at].kind == testPass && len(c.predictions) != d.Test.Len() {
		return fmt.Errorf("%d test predictions kept, the test split has %d samples", len(c.predictions), d.Test.Len())
	}
	return nil
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func ints2f(v []int) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}
