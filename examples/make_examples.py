#!/usr/bin/env python3
"""Writes the generated files of examples/: the tiny model's weights and tokenizer, and the harmless
malicious pickle.

- tiny-model/model.safetensors: a Llama-style model with the dimensions in tiny-model/config.json,
  random F32 weights (seeded, so every run writes the same bytes), laid out as the reference
  safetensors writer does.
- tiny-model/tokenizer.json: a tiny BPE tokenizer in the `tokenizers` 0.15 format, whose vocabulary
  size matches config.json's vocab_size.
- malicious/pytorch_model.bin: a protocol-2 pickle assembled opcode by opcode whose payload is
  os.system('echo vouch-example-payload'). It is never produced by pickling an object, and nothing
  here loads it. Loading it would print one line; scanning it must say "malicious".

Only the standard library is used (struct, json, random). The other files in examples/ are written by
hand. Run from anywhere:  python3 examples/make_examples.py
"""
import json
import os
import random
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL_DIR = os.path.join(HERE, "tiny-model")
SEED = 20240101


# --- tiny-model/model.safetensors


def llama_shapes(cfg):
    """Tensor name -> shape for a LlamaForCausalLM with the config's dimensions (Hugging Face names)."""
    h, inter, vocab = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]
    kv = cfg["num_key_value_heads"] * (h // cfg["num_attention_heads"])
    shapes = {"model.embed_tokens.weight": [vocab, h], "model.norm.weight": [h], "lm_head.weight": [vocab, h]}
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        shapes.update({
            p + "input_layernorm.weight": [h],
            p + "post_attention_layernorm.weight": [h],
            p + "self_attn.q_proj.weight": [h, h],
            p + "self_attn.k_proj.weight": [kv, h],
            p + "self_attn.v_proj.weight": [kv, h],
            p + "self_attn.o_proj.weight": [h, h],
            p + "mlp.gate_proj.weight": [inter, h],
            p + "mlp.up_proj.weight": [inter, h],
            p + "mlp.down_proj.weight": [h, inter],
        })
    return shapes


def init_values(name, count, rnd):
    """RMSNorm weights start at 1; everything else ~ N(0, initializer_range), as transformers initialises."""
    if name.endswith("norm.weight"):
        return [1.0] * count
    return [rnd.gauss(0.0, 0.02) for _ in range(count)]


def safetensors_bytes(tensors, metadata):
    """tensors: name -> (shape, F32 values). Data in name order; header padded with spaces to 8 bytes."""
    header = {"__metadata__": metadata}
    data = bytearray()
    for name in sorted(tensors):
        shape, values = tensors[name]
        start = len(data)
        data += struct.pack(f"<{len(values)}f", *values)
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [start, len(data)]}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + bytes(data)


def write_model(cfg):
    rnd = random.Random(SEED)
    tensors = {}
    for name, shape in sorted(llama_shapes(cfg).items()):
        count = 1
        for d in shape:
            count *= d
        tensors[name] = (shape, init_values(name, count, rnd))
    write(os.path.join(MODEL_DIR, "model.safetensors"), safetensors_bytes(tensors, {"format": "pt"}))


# --- tiny-model/tokenizer.json

SPECIALS = ["<unk>", "<s>", "</s>"]
ALPHABET = ["\u2581"] + [chr(c) for c in range(ord("a"), ord("z") + 1)] + list(".,!?'")
# Each merge joins two vocabulary entries into a new one; "\u2581" (SentencePiece's space) marks a word start.
MERGES = [
    ("\u2581", "t"), ("h", "e"), ("\u2581t", "he"), ("i", "n"), ("e", "r"), ("a", "n"), ("o", "n"), ("r", "e"),
    ("\u2581", "a"), ("a", "t"), ("e", "n"), ("\u2581", "s"), ("\u2581", "w"), ("o", "r"), ("l", "l"), ("i", "s"),
    ("i", "t"), ("in", "g"), ("\u2581", "m"), ("e", "d"), ("o", "u"), ("\u2581", "i"), ("\u2581", "o"), ("e", "s"),
    ("\u2581", "b"), ("\u2581", "c"), ("a", "r"), ("\u2581", "h"), ("\u2581", "d"),
]


def special(i, content):
    return {"id": i, "content": content, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}


def tokenizer_json(vocab_size):
    tokens = SPECIALS + ALPHABET + [a + b for a, b in MERGES]
    assert len(tokens) == vocab_size, f"{len(tokens)} tokens for vocab_size {vocab_size}"
    vocab = {t: i for i, t in enumerate(tokens)}
    for a, b in MERGES:
        assert a in vocab and b in vocab, (a, b)
    bos = {"SpecialToken": {"id": "<s>", "type_id": 0}}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [special(i, t) for i, t in enumerate(SPECIALS)],
        # Llama-style: no pre-tokenizer; spaces become U+2581 and one is prepended.
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": "\u2581"},
            {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"},
        ]},
        "pre_tokenizer": None,
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [bos, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [bos, {"Sequence": {"id": "A", "type_id": 0}}, bos, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}},
        },
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "\u2581"}, "content": " "},
            {"type": "Fuse"},
            {"type": "Strip", "content": " ", "start": 1, "stop": 0},
        ]},
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": "<unk>",
            "continuing_subword_prefix": None,
            "end_of_word_suffix": None,
            "fuse_unk": True,
            "byte_fallback": False,
            "vocab": vocab,
            "merges": [f"{a} {b}" for a, b in MERGES],
        },
    }


def write_tokenizer(cfg):
    text = json.dumps(tokenizer_json(cfg["vocab_size"]), indent=2, ensure_ascii=False) + "\n"
    write(os.path.join(MODEL_DIR, "tokenizer.json"), text.encode("utf-8"))


# --- malicious/pytorch_model.bin

PAYLOAD = b"echo vouch-example-payload"

# Protocol 2 opcodes, written out by hand (see pickletools for their definitions):
MALICIOUS_PICKLE = b"".join([
    b"\x80\x02",                                 # PROTO 2
    b"c" + b"os\n" + b"system\n",                # GLOBAL: push the callable os.system (imports os on load)
    b"X" + struct.pack("<I", len(PAYLOAD)) + PAYLOAD,  # BINUNICODE: push the str argument (4-byte length)
    b"\x85",                                     # TUPLE1: wrap the top item in a 1-tuple -> ('echo ...',)
    b"R",                                        # REDUCE: call os.system('echo vouch-example-payload')
    b".",                                        # STOP: the call's result is what pickle.load returns
])


def write_malicious():
    write(os.path.join(HERE, "malicious", "pytorch_model.bin"), MALICIOUS_PICKLE)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    print(f"{os.path.relpath(path, HERE)}: {len(data)} bytes")


def main():
    with open(os.path.join(MODEL_DIR, "config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    write_model(cfg)
    write_tokenizer(cfg)
    write_malicious()


if __name__ == "__main__":
    main()
