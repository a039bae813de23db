"""TensorBoard event files without TensorFlow: a writer matching tensorboardX and a fast reader.

An event file is a TFRecord stream (`nalm.runs.tfrecord`) of `tensorflow.Event` protocol buffers.
Only the few fields the benchmark needs are encoded here, by hand:

    Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
    Summary { repeated Value value = 1; }
    Value   { string tag = 1; float simple_value = 2; TensorProto tensor = 8; SummaryMetadata metadata = 9; }

The writer lays records out as tensorboardX does for the original code (`bmistry4/nalm-benchmark`,
`stable_nalu/writer/summary_writer.py` over tensorboardX 2.1): a `brain.Event:2` record first, then one Event per logged value in call order, scalars as
`simple_value`, texts as a one-element string tensor tagged `<tag>/text_summary` with the `text`
plugin. Fields at their default (step 0, wall time 0) are left out, as protobuf itself does, so
the bytes equal `Event.SerializeToString()`. Unlike tensorboardX the wall time is deterministic
(docs/run-format.md), so the same values give the same bytes.

The reader yields scalars stored as `simple_value` (tensorboardX, the original) and as rank-0
float tensors (TensorFlow 2 and `tensorboard.summary` writers).
"""

import math
import os
import struct
from heapq import merge

from nalm.core.atomic import write_bytes_atomic
from nalm.core.errors import UserError
from nalm.runs.tfrecord import frame, iter_records

FILE_VERSION = "brain.Event:2"
EVENT_FILE_PREFIX = "events.out.tfevents."
TEXT_SUFFIX = "/text_summary"  # tensorboardX's add_text appends it to the tag

_DOUBLE = struct.Struct("<d")
_FLOAT = struct.Struct("<f")
_TEXT_TENSOR_HEAD = b"\x08\x07\x12\x04\x12\x02\x08\x01"  # dtype DT_STRING, shape [1]
_TEXT_METADATA = b"\x4a\x08\x0a\x06\x0a\x04text"  # plugin_data { plugin_name: "text" }

# TensorProto dtypes that can hold a scalar summary.
_DT_FLOAT, _DT_DOUBLE, _DT_BFLOAT16, _DT_HALF, _DT_STRING = 1, 2, 14, 19, 7


def event_file_name() -> str:
    """The deterministic file name of a run's event file (docs/run-format.md)."""
    return EVENT_FILE_PREFIX + "0.nalm"


def default_wall_time() -> float:
    """`SOURCE_DATE_EPOCH` (reproducible-builds convention) if set, else 0.0."""
    text = os.environ.get("SOURCE_DATE_EPOCH")
    if text is None or text.strip() == "":
        return 0.0
    try:
        return float(int(text))
    except ValueError:
        raise UserError(f"SOURCE_DATE_EPOCH={text!r} is not an integer number of seconds") from None


# --------------------------------------------------------------------------- encoding


def _varint(value: int) -> bytes:
    value &= 0xFFFFFFFFFFFFFFFF  # int64 on the wire: negatives take ten bytes
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _field(key: int, payload: bytes) -> bytes:
    """A length-delimited field whose one-byte key is `key`."""
    return bytes((key,)) + _varint(len(payload)) + payload


def _float32(value) -> bytes:
    value = float(value)
    try:
        return _FLOAT.pack(value)
    except OverflowError:  # beyond float32 range: what a C cast (and tensorboardX) gives
        return _FLOAT.pack(math.copysign(math.inf, value))


def _event(wall_time: float, step: int, body: bytes) -> bytes:
    wall = _DOUBLE.pack(wall_time)
    head = b"" if wall == b"\0" * 8 else b"\x09" + wall
    if step:
        head += b"\x10" + _varint(step)
    return head + body


def _scalar_body(tag: str, value) -> bytes:
    summary_value = _field(0x0A, tag.encode("utf-8")) + b"\x15" + _float32(value)
    return _field(0x2A, _field(0x0A, summary_value))


def _text_body(tag: str, text: str) -> bytes:
    tensor = _TEXT_TENSOR_HEAD + _field(0x42, str(text).encode("utf-8"))
    summary_value = _field(0x0A, (tag + TEXT_SUFFIX).encode("utf-8")) + _field(0x42, tensor) + _TEXT_METADATA
    return _field(0x2A, _field(0x0A, summary_value))


