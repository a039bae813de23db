"""The event-file writer and reader (`nalm.runs.events`, `nalm.runs.tfrecord`).

Pinned against the event files the original code writes (`bmistry4/nalm-benchmark`,
`experiments/single_layer_benchmark.py` through `stable_nalu/writer/summary_writer.py` and
tensorboardX: tags, one Event per value), what its export reads
(`stable_nalu/reader/tensorboard_metric_reader.py`), and docs/run-format.md (deterministic wall
time, file name, atomicity).
"""

import math
import os
import struct

import pytest
from _original_events import fixture_runs, readout_rows

from nalm.core.errors import UserError
from nalm.runs import events
from nalm.runs.tfrecord import frame, iter_records, masked_crc

SCALARS = [
    (0, "metric/valid/interpolation", 1766.25),
    (0, "metric/test/extrapolation", 7114.6),
    (0, "network/layer_1/nac/W/sparsity_error", 0.41),
    (1000, "metric/valid/interpolation", 0.125),
    (1000, "metric/test/extrapolation", float("nan")),
    (1000, "network/layer_1/nac/W/sparsity_error", 0.0),
]


def _records(data):
    return [payload for _, payload in iter_records(data, "mem")]


def test_event_file_name_is_deterministic():
    # docs/run-format.md: the one event file of a run.
    assert events.event_file_name() == "events.out.tfevents.0.nalm"


def test_masked_crc_matches_tensorflow_reference():
    # TFRecord framing: the CRC32C of "" is 0, so its masked CRC is the mask's delta alone;
    # "123456789" has the standard CRC32C check value 0xE3069283.
    import crc32c

    assert masked_crc(b"") == 0xA282EAD8
    assert crc32c.crc32c(b"123456789") == 0xE3069283
    crc = 0xE3069283
    assert masked_crc(b"123456789") == ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF
    header = struct.pack("<Q", 3)
    record = frame(b"abc")
    assert record[:8] == header and record[12:15] == b"abc" and len(record) == 19


def test_bytes_equal_protobuf_serialization():
    # tensorboardX: one Event per value, file_version first, step/wall_time omitted at 0 like protobuf.
    from tensorboard.compat.proto.event_pb2 import Event

    data = events.encode_events(SCALARS, [(1000, "reinit", "0")], wall_time=0.0)
    payloads = _records(data)
    assert len(payloads) == 1 + len(SCALARS) + 1
    parsed = []
    for payload in payloads:
        event = Event()
        event.ParseFromString(payload)
        assert event.SerializeToString() == payload
        parsed.append(event)
    assert parsed[0].file_version == "brain.Event:2"
    assert [len(e.summary.value) for e in parsed[1:]] == [1] * (len(SCALARS) + 1)
    assert [e.step for e in parsed[1:]] == [0, 0, 0, 1000, 1000, 1000, 1000]
    text = parsed[-1].summary.value[0]
    assert text.tag == "reinit/text_summary"
    assert text.metadata.plugin_data.plugin_name == "text"
    assert text.tensor.string_val == [b"0"]


def test_texts_follow_the_scalars_of_their_step():
    # The original loop (single_layer_benchmark.py) logs an iNALU re-initialisation after that
    # step's scalars.
    scalars = [(0, "a", 1.0), (10, "a", 2.0), (20, "a", 3.0)]
    data = events.encode_events(scalars, [(10, "reinit", "0"), (15, "reinit", "1")])
    from tensorboard.compat.proto.event_pb2 import Event

    order = []
    for payload in _records(data)[1:]:
        event = Event.FromString(payload)
        order.append((event.step, event.summary.value[0].tag))
    assert order == [(0, "a"), (10, "a"), (10, "reinit/text_summary"), (15, "reinit/text_summary"), (20, "a")]


def test_wall_time_is_deterministic(monkeypatch, tmp_path):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert events.default_wall_time() == 0.0
    first = events.encode_events(SCALARS)
    assert first == events.encode_events(SCALARS)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    path = events.write_event_file(tmp_path / "e", SCALARS)
    assert {w for w, *_ in events.read_event_file(path)} == {1700000000.0}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    with pytest.raises(UserError, match="SOURCE_DATE_EPOCH"):
        events.encode_events(SCALARS)


def test_write_is_atomic_and_replaces(tmp_path):
    path = tmp_path / events.event_file_name()
    path.write_bytes(b"old")
    events.write_event_file(path, SCALARS, wall_time=5.0)
    assert os.listdir(tmp_path) == [path.name]  # no temporary file left behind
    assert path.read_bytes() == events.encode_events(SCALARS, wall_time=5.0)


