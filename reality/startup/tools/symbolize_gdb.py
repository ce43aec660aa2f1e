# gdb Python, run on a Go binary without starting it:
#   SYM_IN=in.json SYM_OUT=out.json gdb -batch -nx -x tools/symbolize_gdb.py BINARY
# in.json: {"pcs": [...], "types": [...], "addrs": [...]} (integers)
# out.json:
#   pcs:   return address -> {"funcs": [innermost, ..., outermost], "line"}:
#          the functions at pc-1 with their inlined callers (DWARF
#          inlined-subroutine blocks), innermost first;
#   types: type descriptor address -> Go type name (decoded from the
#          binary's rodata the way reflect does: abi.Type.Str is an offset into
#          moduledata.types where a name is one flag byte, a varint length and
#          the bytes; tflagExtraStar (2) means drop a leading '*');
#   addrs: data address -> "symbol.field" (runtime.memstats.other_sys, ...).
import gdb
import json
import os
import struct

req = json.load(open(os.environ["SYM_IN"]))
inf = gdb.selected_inferior()
out = {"pcs": {}, "types": {}, "addrs": {}}


def chain_at(q):
    chain = []
    try:
        b = gdb.block_for_pc(q)
    except RuntimeError:
        b = None
    while b is not None:
        if b.function is not None:
            n = b.function.name
            if not chain or chain[-1] != n:
                chain.append(n)
        b = b.superblock
    return chain


for pc in req.get("pcs", []):
    q = pc - 1
    chain = chain_at(q)
    if not chain:
        s = gdb.execute("info symbol 0x%x" % q, to_string=True)
        if s.startswith("No symbol"):
            continue
        chain = [s.split(" in section")[0].split(" + ")[0].strip()]
    sal = gdb.find_pc_line(q)
    line = "%s:%d" % (os.path.basename(sal.symtab.filename), sal.line) if sal.symtab else None
    out["pcs"]["0x%x" % pc] = {"funcs": chain, "line": line}

types_base = int(gdb.parse_and_eval("'runtime.firstmoduledata'.types"))


def rd(a, n):
    return bytes(inf.read_memory(a, n))


for t in req.get("types", []):
    try:
        hdr = rd(t, 48)
        tflag = hdr[20]
        str_off = struct.unpack("<i", hdr[40:44])[0]
        a = types_base + str_off
        b = rd(a, 12)
        n, shift, i = 0, 0, 1
        while True:
            c = b[i]
            n |= (c & 0x7F) << shift
            i += 1
            if c < 0x80:
                break
            shift += 7
        name = rd(a + i, n).decode("utf-8", "replace")
        if tflag & 2 and name.startswith("*"):
            name = name[1:]
        out["types"]["0x%x" % t] = {"name": name, "size": struct.unpack("<Q", hdr[0:8])[0],
                                     "ptrbytes": struct.unpack("<Q", hdr[8:16])[0]}
    except Exception as e:  # noqa
        out["types"]["0x%x" % t] = {"name": None, "err": str(e)}


# data addresses -> field names of the runtime globals that sys stats live in
fields = {}


def walk(base, t, prefix, depth=0):
    for f in t.fields():
        if f.bitpos is None:
            continue
        a = base + f.bitpos // 8
        fields.setdefault(a, prefix + f.name)
        ft = f.type.strip_typedefs()
        if ft.code == gdb.TYPE_CODE_STRUCT and depth < 2:
            walk(a, ft, prefix + f.name + ".", depth + 1)


for glob in ("runtime.memstats", "runtime.gcController", "runtime.mheap_"):
    v = gdb.parse_and_eval("'%s'" % glob)
    walk(int(v.address), v.type.strip_typedefs(), glob + ".")
for a in req.get("addrs", []):
    if a in fields:
        out["addrs"]["0x%x" % a] = fields[a]
    else:
        s = gdb.execute("info symbol 0x%x" % a, to_string=True)
        out["addrs"]["0x%x" % a] = None if s.startswith("No symbol") else s.split(" in section")[0].strip()

json.dump(out, open(os.environ["SYM_OUT"], "w"), indent=0)
