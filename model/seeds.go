package model

import (
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
	"strconv"
)

// Stream names of the random streams of a run.
const (
	StreamConnectivity = "connectivity"
	StreamWeights      = "weights"
	StreamTrials       = "trials"
	StreamNoise        = "noise"
)

// DeriveSeed returns the seed of the named stream for a run seed:
//
//	seed = first 8 bytes, little-endian, of SHA-256("rnnlab/seed/" + stream + "/" + decimal(run)), top bit cleared
//
// The top bit is cleared so the seed fits a TOML integer (int64).
func DeriveSeed(run uint64, stream string) uint64 {
	h := sha256.Sum256([]byte("rnnlab/seed/" + stream + "/" + strconv.FormatUint(run, 10)))
	return binary.LittleEndian.Uint64(h[:8]) &^ (1 << 63)
}

// DeriveSeeds fills every stream seed from the run seed.
func DeriveSeeds(run uint64) Seeds {
	return Seeds{
		Run:          run,
		Connectivity: DeriveSeed(run, StreamConnectivity),
		Weights:      DeriveSeed(run, StreamWeights),
		Trials:       DeriveSeed(run, StreamTrials),
		Noise:        DeriveSeed(run, StreamNoise),
	}
}

// NewPCG returns the generator of a stream with the given seed: a PCG whose
// two 64-bit state words are the first 16 bytes of
// SHA-256("rnnlab/pcg/" + decimal(seed)). Its state can be saved with
// MarshalBinary, which checkpoints use.
func NewPCG(seed uint64) *rand.PCG {
	h := sha256.Sum256([]byte("rnnlab/pcg/" + strconv.FormatUint(seed, 10)))
	return rand.NewPCG(binary.LittleEndian.Uint64(h[:8]), binary.LittleEndian.Uint64(h[8:16]))
}
