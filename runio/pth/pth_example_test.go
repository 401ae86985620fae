package pth_test

import (
	"fmt"
	"log"

	"github.com/rnnlab/rnnlab/runio/pth"
)

// A nested checkpoint of an nn.RNN with a linear readout, saved with
// torch.save({"epoch": 3, "state_dict": ..., "optimizer": ...}).
func ExampleFile_StateDict() {
	f, err := pth.Load("testdata/checkpoint.pth")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("format:", f.Format, "epoch:", f.Values["epoch"])
	tensors, prefix := f.StateDict()
	fmt.Println("prefix:", prefix)
	for _, t := range tensors {
		fmt.Println(t.Name, t.Shape)
	}
	// Output:
	// format: zip epoch: 3
	// prefix: state_dict
	// rnn.weight_ih_l0 [4 2]
	// rnn.weight_hh_l0 [4 4]
	// rnn.bias_ih_l0 [4]
	// rnn.bias_hh_l0 [4]
	// readout.weight [1 4]
	// readout.bias [1]
}
