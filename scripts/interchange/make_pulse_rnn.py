#!/usr/bin/env python3
"""Write cmd/rnnlab/testdata/pulse_rnn.pth, the PyTorch network of the interchange golden files.

Run it with Debian's Python, which has torch 1.13 (python3-torch), from any directory:

    /usr/bin/python3 scripts/interchange/make_pulse_rnn.py

The file is the state dict of a module with `rnn = nn.RNN(1, 8)` (tanh, one layer),
`fc = nn.Linear(8, 1)` and a buffer `h0` (8,) of initial rates in (-0.5, 0.5). One input and
one output let rnnlab import it with the pulse-duration task, so `rnnlab simulate` has trials
to run it on. The weights are drawn with torch.manual_seed(5) by PyTorch's default initialisation.
After running this script, regenerate the golden files:

    go test ./cmd/rnnlab -run InterchangeGolden -update
"""
import os

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "cmd", "rnnlab", "testdata")


class Net(torch.nn.Module):
    def __init__(self, n_in=1, n_hidden=8, n_out=1):
        super().__init__()
        self.rnn = torch.nn.RNN(n_in, n_hidden, nonlinearity="tanh", num_layers=1)
        self.fc = torch.nn.Linear(n_hidden, n_out)
        self.register_buffer("h0", 0.5 * torch.tanh(torch.randn(n_hidden)))


def main():
    torch.manual_seed(5)
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "pulse_rnn.pth")
    torch.save(Net().state_dict(), path)
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
