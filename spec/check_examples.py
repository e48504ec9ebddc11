#!/usr/bin/env python3
"""Checks spec/examples.txt (standard-library Python 3, no dependencies).

1. Syntax: every example has the fields of spec/wire-format.md, in order; byte lines hold
   exactly 8 lowercase hex bytes; names are unique.
2. `# source: FILE CASE` claims: the case's v2 bytes in the conformance suite are
   evaluated (num(), repeat(), padding:, 'c', plain bytes) and must equal the example's.
3. Success examples are re-encoded by a small independent FIDL v2 encoder (this file)
   from their `fidl:` and `value:` lines and must give the same bytes and handle count.

Usage: spec/check_examples.py [EXAMPLES] [--suite DIR]   (exit status 0 = all good)
"""

import re
import struct
import sys
from pathlib import Path

SUITE = Path("/work/shared/conformance")

# ---------------------------------------------------------------------------------------
# 1. The examples file


def parse_examples(text):
    examples, cur, state = [], None, None
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            m = re.match(r"#\s*source:\s*(\S+)\s+(\S+)", line)
            if m and cur is not None:
                cur["source"] = (m.group(1), m.group(2))
            continue
        m = re.match(r"^=== (example|failure): ([a-z0-9_]+)$", line)
        if m:
            cur = {"kind": m.group(1), "name": m.group(2), "bytes": [], "line": lineno}
            examples.append(cur)
            state = "fidl"
            continue
        if cur is None:
            raise SyntaxError(f"line {lineno}: text before the first example")
        if state == "fidl" and line.startswith("fidl: "):
            cur["fidl"] = line[len("fidl: "):]
            state = "value" if cur["kind"] == "example" else "bytes"
        elif state == "value" and line.startswith("value: "):
            cur["value"] = line[len("value: "):]
            state = "bytes"
        elif state == "bytes" and line == "bytes:":
            state = "bytelines"
        elif state == "bytelines" and re.match(r"^([0-9a-f]{2} ){7}[0-9a-f]{2}(\s+#.*)?$", line):
            cur["bytes"] += [int(b, 16) for b in line.split("#")[0].split()]
        elif state == "bytelines" and re.match(r"^handles: \d+$", line):
            if not cur["bytes"]:
                raise SyntaxError(f"line {lineno}: no byte lines")
            cur["handles"] = int(line.split()[1])
            state = "done" if cur["kind"] == "example" else "error"
        elif state == "error" and re.match(r"^error: [A-Z0-9_]+$", line):
            cur["error"] = line.split()[1]
            state = "done"
        else:
            raise SyntaxError(f"line {lineno}: unexpected {line!r} (expecting {state})")
    for ex in examples:
        need = ["fidl", "handles"] + (["value"] if ex["kind"] == "example" else ["error"])
        for k in need:
            if k not in ex:
                raise SyntaxError(f"{ex['name']}: missing {k}")
    names = [e["name"] for e in examples]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise SyntaxError(f"duplicate names: {sorted(dup)}")
    return examples


# ---------------------------------------------------------------------------------------
# 2. GIDL byte lists


def gidl_case_bytes(path, case):
    text = path.read_text()
    # A name may be used by several kinds (an encode_failure and a decode_failure, say);
    # take the first case of that name that has v2 bytes.
    ms = []
    for m in re.finditer(r'^\w+\("' + re.escape(case) + r'"\)\s*\{', text, re.M):
        depth, i = 1, m.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        body = re.sub(r"//[^\n]*", "", text[m.end():i])
        # the `bytes = { v2 = [ ... ] }` of the case itself (not one inside decode({...}))
        ms = list(re.finditer(r"\bbytes\s*=\s*\{\s*v2\s*=\s*\[(.*?)\]", body, re.S))
        if ms:
            break
    if not ms:
        raise KeyError(f"{case}: no case with v2 bytes in {path.name}")
    items = [t.strip() for t in ms[-1].group(1).split(",") if t.strip()]
    out = []
    for it in items:
        if m := re.fullmatch(r"num\((-?\w+)\):(\d+)", it):
            n, w = int(m.group(1), 0), int(m.group(2))
            out += list((n % (1 << (8 * w))).to_bytes(w, "little"))
        elif m := re.fullmatch(r"repeat\((\w+)\):(\d+)", it):
            out += [int(m.group(1), 0)] * int(m.group(2))
        elif m := re.fullmatch(r"padding:(\d+)", it):
            out += [0] * int(m.group(1))
        elif m := re.fullmatch(r"'(.)'", it):
            out.append(ord(m.group(1)))
        else:
            out.append(int(it, 0))
    return out


