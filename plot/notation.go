package plot

import (
	"fmt"
	"strconv"
	"strings"
)

// The notation of every title, axis label and legend: the paper's symbols
// where it has them (W for forward, B for backward weights, φ′ for the
// slopes of the activation, angle(·, ·) for the angles to backprop), with
// palmc's layer numbers: layer 0 is the first hidden layer, the input has
// no number. Symbols are written with Unicode sub- and superscripts that
// the figures' font has.

// sub writes a layer number as a subscript: "12" -> "₁₂".
func sub(layer string) string {
	var b strings.Builder
	for _, r := range layer {
		if r >= '0' && r <= '9' {
			b.WriteRune('₀' + (r - '0'))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// subInt is sub of an integer.
func subInt(k int) string { return sub(strconv.Itoa(k)) }

// quantity is what the notation table knows of a recorded variable.
type quantity struct {
	// symbol of the variable, followed by the layer as a subscript ("B"
	// for "B₀"), or with the subscript at every "%s"; "" for variables
	// that are named in words only. "_{…}" and "^{…}" mark sub- and
	// superscripts that Unicode lacks.
	symbol string
	// what it is, in words: "backward weights".
	what string
	// axis is the y-axis label, with its unit.
	axis string
}

// quantities is the notation table, keyed by palmc's variable names.
var quantities = map[string]quantity{
	"WPP":     {"W", "forward weights", "weight (a.u.)"},
	"WIP":     {"Wᴵᴾ", "lateral weights to the interneurons", "weight (a.u.)"},
	"BPP":     {"B", "backward weights", "weight (a.u.)"},
	"BPI":     {"Bᴾᴵ", "lateral weights from the interneurons", "weight (a.u.)"},
	"BPI+BPP": {"", "sum of top-down and lateral weights", "weight (a.u.)"},

	"uP":           {"u", "somatic voltage", "voltage (a.u.)"},
	"uP_breve":     {"ŭ", "prospective voltage", "voltage (a.u.)"},
	"rP_breve":     {"r", "rate φ(ŭ)", "rate (a.u.)"},
	"rP_breve_HI":  {"r^{HI}", "high-passed rate", "rate (a.u.)"},
	"uI":           {"uᴵ", "interneuron voltage", "voltage (a.u.)"},
	"uI_breve":     {"ŭᴵ", "prospective interneuron voltage", "voltage (a.u.)"},
	"rI_breve":     {"rᴵ", "interneuron rate φ(ŭᴵ)", "rate (a.u.)"},
	"vbas":         {"v^{bas}", "basal potential", "voltage (a.u.)"},
	"vapi":         {"v^{api}", "apical potential", "voltage (a.u.)"},
	"vapi_noise":   {"v^{api}%s + ξ%s", "apical potential with noise", "voltage (a.u.)"},
	"noise":        {"ξ", "apical noise", "voltage (a.u.)"},
	"lat_mismatch": {"", "lateral mismatch ŭᴵ − c·v^{bas}", "voltage (a.u.)"},
	"input":        {"", "input rates", "rate (a.u.)"},
	"error":        {"", "output error ŭ − u_{tgt}", "voltage (a.u.)"},
	"target":       {"u_{tgt}", "target voltage", "voltage (a.u.)"},
	"MSE":          {"", "squared output error ‖ŭ − u_{tgt}‖² (MSE)", "MSE (a.u.)"},
	"epsilon":      {"ε", "misalignment of the top-down prediction", "ε = (1 − cos)/2"},
	"epsilon_LO":   {"ε^{LO}", "low-passed misalignment", "ε^{LO}"},

	"cos_epsilon_LO": {"", "alignment of the top-down prediction", "cosine 1 − 2·ε^{LO}"},
}

// Weight and increment names.
var weightVars = map[string]bool{"WPP": true, "WIP": true, "BPP": true, "BPI": true, "BPI+BPP": true}

// increment reports whether v is the increment of a weight ("dWPP") and
// returns the weight's name.
func increment(v string) (string, bool) {
	if w, ok := strings.CutPrefix(v, "d"); ok && weightVars[w] && w != "BPI+BPP" {
		return w, true
	}
	return "", false
}

// symbol is the paper's symbol of a variable in a layer: "W₁", "B₀",
// "Bᴾᴵ₀ + B₀", "ΔW₀"; "" when the variable has none.
func symbol(v, layer string) string {
	if w, ok := increment(v); ok {
		if s := symbol(w, layer); s != "" {
			return "Δ" + s
		}
		return ""
	}
	if v == "BPI+BPP" {
		return "Bᴾᴵ" + sub(layer) + " + B" + sub(layer)
	}
	q := quantities[v]
	switch {
	case q.symbol == "":
		return ""
	case strings.Contains(q.symbol, "%s"):
		return strings.ReplaceAll(q.symbol, "%s", sub(layer))
	}
	return q.symbol + sub(layer)
}

// angleName is the name of an angle to backprop of hidden layer k, in the
// paper's symbols: φ′₀ stands for diag(φ′) of layer 0 at the recorded
// step. With skip connectivity the backward weights come from the output
// layer, and backprop's matrix is the product of the transposed forward
// weights above layer k. angle_dWPP_BP is per pyramidal layer k instead:
// the angle between the increments ΔW_k of W_k and backprop's updates. A
// negative k gives the name without layers: "angle(Wᵀ, B)".
func angleName(v string, k int, skip bool) string {
	b, wt, dk, dk1 := "B"+subInt(k), "W"+subInt(k+1)+"ᵀ", subInt(k), subInt(k+1)
	if skip {
		wt = "W" + subInt(k+1) + "ᵀ⋯Wₙᵀ"
	}
	if k < 0 {
		b, wt, dk, dk1 = "B", "Wᵀ", "", ""
	}
	switch v {
	case "angle_WPPT_BPP":
		return fmt.Sprintf("angle(%s, %s)", wt, b)
	case "angle_BPP_RHS":
		return fmt.Sprintf("angle(φ′%s·%s·φ′%s, %s)", dk, wt, dk1, b)
	case "angle_jacobians_BP":
		return fmt.Sprintf("angle(φ′%s·%s, %s·φ′%s)", dk, wt, b, dk1)
	case "angle_dWPP_BP":
		// k is a pyramidal layer: the forward weights W_k into it.
		return fmt.Sprintf("angle(ΔW%s, backprop's ΔW%s)", dk, dk)
	}
	return v + sub(strconv.Itoa(k))
}

// connection says which populations a weight matrix connects.
func connection(v string, j int, skip bool) string {
	switch v {
	case "WPP":
		if j == 0 {
			return "input → layer 0"
		}
		return fmt.Sprintf("layer %d → layer %d", j-1, j)
	case "WIP":
		if skip {
			return "last hidden layer → interneurons"
		}
		return fmt.Sprintf("layer %d → interneurons %d", j, j)
	case "BPP":
		if skip {
			return fmt.Sprintf("output layer → apical, layer %d", j)
		}
		return fmt.Sprintf("layer %d → apical, layer %d", j+1, j)
	case "BPI":
		if skip {
			return fmt.Sprintf("interneurons → apical, layer %d", j)
		}
		return fmt.Sprintf("interneurons %d → apical, layer %d", j, j)
	}
	return ""
}

// describe is the title of a variable's figure: what it is, its symbol and
// where it sits, e.g. "backward weights B₀: layer 1 → apical, layer 0",
// "prospective voltage ŭ₁, layer 1", "angle(W₁ᵀ, B₀)".
func describe(k key, skip bool) string {
	j, err := strconv.Atoi(k.layer)
	hasLayer := err == nil
	v := k.v
	if strings.HasPrefix(v, "angle_") && hasLayer {
		return angleName(v, j, skip)
	}
	w, isIncrement := increment(v)
	base := v
	if isIncrement {
		base = w
	}
	q, known := quantities[base]
	if !known {
		if k.layer != "" {
			return v + "[" + k.layer + "]"
		}
		return v
	}
	what := q.what
	sym := symbol(v, k.layer)
	switch {
	case !hasLayer:
		if sym != "" {
			return what + " " + sym
		}
		return what
	case isIncrement:
		return fmt.Sprintf("weight increments %s per step: %s", sym, connection(base, j, skip))
	case weightVars[base] && base != "BPI+BPP":
		return fmt.Sprintf("%s %s: %s", what, sym, connection(base, j, skip))
	case base == "BPI+BPP":
		return fmt.Sprintf("lateral plus backward weights %s: zero in the self-predicting state", sym)
	case base == "target":
		return what + " " + q.symbol + " of the output layer"
	case strings.HasPrefix(base, "uI") || strings.HasPrefix(base, "rI"):
		return fmt.Sprintf("%s %s, interneurons %d", what, sym, j)
	case base == "cos_epsilon_LO":
		return fmt.Sprintf("%s, layer %d", what, j)
	case sym != "":
		return fmt.Sprintf("%s %s, layer %d", what, sym, j)
	}
	return fmt.Sprintf("%s, layer %d", what, j)
}

// axisLabel is the y-axis label of a variable, with its unit.
func axisLabel(v string) string {
	if strings.HasPrefix(v, "angle_") {
		return angleLabel
	}
	if _, ok := increment(v); ok {
		return "change per step (a.u.)"
	}
	if q, ok := quantities[v]; ok {
		return q.axis
	}
	return v
}

// SweepMetricName names a metric column of a sweep's sweep.csv in the
// notation of the run plots, with its unit: final_angle_WPPT_BPP_0 is
// "final angle(W₁ᵀ, B₀)" in degrees, test_accuracy "test accuracy" in %
// (of the fractions of sweep.csv). Unknown metrics keep their name.
func SweepMetricName(metric string) (name, unit string) {
	switch metric {
	case "final_mse":
		return "final squared output error ‖ŭ − u_{tgt}‖² (MSE)", ""
	case "val_accuracy":
		return "validation accuracy after the last epoch", "%"
	case "test_accuracy":
		return "test accuracy", "%"
	}
	if rest, ok := strings.CutPrefix(metric, "final_angle_"); ok {
		if i := strings.LastIndexByte(rest, '_'); i > 0 {
			if k, err := strconv.Atoi(rest[i+1:]); err == nil {
				return "final " + angleName("angle_"+rest[:i], k, false), "degrees"
			}
		}
	}
	return metric, ""
}