def test_round_trip_values_are_float32(tmp_path):
    path = events.write_event_file(tmp_path / "e", SCALARS + [(2000, "big", 1e40), (2000, "tiny", 0.1)])
    read = list(events.read_event_file(path))
    assert [(s, t) for _, s, t, _ in read] == [(s, t) for s, t, _ in SCALARS] + [(2000, "big"), (2000, "tiny")]
    values = [v for *_, v in read]
    assert values[0] == 1766.25 and math.isnan(values[4])
    assert values[-2] == math.inf  # beyond float32 range, as a C cast gives
    assert values[-1] == struct.unpack("<f", struct.pack("<f", 0.1))[0]


def test_tensorboard_event_accumulator_reads_our_file(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events.write_event_file(tmp_path / events.event_file_name(), SCALARS, [(1000, "reinit", "3")], wall_time=7.0)
    accumulator = EventAccumulator(str(tmp_path))
    accumulator.Reload()
    assert set(accumulator.Tags()["scalars"]) == {tag for _, tag, _ in SCALARS}
    interpolation = accumulator.Scalars("metric/valid/interpolation")
    assert [(e.wall_time, e.step, e.value) for e in interpolation] == [(7.0, 0, 1766.25), (7.0, 1000, 0.125)]
    assert math.isnan(accumulator.Scalars("metric/test/extrapolation")[1].value)
    (text,) = accumulator.Tensors("reinit/text_summary")
    assert (text.step, text.tensor_proto.string_val) == (1000, [b"3"])


def test_reader_reads_tensor_encoded_scalars(tmp_path):
    # Newer writers (TF2, tensorboard.summary) store scalars as rank-0 float tensors.
    from tensorboard.compat.proto.event_pb2 import Event
    from tensorboard.plugins.scalar import summary_v2
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    writer = EventFileWriter(str(tmp_path))
    writer.add_event(Event(wall_time=3.0, step=7, summary=summary_v2.scalar_pb("loss", 0.25)))
    writer.close()
    (path,) = tmp_path.iterdir()
    assert list(events.read_event_file(path)) == [(3.0, 7, "loss", 0.25)]


def test_reader_reproduces_tensorboard_readout():
    # fixtures/original-events/README.md: per logged step, the two metrics and the first value
    # of every */sparsity_error tag, exactly as TensorBoard's EventAccumulator reads them.
    produced = []
    for module_dir, run_dir, event_file in fixture_runs():
        steps = {}
        for _, step, tag, value in events.read_event_file(event_file):
            row = steps.setdefault(step, {})
            row.setdefault(tag, value)
        for step, row in steps.items():
            if "metric/valid/interpolation" not in row:
                continue  # L1/train/beta is logged at every step; rows are the logged steps
            sparsity = sorted(t for t in row if t.endswith("/sparsity_error"))
            produced.append(
                {
                    "module_dir": module_dir,
                    "name": run_dir.name,
                    "step": str(step),
                    "metric.valid.interpolation": repr(row["metric/valid/interpolation"]),
                    "metric.test.extrapolation": repr(row["metric/test/extrapolation"]),
                    "sparsity_tags": ";".join(f"{t}={row[t]!r}" for t in sparsity),
                }
            )
    assert produced == readout_rows()


def test_original_wall_times_match_event_accumulator():
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    module_dir, run_dir, event_file = fixture_runs()[1]  # NAU: small
    accumulator = EventAccumulator(str(run_dir))
    accumulator.Reload()
    expected = [(e.wall_time, e.step, e.value) for e in accumulator.Scalars("metric/test/extrapolation")]
    ours = [(w, s, v) for w, s, t, v in events.read_event_file(event_file) if t == "metric/test/extrapolation"]
    assert ours == expected


@pytest.mark.parametrize("cut", [5, 12, 30, -1])
def test_truncated_file_names_file_and_offset(tmp_path, cut):
    data = events.encode_events(SCALARS)
    last_record = len(data) - len(_records(data)[-1]) - 16
    path = tmp_path / "events.out.tfevents.1.x"
    path.write_bytes(data[: last_record + cut] if cut > 0 else data[:cut])
    with pytest.raises(UserError, match=rf"truncated event file {path}.*byte {last_record}"):
        list(events.read_event_file(path))


@pytest.mark.parametrize("where", ["length", "payload"])
def test_corrupt_file_names_file_and_offset(tmp_path, where):
    data = bytearray(events.encode_events(SCALARS))
    second = len(_records(bytes(data))[0]) + 16
    data[second + (2 if where == "length" else 14)] ^= 0x01
    path = tmp_path / "events.out.tfevents.2.x"
    path.write_bytes(bytes(data))
    with pytest.raises(UserError, match=rf"corrupt event file {path}.*checksum.*byte {second}"):
        list(events.read_event_file(path))


def test_undecodable_payload_with_good_crc(tmp_path):
    path = tmp_path / "e"
    path.write_bytes(events.encode_events([]) + frame(b"\x2a\x05\x0a"))  # summary longer than the record
    with pytest.raises(UserError, match=rf"corrupt event file {path}.*undecodable event at byte"):
        list(events.read_event_file(path))


def test_missing_file_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="cannot read event file"):
        list(events.read_event_file(tmp_path / "absent"))