# ---------------------------------------------------------------------------------------
# 3. A small, independent FIDL v2 encoder

PRIM = {
    "bool": (1, "<?"), "int8": (1, "<b"), "uint8": (1, "<B"), "byte": (1, "<B"),
    "int16": (2, "<h"), "uint16": (2, "<H"), "int32": (4, "<i"), "uint32": (4, "<I"),
    "int64": (8, "<q"), "uint64": (8, "<Q"), "float32": (4, "<f"), "float64": (8, "<d"),
}


def tokenize(s):
    return re.findall(r'"(?:[^"\\]|\\.)*"|#\d+|-?0x[0-9a-fA-F]+|-?\d+(?:\.\d+)?(?:e-?\d+)?'
                      r"|[A-Za-z_][A-Za-z0-9_]*|[{}\[\]<>:;,=|]", s)


class Toks:
    def __init__(self, s):
        self.t, self.i = tokenize(s), 0

    def peek(self):
        return self.t[self.i] if self.i < len(self.t) else None

    def next(self):
        tok = self.peek()
        self.i += 1
        return tok

    def expect(self, want):
        got = self.next()
        if got != want:
            raise SyntaxError(f"expected {want!r}, got {got!r}")


def parse_type(tk):
    name = tk.next()
    t = {"kind": name, "optional": False}
    if name in ("vector", "array", "box"):
        tk.expect("<")
        t["elem"] = parse_type(tk)
        if name == "array":
            tk.expect(",")
            t["n"] = int(tk.next(), 0)
        tk.expect(">")
    if tk.peek() == ":":
        tk.next()
        cons = []
        if tk.peek() == "<":
            tk.next()
            while tk.peek() != ">":
                cons.append(tk.next())
                if tk.peek() == ",":
                    tk.next()
            tk.next()
        else:
            cons.append(tk.next())
        for c in cons:
            if c == "optional":
                t["optional"] = True
            elif re.fullmatch(r"\d+", c):
                t["bound"] = int(c)
            else:
                t["subtype"] = c
    return t


def parse_decls(s):
    tk, decls, order = Toks(s), {}, []
    while tk.peek():
        tk.expect("type")
        name = tk.next()
        tk.expect("=")
        mods = []
        while tk.peek() in ("strict", "flexible", "resource"):
            mods.append(tk.next())
        kind = tk.next()
        d = {"kind": kind, "name": name, "flexible": "flexible" in mods,
             "resource": "resource" in mods, "members": []}
        if kind in ("enum", "bits"):
            d["underlying"] = "uint32"
            if tk.peek() == ":":
                tk.next()
                d["underlying"] = tk.next()
        tk.expect("{")
        while tk.peek() != "}":
            if kind == "struct":
                mname = tk.next()
                d["members"].append((mname, parse_type(tk)))
            elif kind in ("table", "union"):
                ordinal = int(tk.next())
                tk.expect(":")
                mname = tk.next()
                d["members"].append((ordinal, mname, parse_type(tk)))
            else:
                mname = tk.next()
                tk.expect("=")
                d["members"].append((mname, int(tk.next(), 0)))
            tk.expect(";")
        tk.expect("}")
        tk.expect(";")
        decls[name] = d
        order.append(name)
    return decls, order[-1]


