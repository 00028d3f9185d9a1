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
	// TrainMSE holds the training error of every training pass (epoch 1,
	// 2, …): the mean, over the pass's samples and the readouts of each,
	// of the squared output error Σ_i (uP_breve[N-1][i] − u_tgt[i])². NaN
	// for passes made by a palmc that did not keep it (a checkpoint of an
	// earlier version).
	TrainMSE []float64

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
	// errSum and errN accumulate the squared output errors of the current
	// training pass; trainLost marks a checkpoint without them.
	errSum    float64
	errN      int
	trainLost bool
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
	d.TrainMSE = append([]float64(nil), c.TrainMSE...)
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

// trainingError adds the squared error of the output layer's prospective
// voltage against the target to the training pass's sum.
func (c *Classification) trainingError(out, tgt []float64) {
	for i, v := range out {
		d := v - tgt[i]
		c.errSum += d * d
	}
	c.errN++
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
		c.errSum, c.errN = 0, 0
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
			if h%d.every == 0 && h/d.every >= d.skip {
				if st.kind == training {
					c.trainingError(out, tgt)
				} else {
					c.readout(out)
				}
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
	case training:
		c.TrainMSE = append(c.TrainMSE, c.errSum/float64(c.errN))
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
