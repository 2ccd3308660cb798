"""Protocol buffer wire-format encoders for the stdlib-only scripts that write
profile.proto files by hand (test inputs, golden-case generators).

Scripts import it with its directory put first on sys.path, relative to
their own file, so they run from any directory:

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
    from protowire import lfield, vfield  # noqa: E402

Two families of field encoders:

  vfield, lfield, packed    always write the field, even a zero value or an
                            empty list (packed gives an empty packed field)
  opt_vfield, opt_packed    leave out a zero value / an empty list, as proto3
                            encoders (and Go's pprof) do

Integers are int64 or uint64: a negative value is written as its 64-bit two's
complement (10 bytes), like a negative int64 in Go.  Nothing is zigzag
encoded (profile.proto has no sint fields).
"""

WIRE_VARINT = 0
WIRE_BYTES = 2


def varint(v):
    """Base-128 varint of v taken modulo 2**64."""
    v &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def key(num, wire):
    """Field key: field number and wire type."""
    return varint(num << 3 | wire)


def vfield(num, v):
    """Varint field, written even when v is 0."""
    return key(num, WIRE_VARINT) + varint(v)


def lfield(num, data):
    """Length-delimited field (bytes, string, sub-message), written even when empty."""
    return key(num, WIRE_BYTES) + varint(len(data)) + data


def packed(num, vals):
    """Packed repeated varint field, written even when vals is empty."""
    return lfield(num, b"".join(varint(v) for v in vals))


def opt_vfield(num, v):
    """Varint field, left out when v is 0."""
    return vfield(num, v) if v else b""


def opt_packed(num, vals):
    """Packed repeated varint field, left out when vals is empty."""
    return packed(num, vals) if vals else b""