def encode_events(scalars, texts=(), wall_time=None) -> bytes:
    """The bytes of an event file; see `write_event_file`."""
    wall_time = default_wall_time() if wall_time is None else float(wall_time)
    records = [frame(_event(wall_time, 0, _field(0x1A, FILE_VERSION.encode("ascii"))))]
    # heapq.merge is stable: on equal steps scalars come before texts, as in the original,
    # which logs a re-initialisation after that step's scalars (`add_text('reinit', ...)` at the
    # end of the loop body of `experiments/single_layer_benchmark.py`).
    tagged = merge(
        ((int(step), 0, tag, value) for step, tag, value in scalars),
        ((int(step), 1, tag, text) for step, tag, text in texts),
        key=lambda item: item[0],
    )
    for step, kind, tag, value in tagged:
        body = _scalar_body(tag, value) if kind == 0 else _text_body(tag, value)
        records.append(frame(_event(wall_time, step, body)))
    return b"".join(records)


def write_event_file(path, scalars, texts=(), wall_time=None) -> str:
    """Write a TensorBoard event file atomically and return its path.

    `scalars`: iterable of `(step, tag, value)` in logging order (steps non-decreasing);
    `texts`: iterable of `(step, tag, text)`, stored under `<tag>/text_summary` like
    tensorboardX's `add_text` (the original's iNALU `reinit`). One Event per value,
    as tensorboardX writes. `wall_time` defaults to `default_wall_time()`.
    """
    return write_bytes_atomic(path, encode_events(scalars, texts, wall_time))


# --------------------------------------------------------------------------- decoding


class _Malformed(Exception):
    """A record whose CRC is right but whose protobuf does not parse."""


def _read_varint(buf: bytes, pos: int):
    byte = buf[pos]
    if byte < 0x80:
        return byte, pos + 1
    result = byte & 0x7F
    shift = 7
    pos += 1
    while True:
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise _Malformed("varint longer than ten bytes")


def _span(buf: bytes, pos: int):
    """(start, end) of the length-delimited field whose length varint starts at `pos`."""
    length, pos = _read_varint(buf, pos)
    return pos, pos + length


def _skip(buf: bytes, pos: int, wire: int) -> int:
    if wire == 0:
        return _read_varint(buf, pos)[1]
    if wire == 1:
        return pos + 8
    if wire == 2:
        return _span(buf, pos)[1]
    if wire == 5:
        return pos + 4
    raise _Malformed(f"unsupported wire type {wire}")


def _plugin_name(buf: bytes, pos: int, end: int) -> str:
    """SummaryMetadata.plugin_data.plugin_name, or '' when absent."""
    name = ""
    while pos < end:
        key, pos = _read_varint(buf, pos)
        if key == 0x0A:
            inner, inner_end = _span(buf, pos)
            while inner < inner_end:
                inner_key, inner = _read_varint(buf, inner)
                if inner_key == 0x0A:
                    start, inner = _span(buf, inner)
                    name = buf[start:inner].decode("utf-8")
                else:
                    inner = _skip(buf, inner, inner_key & 7)
            pos = inner_end
        else:
            pos = _skip(buf, pos, key & 7)
    return name


def _packed_or_single(buf, pos, wire, size, fmt, values):
    """Append the numbers of a repeated fixed-width field (packed or not); return the new position."""
    if wire == 2:
        start, pos = _span(buf, pos)
        values.extend(x for (x,) in struct.iter_unpack(fmt, buf[start:pos]))
        return pos
    values.append(struct.unpack_from(fmt, buf, pos)[0])
    return pos + size


def _tensor(buf: bytes, pos: int, end: int):
    """Decode a TensorProto to ('scalar', float), ('text', str) or None for anything else."""
    dtype = 0
    elements = 1
    numbers = []
    halves = []
    strings = []
    content = None
    while pos < end:
        key, pos = _read_varint(buf, pos)
        field, wire = key >> 3, key & 7
        if key == 0x08:
            dtype, pos = _read_varint(buf, pos)
        elif key == 0x12:  # tensor_shape: multiply the sizes of its dims
            pos, shape_end = _span(buf, pos)
            while pos < shape_end:
                shape_key, pos = _read_varint(buf, pos)
                if shape_key == 0x12:
                    pos, dim_end = _span(buf, pos)
                    size = 0
                    while pos < dim_end:
                        dim_key, pos = _read_varint(buf, pos)
                        if dim_key == 0x08:
                            size, pos = _read_varint(buf, pos)
                        else:
                            pos = _skip(buf, pos, dim_key & 7)
                    elements *= size
                else:
                    pos = _skip(buf, pos, shape_key & 7)
        elif field == 4 and wire == 2:
            start, pos = _span(buf, pos)
            content = buf[start:pos]
        elif field == 5:
            pos = _packed_or_single(buf, pos, wire, 4, "<f", numbers)
        elif field == 6:
            pos = _packed_or_single(buf, pos, wire, 8, "<d", numbers)
        elif field == 13:  # half_val: the 16-bit patterns as (packed) varints
            if wire == 2:
                pos, packed_end = _span(buf, pos)
                while pos < packed_end:
                    bits, pos = _read_varint(buf, pos)
                    halves.append(bits)
            else:
                bits, pos = _read_varint(buf, pos)
                halves.append(bits)
        elif key == 0x42:
            start, pos = _span(buf, pos)
            strings.append(buf[start:pos])
        else:
            pos = _skip(buf, pos, wire)
    if dtype == _DT_STRING:
        return ("text", strings[0].decode("utf-8", "replace")) if strings else None
    if elements != 1:
        return None
    if content is not None:
        layout = {_DT_FLOAT: "<f", _DT_DOUBLE: "<d", _DT_HALF: "<e"}.get(dtype)
        if dtype == _DT_BFLOAT16 and len(content) == 2:
            return "scalar", struct.unpack("<f", b"\0\0" + content)[0]
        if layout is None or struct.calcsize(layout) != len(content):
            return None
        return "scalar", struct.unpack(layout, content)[0]
    if dtype in (_DT_FLOAT, _DT_DOUBLE) and numbers:
        return "scalar", numbers[0]
    if dtype == _DT_HALF and halves:
        return "scalar", struct.unpack("<e", struct.pack("<H", halves[0]))[0]
    if dtype == _DT_BFLOAT16 and halves:
        return "scalar", struct.unpack("<f", struct.pack("<I", halves[0] << 16))[0]
    return None


