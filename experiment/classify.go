package experiment

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"

	"palmc/compare"
	"palmc/dataset"
	"palmc/microcircuit"
	"palmc/params"
	"palmc/rng"
)

// The classify task (docs/model.md §12): the protocol of the paper's GeNN
// port. Each sample is held for Tpres. Every epoch is a validation pass
// (plasticity off, no target) and then a training pass (plasticity on, the
// target uhigh for the true class and ulow for the others, nudging the
// output layer through gntgt); after the last epoch come a last validation
// pass and the test pass. Each pass visits its split in a fresh random
// order. The state is never reset between samples or passes. The
// prediction for a sample is the class whose output neuron has the highest
// prospective voltage, averaged over the sample's readouts (after its
// first step and every readout_every after it, less the first
// readout_skip). After each validation pass the angles between every
// hidden layer's BPP and WPP[k+1]ᵀ are taken.

// stageKind is the kind of a pass over a split.
type stageKind int

const (
	validating stageKind = iota
	training
	testPass
)

func (k stageKind) String() string {
	return [...]string{"validation", "training", "test"}[k]
}

// stage is one pass over a split.
type stage struct {
	kind stageKind
	set  *dataset.Set
	// epoch is the training epoch the pass belongs to (1..epochs); the
	// last validation and the test pass have epochs.
	epoch int
}

// ClassifyData is the data of a classify run, read only by the students.
type ClassifyData struct {
	Train, Validation, Test *dataset.Set
	// targets[c] is the target of a sample of class c.
	targets [][]float64
	hold    int
	every   int
	skip    int
	stages  []stage
}

// LoadClassifyData loads the three splits of p's data set and checks them
// against the network: the work the classify task does before any
// simulation.
func LoadClassifyData(p *params.Params) (*ClassifyData, error) {
	d := &ClassifyData{hold: p.StepsPerSample(), every: p.ReadoutSteps(), skip: p.ReadoutSkip}
	sets := make([]*dataset.Set, 3)
	for i, split := range dataset.Splits() {
		cfg, err := p.DatasetConfig(split)
		if err != nil {
			return nil, err
		}
		set, err := dataset.Load(cfg, split)
		if err != nil {
			var nf *dataset.NotFoundError
			if ok := asNotFound(err, &nf); ok {
				nf.DirName = `the params key "dataset_dir"`
			}
			return nil, err
		}
		if set.Inputs != p.Layers[0] || set.Classes != p.Layers[p.N()] {
			return nil, fmt.Errorf("experiment: the %s data set has %d inputs and %d classes; layers %v", set.Name, set.Inputs, set.Classes, p.Layers)
		}
		sets[i] = set
	}
	d.Train, d.Validation, d.Test = sets[0], sets[1], sets[2]
	classes := p.Layers[p.N()]
	d.targets = make([][]float64, classes)
	for c := range d.targets {
		d.targets[c] = make([]float64, classes)
		for i := range d.targets[c] {
			d.targets[c][i] = p.Ulow
		}
		d.targets[c][c] = p.Uhigh
	}
	d.stages = classifyStages(p.Epochs, d.Train, d.Validation, d.Test)
	return d, nil
}

