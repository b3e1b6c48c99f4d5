#!/usr/bin/env python3
"""A 10-line safetensors reader (json + struct + numpy, no safetensors package): prints each tensor's name, dtype and
shape, and returns them as numpy arrays. Usage: python3 bench/read_safetensors.py runs/<run>/checkpoints/step-*/model.safetensors"""
import json, struct, sys
import numpy as np

def read(path):
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])                       # u64 little-endian header length
    header = json.loads(data[8:8 + n])                         # {name: {dtype, shape, data_offsets}, "__metadata__": {...}}
    types = {"F32": "<f4", "F64": "<f8", "I64": "<i8"}
    return {k: np.frombuffer(data[8 + n + v["data_offsets"][0]:8 + n + v["data_offsets"][1]], types[v["dtype"]]).reshape(v["shape"])
            for k, v in header.items() if k != "__metadata__"}

if __name__ == "__main__":
    for name, array in read(sys.argv[1]).items():
        print(f"{name:28} {str(array.dtype):8} {list(array.shape)}")