def parse_value(s):
    tk = Toks(s)

    def val():
        tok = tk.next()
        if tok == "[":
            out = []
            while tk.peek() != "]":
                out.append(val())
                if tk.peek() == ",":
                    tk.next()
            tk.next()
            return out
        if tok.startswith('"'):
            return ("str", tok[1:-1])
        if tok.startswith("#"):
            return ("handle", int(tok[1:]))
        if tok in ("true", "false"):
            return tok == "true"
        if tok == "null":
            return None
        if re.fullmatch(r"-?(0x[0-9a-fA-F]+|\d+)", tok):
            return int(tok, 0)
        if re.fullmatch(r"-?\d+\.\d+(e-?\d+)?", tok):
            return float(tok)
        tk.expect("{")
        fields = {}
        while tk.peek() != "}":
            key = tk.next()
            tk.expect(":")
            fields[key] = val()
            if tk.peek() == ",":
                tk.next()
        tk.next()
        return ("obj", tok, fields)

    return val()


def align(n, a):
    return (n + a - 1) // a * a


class Encoder:
    def __init__(self, decls):
        self.decls = decls
        self.buf = bytearray()
        self.handles = []

    def shape(self, t):
        k = t["kind"]
        if k in PRIM:
            return PRIM[k][0], PRIM[k][0]
        if k in ("string", "vector"):
            return 16, 8
        if k == "handle":
            return 4, 4
        if k == "box":
            return 8, 8
        if k == "array":
            size, al = self.shape(t["elem"])
            return size * t["n"], al
        d = self.decls[k]
        if d["kind"] in ("enum", "bits"):
            return PRIM[d["underlying"]][0], PRIM[d["underlying"]][0]
        if d["kind"] in ("table", "union"):
            return 16, 8
        off, al = 0, 1
        for _, mt in d["members"]:
            size, a = self.shape(mt)
            off = align(off, a) + size
            al = max(al, a)
        return (align(off, al), al) if d["members"] else (1, 1)

    def alloc(self, size):
        off = len(self.buf)
        self.buf += bytes(align(size, 8))
        return off

    def put(self, off, fmt, v):
        self.buf[off:off + struct.calcsize(fmt)] = struct.pack(fmt, v)

    def encode(self, t, v, off, depth):
        k = t["kind"]
        if k in PRIM:
            self.put(off, PRIM[k][1], v)
        elif k == "handle":
            if v is not None:
                assert v[1] == len(self.handles), f"handle #{v[1]} out of traversal order"
                self.handles.append(v[1])
                self.put(off, "<I", 0xFFFFFFFF)
        elif k in ("string", "vector"):
            if v is None:
                assert t["optional"]
                return
            data = v[1].encode() if k == "string" else v
            assert len(data) <= t.get("bound", 1 << 32)
            assert depth + 1 <= 32
            self.put(off, "<Q", len(data))
            self.put(off + 8, "<Q", (1 << 64) - 1)
            if k == "string":
                body = self.alloc(len(data))
                self.buf[body:body + len(data)] = data
            else:
                esize, _ = self.shape(t["elem"])
                body = self.alloc(esize * len(data))
                for i, e in enumerate(data):
                    self.encode(t["elem"], e, body + i * esize, depth + 1)
        elif k == "box":
            if v is not None:
                assert depth + 1 <= 32
                self.put(off, "<Q", (1 << 64) - 1)
                body = self.alloc(self.shape(t["elem"])[0])
                self.encode(t["elem"], v, body, depth + 1)
        elif k == "array":
            esize, _ = self.shape(t["elem"])
            assert len(v) == t["n"]
            for i, e in enumerate(v):
                self.encode(t["elem"], e, off + i * esize, depth)
        else:
            self.encode_decl(self.decls[k], t, v, off, depth)

    def encode_decl(self, d, t, v, off, depth):
        kind = d["kind"]
        if kind in ("enum", "bits"):
            if not d["flexible"]:
                members = [m[1] for m in d["members"]]
                if kind == "enum":
                    assert v in members, "strict enum: unknown value"
                else:
                    mask = 0
                    for m in members:
                        mask |= m
                    assert v & ~mask == 0, "strict bits: unknown bit"
            self.put(off, PRIM[d["underlying"]][1], v)
        elif kind == "struct":
            _, name, fields = v
            assert name == d["name"], (name, d["name"])
            assert set(fields) == {m[0] for m in d["members"]}, f"{name}: fields"
            pos = 0
            for mname, mt in d["members"]:
                size, a = self.shape(mt)
                pos = align(pos, a)
                self.encode(mt, fields[mname], off + pos, depth)
                pos += size
        elif kind == "table":
            _, name, fields = v
            assert name == d["name"]
            present = [m for m in d["members"] if m[1] in fields]
            assert len(present) == len(fields), f"{name}: unknown member"
            n = max((m[0] for m in present), default=0)
            assert depth + 1 <= 32
            self.put(off, "<Q", n)
            self.put(off + 8, "<Q", (1 << 64) - 1)
            vec = self.alloc(8 * n)
            for ordinal, mname, mt in sorted(present):
                self.envelope(mt, fields[mname], vec + 8 * (ordinal - 1), depth + 1)
        elif kind == "union":
            if v is None:
                assert t["optional"]
                return
            _, name, fields = v
            assert name == d["name"] and len(fields) == 1
            (mname, mv), = fields.items()
            ordinal, _, mt = next(m for m in d["members"] if m[1] == mname)
            self.put(off, "<Q", ordinal)
            self.envelope(mt, mv, off + 8, depth)

    def envelope(self, mt, v, off, depth):
        size, _ = self.shape(mt)
        h0 = len(self.handles)
        if size <= 4:
            self.encode(mt, v, off, depth)
            self.put(off + 4, "<H", len(self.handles) - h0)
            self.put(off + 6, "<H", 1)
        else:
            assert depth + 1 <= 32
            b0 = len(self.buf)
            body = self.alloc(size)
            self.encode(mt, v, body, depth + 1)
            self.put(off, "<I", len(self.buf) - b0)
            self.put(off + 4, "<H", len(self.handles) - h0)