def _summary_values(buf: bytes, pos: int, end: int, out: list):
    """Append (tag, kind, value) for each Summary.Value in buf[pos:end]."""
    while pos < end:
        key, pos = _read_varint(buf, pos)
        if key != 0x0A:
            pos = _skip(buf, pos, key & 7)
            continue
        pos, value_end = _span(buf, pos)
        tag = ""
        simple = None
        tensor = None
        plugin = ""
        while pos < value_end:
            value_key, pos = _read_varint(buf, pos)
            if value_key == 0x0A:
                start, pos = _span(buf, pos)
                tag = buf[start:pos].decode("utf-8")
            elif value_key == 0x15:
                simple = _FLOAT.unpack_from(buf, pos)[0]
                pos += 4
            elif value_key == 0x42:
                tensor = _span(buf, pos)
                pos = tensor[1]
            elif value_key == 0x4A:
                start, pos = _span(buf, pos)
                plugin = _plugin_name(buf, start, pos)
            else:
                pos = _skip(buf, pos, value_key & 7)
        if pos != value_end:
            raise _Malformed("summary value overruns its length")
        if simple is not None:
            out.append((tag, "scalar", simple))
        elif tensor is not None:
            decoded = _tensor(buf, *tensor)
            # Scalars carry the `scalars` plugin or none; other plugins' one-element tensors are not scalars.
            if decoded is not None and (decoded[0] == "text" or plugin in ("", "scalars")):
                out.append((tag, decoded[0], decoded[1]))


def _decode_event(buf: bytes):
    """(wall_time, step, [(tag, kind, value), ...]) of one serialized Event."""
    pos = 0
    end = len(buf)
    wall_time = 0.0
    step = 0
    values = []
    while pos < end:
        key, pos = _read_varint(buf, pos)
        if key == 0x09:
            wall_time = _DOUBLE.unpack_from(buf, pos)[0]
            pos += 8
        elif key == 0x10:
            step, pos = _read_varint(buf, pos)
            if step >= 1 << 63:
                step -= 1 << 64
        elif key == 0x2A:
            start, pos = _span(buf, pos)
            _summary_values(buf, start, pos, values)
        else:
            pos = _skip(buf, pos, key & 7)
    if pos != end:
        raise _Malformed("field overruns the record")
    return wall_time, step, values


def iter_event_values(path):
    """Yield (wall_time, step, tag, kind, value) for every scalar and text of an event file.

    `kind` is 'scalar' (value: float) or 'text' (value: str). A truncated or corrupt file
    raises `UserError` naming the file and the byte offset of the bad record.
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise UserError(f"cannot read event file {path}: {error.strerror}") from None
    for offset, payload in iter_records(data, path):
        try:
            wall_time, step, values = _decode_event(payload)
        except (_Malformed, IndexError, struct.error, UnicodeDecodeError) as error:
            raise UserError(f"corrupt event file {path}: undecodable event at byte {offset} ({error})") from None
        for tag, kind, value in values:
            yield wall_time, step, tag, kind, value


def read_event_file(path):
    """Yield (wall_time, step, tag, value) for every scalar of an event file, in file order."""
    for wall_time, step, tag, kind, value in iter_event_values(path):
        if kind == "scalar":
            yield wall_time, step, tag, value


def read_text_events(path):
    """Yield (wall_time, step, tag, text) for every text summary (tag with `/text_summary`)."""
    for wall_time, step, tag, kind, value in iter_event_values(path):
        if kind == "text":
            yield wall_time, step, tag, value
