"""TFRecord framing, the container of TensorBoard event files.

Each record is: payload length (uint64, little endian), the masked CRC32C of those 8 bytes
(uint32), the payload, the masked CRC32C of the payload (uint32). The mask
(rotate right by 15, add 0xa282ead8) is TensorFlow's, so that a CRC of data that itself
contains CRCs does not degenerate. TensorBoard and the original export (through TensorFlow's
`summary_iterator` in `stable_nalu/reader/tensorboard_reader.py`) both read this framing.
"""

import struct

import crc32c

from nalm.core.errors import UserError

_MASK_DELTA = 0xA282EAD8
_LENGTH = struct.Struct("<Q")
_CRC = struct.Struct("<I")
HEADER_SIZE = 12  # length + its CRC
FOOTER_SIZE = 4  # payload CRC


def masked_crc(data) -> int:
    crc = crc32c.crc32c(data)
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + _MASK_DELTA) & 0xFFFFFFFF


def frame(payload: bytes) -> bytes:
    """One record holding `payload`."""
    header = _LENGTH.pack(len(payload))
    return b"".join(
        (header, _CRC.pack(masked_crc(header)), payload, _CRC.pack(masked_crc(payload)))
    )


def iter_records(data: bytes, path):
    """Yield `(offset, payload)` for every record of `data`, the bytes of file `path`.

    A short or CRC-mismatching record raises `UserError` naming the file and the byte offset
    of the record, so a truncated or corrupt file is never silently read in part.
    """
    size = len(data)
    offset = 0
    unpack_length = _LENGTH.unpack_from
    unpack_crc = _CRC.unpack_from
    while offset < size:
        if size - offset < HEADER_SIZE:
            raise UserError(f"truncated event file {path}: incomplete record header at byte {offset}")
        header = data[offset : offset + 8]
        if unpack_crc(data, offset + 8)[0] != masked_crc(header):
            raise UserError(f"corrupt event file {path}: record length checksum mismatch at byte {offset}")
        (length,) = unpack_length(header)
        start = offset + HEADER_SIZE
        end = start + length
        if end + FOOTER_SIZE > size:
            raise UserError(
                f"truncated event file {path}: record at byte {offset} needs {length + HEADER_SIZE + FOOTER_SIZE}"
                f" bytes, {size - offset} left"
            )
        payload = data[start:end]
        if unpack_crc(data, end)[0] != masked_crc(payload):
            raise UserError(f"corrupt event file {path}: record data checksum mismatch at byte {offset}")
        yield offset, payload
        offset = end + FOOTER_SIZE