def encode_example(ex):
    decls, top = parse_decls(ex["fidl"])
    enc = Encoder(decls)
    enc.alloc(enc.shape({"kind": top})[0])
    enc.encode({"kind": top, "optional": False}, parse_value(ex["value"]), 0, 0)
    return list(enc.buf), len(enc.handles)


# ---------------------------------------------------------------------------------------


def main(argv):
    path = Path(__file__).with_name("examples.txt")
    suite = SUITE
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--suite":
            suite = Path(args.pop(0))
        else:
            path = Path(a)
    examples = parse_examples(path.read_text())
    bad = 0
    for ex in examples:
        problems = []
        if "source" in ex:
            f, case = ex["source"]
            try:
                want = gidl_case_bytes(suite / f, case)
                if want != ex["bytes"]:
                    problems.append(f"bytes differ from {f} {case}: {bytes(want).hex()}")
            except (OSError, KeyError) as e:
                problems.append(f"source: {e}")
        if ex["kind"] == "example":
            try:
                got, nh = encode_example(ex)
                if got != ex["bytes"]:
                    problems.append(f"encoder gives {bytes(got).hex()}")
                if nh != ex["handles"]:
                    problems.append(f"encoder gives {nh} handles")
            except (AssertionError, KeyError, SyntaxError, ValueError, struct.error) as e:
                problems.append(f"encoder: {e!r}")
        status = "ok" if not problems else "FAIL"
        print(f"{status:4} {ex['kind']:7} {ex['name']}" + "".join(f"\n     {p}" for p in problems))
        bad += bool(problems)
    print(f"{len(examples)} examples, {bad} failing")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