// Fingerprint identifies the samples and labels of the three splits: the
// SHA-256 of their values, in order. A run that goes on after a checkpoint
// checks that it sees the same data.
func (d *ClassifyData) Fingerprint() string {
	h := sha256.New()
	for _, set := range []*dataset.Set{d.Train, d.Validation, d.Test} {
		fmt.Fprintf(h, "%s %s %d %d\n", set.Name, set.Split, set.Len(), set.Inputs)
		var buf [8192]byte
		b := buf[:0]
		put := func(v uint64) {
			if b = binary.LittleEndian.AppendUint64(b, v); len(b) == len(buf) {
				h.Write(b)
				b = buf[:0]
			}
		}
		row := make([]float64, set.Inputs)
		for i := range set.Len() {
			for _, x := range set.RowTo(row, i) {
				put(math.Float64bits(x))
			}
		}
		for _, y := range set.Y {
			put(uint64(y))
		}
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// classifyStages lists the passes of a run: validation and training per
// epoch, then validation and test.
func classifyStages(epochs int, train, val, test *dataset.Set) []stage {
	var st []stage
	for e := 1; e <= epochs; e++ {
		st = append(st, stage{validating, val, e}, stage{training, train, e})
	}
	return append(st, stage{validating, val, epochs}, stage{testPass, test, epochs})
}

// ClassifySteps returns the steps of one student of a classify run of p,
// settling included, from the split sizes alone.
func ClassifySteps(p *params.Params) int {
	per := p.Epochs*(p.ValidationSize()+p.TrainSize()) + p.ValidationSize() + p.TestSize()
	return p.SettlingSteps() + per*p.StepsPerSample()
}

// trainingRecords counts the record points (every rec_per_steps steps,
// settling included) among the first steps steps that fall into training
// passes: the records of the target-only variables.
func (d *ClassifyData) trainingRecords(settle, every, steps int) int {
	n, at := 0, settle
	for _, s := range d.stages {
		end := min(at+s.set.Len()*d.hold, steps)
		if s.kind == training && end > at {
			n += end/every - at/every
		}
		at += s.set.Len() * d.hold
		if at >= steps {
			break
		}
	}
	return n
}

// locate returns the stage that a student with done steps after settling
// is in and the steps it made in that stage; a finished student is at
// len(stages).
func (d *ClassifyData) locate(done int) (int, int) {
	for i, s := range d.stages {
		n := s.set.Len() * d.hold
		if done < n {
			return i, done
		}
		done -= n
	}
	return len(d.stages), 0
}

// Classification is what the classify task keeps for one network: its
// results so far and what it needs to go on after a checkpoint.
type Classification struct {
	// ValAccuracy holds the fraction of validation samples classified
	// correctly, one entry per validation pass: before training, after
	// each epoch.
	ValAccuracy []float64
	// TestAccuracy is the test pass's fraction; NaN before it.
	TestAccuracy float64
	// Confusion counts the test samples by true class (row) and predicted
	// class (column), classes×classes; nil before the test pass.
	Confusion []int
	// TestPrediction is the predicted class of every test sample, in the
	// order of the test split; nil before the test pass.
	TestPrediction []int
	// Angles[k] holds the angle (degrees) between BPP[k] and WPP[k+1]ᵀ of
	// hidden layer k at the end of every validation pass.
	Angles [][]float64

	classes int
	// shuffle orders the passes: RandomState(r), r the first
	// randint(0, 2³²) of RandomState(seed), so that the order does not
	// share draws with the network's noise and is the same for BP, FA and
	// PAL networks of one seed.
	shuffle *rng.RandomState
	// sum and readouts accumulate the readouts of the current sample;
	// correct and confusion count the current pass; predictions are those
	// of the current test pass.
	sum         []float64
	readouts    int
	correct     int
	confusion   []int
	predictions []int
	cmp         compare.Comparer
}

func newClassification(seed int64, classes, hidden int) *Classification {
	r := rng.New(uint32(seed)).Randint(0, 1<<32)
	return &Classification{TestAccuracy: math.NaN(), classes: classes, shuffle: rng.New(uint32(r)),
		sum: make([]float64, classes), confusion: make([]int, classes*classes), Angles: make([][]float64, hidden)}
}

// Classification returns the classify task's record of the network, or
// nil for the other tasks.
func (n *Net) Classification() *Classification {
	c, _ := n.task.(*Classification)
	return c
}

func (c *Classification) clone() taskState {
	d := *c
	d.ValAccuracy = append([]float64(nil), c.ValAccuracy...)
	d.Confusion = append([]int(nil), c.Confusion...)
	d.TestPrediction = append([]int(nil), c.TestPrediction...)
	d.Angles = make([][]float64, len(c.Angles))
	for k, a := range c.Angles {
		d.Angles[k] = append([]float64(nil), a...)
	}
	d.shuffle = rng.New(0)
	d.shuffle.SetState(c.shuffle.State())
	d.sum = append([]float64(nil), c.sum...)
	d.confusion = append([]int(nil), c.confusion...)
	d.predictions = append([]int(nil), c.predictions...)
	d.cmp = compare.Comparer{}
	return &d
}

// readout adds the output layer's prospective voltage to the sample's
// readouts.
func (c *Classification) readout(out []float64) {
	for i, v := range out {
		c.sum[i] += v
	}
	c.readouts++
}

// predict ends a sample of class label (index i in its split): the class
// with the largest summed readout (the first of equals) is its prediction.
func (c *Classification) predict(kind stageKind, i, label int) {
	best := 0
	for j, v := range c.sum {
		if v > c.sum[best] {
			best = j
		}
	}
	if best == label {
		c.correct++
	}
	if kind == testPass {
		c.confusion[label*c.classes+best]++
		c.predictions[i] = best
	}
	clear(c.sum)
	c.readouts = 0
}

// runClassifier settles a student and runs the passes of the classify task,
// going on where a restored student stopped.
func runClassifier(stop *halt, net *Net, p *params.Params, d *ClassifyData, settleSteps int, opts Options) error {
	total := settleSteps + d.steps()
	s := newStepper(stop, net, opts, total, p.Epochs)
	// Settling runs on the training samples in their order, as the other
	// tasks settle on their input.
	row := make([]float64, d.Train.Inputs)
	for t := net.Steps; t < settleSteps; t++ {
		if err := s.step(d.Train.RowTo(row, t/d.hold%d.Train.Len()), nil, microcircuit.Switches{}); err != nil {
			return err
		}
	}
	first, within := d.locate(net.Steps - settleSteps)
	for si := first; si < len(d.stages); si++ {
		if si != first {
			within = 0
		}
		if err := d.runPass(s, d.stages[si], within); err != nil {
			return err
		}
	}
	s.report(true)
	return nil
}

// runPass runs one pass of a student that has made within steps of it
// (0: the pass starts, in a fresh order).
func (d *ClassifyData) runPass(s *stepper, st stage, within int) error {
	net := s.net
	c := net.Classification()
	n := net.Network
	out := n.UPBreve[len(n.UPBreve)-1]
	s.epoch = st.epoch
	size := st.set.Len()
	if within == 0 {
		net.Order = make([]int, size)
		for i := range net.Order {
			net.Order[i] = i
		}
		c.shuffle.ShuffleInts(net.Order)
		c.correct, c.readouts = 0, 0
		clear(c.sum)
		if st.kind == testPass {
			clear(c.confusion)
			c.predictions = make([]int, size)
		}
	}
	sw := microcircuit.Switches{}
	if st.kind == training {
		sw = microcircuit.Switches{LearnFW: true, LearnLat: true, LearnBW: true}
	}
	row := make([]float64, st.set.Inputs)
	for pos := within / d.hold; pos < size; pos++ {
		i := net.Order[pos]
		r0, label := st.set.RowTo(row, i), st.set.Y[i]
		var tgt []float64
		if st.kind == training {
			tgt = d.targets[label]
		}
		h0 := 0
		if pos == within/d.hold {
			h0 = within % d.hold
		}
		for h := h0; h < d.hold; h++ {
			// An interrupted step is a whole step: what follows it is done
			// before the interruption is passed on, so that a resumed run
			// goes on from exactly here.
			err := s.step(r0, tgt, sw)
			if err != nil && !errors.Is(err, ErrInterrupted) {
				return err
			}
			if st.kind != training && h%d.every == 0 && h/d.every >= d.skip {
				c.readout(out)
			}
			if h == d.hold-1 {
				if st.kind != training {
					c.predict(st.kind, i, label)
				}
				if pos == size-1 {
					c.finishPass(st.kind, size, n)
				}
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// finishPass records the outcome of a pass over size samples.
func (c *Classification) finishPass(kind stageKind, size int, n *microcircuit.Network) {
	switch kind {
	case validating:
		c.ValAccuracy = append(c.ValAccuracy, float64(c.correct)/float64(size))
		for k := range c.Angles {
			a, _, _ := c.cmp.Angles(n, k)
			c.Angles[k] = append(c.Angles[k], a)
		}
	case testPass:
		c.TestAccuracy = float64(c.correct) / float64(size)
		c.Confusion = append([]int(nil), c.confusion...)
		c.TestPrediction = c.predictions
	}
}

// steps returns the steps of the passes, without settling.
func (d *ClassifyData) steps() int {
	n := 0
	for _, s := range d.stages {
		n += s.set.Len() * d.hold
	}
	return n
}

func asNotFound(err error, target **dataset.NotFoundError) bool {
	nf, ok := err.(*dataset.NotFoundError)
	if ok {
		*target = nf
	}
	return ok
}

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
