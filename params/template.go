package params

import (
	"bytes"
	"strings"
)

// templateHeader is the general note at the top of the template.
var templateHeader = []string{
	"palmc params.json template. Keys named _comment are ignored and may repeat.",
	"All times are in ms; conductances in 1/ms. N = len(layers)-1 pyramidal layers, H = N-1 hidden layers.",
	"Lists per pyramidal layer need N entries, lists per hidden layer H entries; longer lists are allowed, only the first entries are read.",
	"Fields marked 'required for PAL, LDRL and DTPDRL' may be left in for BP and FA, which ignore them.",
	"A file with Tbw or tausyn and without tauHP is a seed-era file: tausyn sets tauHP and tauLO, and missing keys take the seed-era defaults.",
}

// Template returns a commented params.json that documents every field with
// its unit and default, in the style of the published files ("_comment"
// keys before the values). Its values are those of the published Fig. 3
// experiment (PAL, 3 hidden layers); it parses for both tasks.
func Template() []byte {
	var b bytes.Buffer
	b.WriteString("{")
	first := true
	line := func(key string, val []byte) {
		if !first {
			b.WriteString(",")
		}
		first = false
		b.WriteString("\n    ")
		writeKey(&b, key)
		b.Write(val)
	}
	comment := func(text string) {
		s, _ := encodeValue(text)
		line("_comment", s)
	}
	for _, text := range templateHeader {
		comment(text)
	}
	recDone := false
	for _, f := range fieldSpecs {
		if strings.HasPrefix(f.key, "rec_") && !recDone {
			recDone = true
			comment("rec_X: record variable X every rec_per_steps steps (bool, default false). X is one of: " +
				strings.Join(recNames, ", "))
		}
		text := f.key + ": " + f.doc + ". " + strings.ToUpper(f.def[:1]) + f.def[1:] + "."
		if f.commentOnly {
			text += " Example: \"" + f.key + "\": " + f.example + "."
		}
		comment(text)
		if !f.commentOnly {
			line(f.key, []byte(f.example))
		}
	}
	b.WriteString("\n}\n")
	return b.Bytes()
}
