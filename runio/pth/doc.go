// Package pth reads PyTorch checkpoint files (.pth, .pt) into named float
// tensors, without Python and without running code from the file.
//
// # Formats
//
// Two formats are read, and [File.Format] reports which one a file used:
//
//   - "zip", the default of torch.save since PyTorch 1.6: a zip archive with
//     <folder>/data.pkl (the pickled object) and one entry
//     <folder>/data/<key> per storage, plus an optional <folder>/byteorder
//     record ("little" or "big"; little-endian when absent).
//   - "legacy", written with _use_new_zipfile_serialization=False and by
//     PyTorch 0.4 to 1.5: the pickles of a magic number, the protocol
//     version 1001 and system information, then the object pickle, then a
//     pickle of the storage keys followed by each storage's element count
//     and raw little-endian bytes.
//
// The tar archives of PyTorch before 0.4 and TorchScript archives
// (torch.jit.save) are rejected with an error that names the format.
//
// # What a checkpoint may contain
//
// The object can be a plain state dict (an OrderedDict of tensors), a
// nested checkpoint such as {"epoch": 50, "state_dict": {...}, "optimizer":
// {...}}, or any nesting of dicts, lists and tuples around tensors,
// nn.Parameter values and storages. The pickle may name only these Python
// globals:
//
//	collections.OrderedDict
//	torch._utils._rebuild_tensor, _rebuild_tensor_v2
//	torch._utils._rebuild_parameter, _rebuild_parameter_with_state
//	torch._tensor._rebuild_from_type_v2 (with torch.Tensor or torch.nn.parameter.Parameter)
//	the storage classes torch.FloatStorage, torch.HalfStorage, … (also under torch.cuda)
//
// Every other global makes [Read] return an error that names it, because
// rebuilding it would need the Python code that defines it. A whole pickled
// module (torch.save(model)) names its class, such as
// torch.nn.modules.rnn.RNN or __main__.Net, and the error asks for
// model.state_dict() instead. NumPy scalars (numpy.core.multiarray.scalar)
// are rejected the same way.
//
// # Names
//
// Each tensor is named by its path from the top-level object, joined with
// dots: dict keys as they are (non-str keys as Python's str() of them) and
// list and tuple items by index. So the checkpoint above gives
// "state_dict.rnn.weight_hh_l0" and "optimizer.state.0.exp_avg", and a
// plain state dict gives its keys unchanged. A file that holds one bare
// tensor gives it the empty name. [File.StateDict] strips the "state_dict."
// or "model_state_dict." prefix. Non-tensor leaves go to [File.Values] as
// their Python repr under the same names ("epoch" → "50",
// "optimizer.param_groups.0.betas.0" → "0.9").
//
// # Views and strides
//
// torch.save stores a tensor as a view of a storage: a storage offset, a
// size and a stride per dimension. A transposed tensor or a slice saved
// without .clone() keeps the strides and offset of its view. Element
// (i₀, …, iₖ₋₁) of the tensor is storage element
//
//	offset + Σⱼ iⱼ·stride[j]
//
// and every returned tensor is a contiguous row-major copy built from this
// formula. Before copying, the reader checks that the largest such index,
// offset + Σⱼ (size[j]−1)·stride[j], lies inside the storage, that no
// product overflows, and that sizes, strides and offsets are non-negative.
// Views that overlap (stride 0 from expand, tied weights saved as separate
// views) may together hold more values than the file's storages have bytes,
// but only up to 2²⁴ values more, so a corrupt file cannot make the reader
// allocate without bound.
//
// # Dtypes
//
//	float32, float16, bfloat16   → Tensor.F32 (float16 and bfloat16 exactly)
//	float64                      → Tensor.F64
//	int8, int16, int32, uint8    → Tensor.F64 (exactly)
//	int64                        → Tensor.F64 (exact up to ±2⁵³, rounded beyond)
//	bool                         → Tensor.F64 (0 or 1)
//
// Complex and quantized tensors are not converted: each one appears in
// [File.Values] as a note with its dtype and shape, and the rest of the
// file is read.
//
// # Why an own unpickler
//
// The pickle reader in this package implements only the opcodes torch.save
// writes and resolves globals against the list above, so the allow-list is
// enforced where the pickle names a class, and every length, index and
// count is checked against the input. The alternative,
// github.com/nlpodyssey/gopickle, would need a recover around each call
// because its PyTorch loader panics on tar files and on legacy storage
// views, it hands unknown classes to a generic fallback instead of
// rejecting them, it reads only from a path on disk, and it leaves strides
// and offsets to the caller. (This describes pytorch/pytorch.go at a recent
// commit of its repository; the v0.3.0 release was not checked line by line.)
//
// # Errors
//
// Every error starts with the name given to [Read] (the path, for [Load])
// and says what is wrong, for example
//
//	model.pth: contains a pickled Python object of class torch.nn.modules.rnn.RNN; save model.state_dict() instead
//	notes.pth: not a PyTorch checkpoint: no zip archive and no legacy magic number
//	ckpt.pth: storage 3 (ckpt/data/3) is missing from the zip archive
//
// Malformed and truncated files return errors; the fuzz test FuzzRead
// checks that no input panics.
package pth
