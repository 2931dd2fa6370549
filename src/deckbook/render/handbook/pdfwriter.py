"""A PDF written object by object as it is made, so that a book of any length fits in the memory of one part.

qpdf (behind pikepdf) holds a whole document in memory until it saves it: a tagged book is mostly
structure elements (WeasyPrint tags every run of text), 150 000 objects and 450 MiB for 600 pages. The
stitch instead copies its parts one at a time: a `Copier` walks what it is asked for in one source PDF,
renumbering references into the book, and hands each object to the `Writer`, which writes it at once
(packed in compressed object streams unless told not to) and keeps only where it went.

Objects are copied as qpdf prints them (`unparse`): qpdf writes every parenthesis inside a literal
string escaped, so the references found by `_TOKEN` outside strings are all the references there are.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from array import array
from typing import BinaryIO

import pikepdf

#: A literal string, a hexadecimal string, or an indirect reference (the only token renumbered).
_TOKEN = re.compile(rb"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>|(?<![\w./#+-])(\d+) (\d+) R", re.S)
PACK = 200  # objects per object stream
_FREE, _PLACED, _PACKED = 0, 1, 2  # cross-reference entry types


class Writer:
    """Writes a PDF to `out` as objects arrive; `close()` adds the cross-reference section and trailer.

    Object numbers are handed out by `reserve()`, so an object can be referred to before it is written
    (the book's page tree, say, is written last). The file identifier is the MD5 of everything before
    the cross-reference section: the same book, the same bytes.
    """

    def __init__(self, out: BinaryIO, version: str, object_streams: bool = True) -> None:
        self._out = out
        self._digest = hashlib.md5()
        self._position = 0
        self._kind = bytearray(1)  # per object number: _FREE, _PLACED or _PACKED
        self._where = array("Q", [0])  # file offset, or the object stream's number
        self._index = array("H", [0])  # index in that object stream
        self._packing: list[tuple[int, bytes]] = []
        self._object_streams = object_streams
        self._emit(f"%PDF-{version}\n".encode() + b"%\xe2\xe3\xcf\xd3\n")

    def reserve(self) -> int:
        """Return a new object number, to be written later with `add` or `add_stream`."""
        self._kind.append(_FREE)
        self._where.append(0)
        self._index.append(0)
        return len(self._kind) - 1

    def add(self, number: int, body: bytes) -> None:
        """Write object `number` (not a stream), whose text is `body`."""
        if not self._object_streams:
            self._place(number, body)
            return
        self._packing.append((number, body))
        if len(self._packing) >= PACK:
            self._pack()

    def add_stream(self, number: int, dictionary: bytes, data: bytes) -> None:
        """Write stream object `number`: `dictionary` (without /Length) and its data, as stored."""
        self._place(number, dictionary[:-2].rstrip() + b" /Length %d >>\nstream\n" % len(data) + data
                    + b"\nendstream")

    def close(self, root: int, info: int | None) -> None:
        """Write the cross-reference section and the trailer; objects reserved and never written are free."""
        if self._packing:
            self._pack()
        ident = self._digest.hexdigest().encode()
        trailer = b"/Root %d 0 R%s /ID [ <%s> <%s> ]" % (root, b" /Info %d 0 R" % info if info else b"", ident, ident)
        if self._object_streams:
            self._xref_stream(trailer)
        else:
            self._xref_table(trailer)

    def _emit(self, data: bytes) -> None:
        self._out.write(data)
        self._digest.update(data)
        self._position += len(data)

    def _place(self, number: int, body: bytes) -> None:
        self._kind[number], self._where[number] = _PLACED, self._position
        self._emit(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    def _pack(self) -> None:
        """Write the objects waiting to be packed as one compressed object stream."""
        packed, self._packing = self._packing, []
        stream = self.reserve()
        offsets, bodies, at = [], [], 0
        for index, (number, body) in enumerate(packed):
            self._kind[number], self._where[number], self._index[number] = _PACKED, stream, index
            offsets.append(b"%d %d" % (number, at))
            bodies.append(body)
            at += len(body) + 1
        head = b" ".join(offsets) + b"\n"
        data = zlib.compress(head + b"\n".join(bodies) + b"\n")
        self.add_stream(stream, b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode >>" % (len(packed), len(head)),
                        data)

    def _xref_stream(self, trailer: bytes) -> None:
        number = self.reserve()
        self._kind[number], self._where[number] = _PLACED, self._position
        rows = bytearray()
        for kind, where, index in zip(self._kind, self._where, self._index):
            rows += kind.to_bytes(1, "big") + where.to_bytes(5, "big") + index.to_bytes(2, "big")
        rows[0:8] = b"\x00" + b"\x00" * 5 + b"\xff\xff"  # object 0: the head of the free list
        data = zlib.compress(bytes(rows))
        start = self._position
        self._place(number, b"<< /Type /XRef /Size %d /W [ 1 5 2 ] %s /Filter /FlateDecode /Length %d >>\nstream\n"
                    % (len(self._kind), trailer, len(data)) + data + b"\nendstream")
        self._emit(b"startxref\n%d\n%%%%EOF\n" % start)

    def _xref_table(self, trailer: bytes) -> None:
        start = self._position
        rows = [b"xref\n0 %d\n" % len(self._kind), b"0000000000 65535 f \n"]
        for kind, where in zip(self._kind[1:], self._where[1:]):
            rows.append(b"%010d 00000 n \n" % where if kind == _PLACED else b"0000000000 00000 f \n")
        self._emit(b"".join(rows) + b"trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n"
                   % (len(self._kind), trailer, start))


class Copier:
    """Copies objects of one source PDF into a `Writer`, each once, renumbering their references.

    `ref()` and `value()` give an object's place or text in the book and queue what it refers to;
    `drain()` writes everything queued (and what that reaches). References listed in `fixed` are not
    copied: they point at objects the book writes itself (its page tree, its structure root …).
    """

    def __init__(self, source: pikepdf.Pdf, writer: Writer, fixed: dict[tuple[int, int], int] | None = None) -> None:
        self.source = source
        self.writer = writer
        self._numbers: dict[tuple[int, int], int] = dict(fixed or {})
        self._queue: list[tuple[tuple[int, int], int]] = []

    def fix(self, obj: pikepdf.Object, number: int) -> None:
        """Make references to the indirect `obj` point at the book's object `number` (written elsewhere)."""
        self._numbers[obj.objgen] = number

    def ref(self, obj: pikepdf.Object) -> int:
        """Return the book's number for the indirect object `obj`, queueing it for copying the first time."""
        return self._number(obj.objgen)

    def value(self, obj: pikepdf.Object | int | float | bool | None) -> bytes:
        """Return the text of `obj` in the book: a reference when it is indirect, else its renumbered text."""
        if isinstance(obj, pikepdf.Object):
            if obj.is_indirect:
                return b"%d 0 R" % self.ref(obj)
            return self._renumber(obj.unparse())
        if obj is None or isinstance(obj, bool):
            return {None: b"null", True: b"true", False: b"false"}[obj]
        return str(obj).encode()  # an int or a Decimal, as pikepdf gives numbers

    def drain(self) -> None:
        """Write every queued object, and what they refer to."""
        while self._queue:
            objgen, number = self._queue.pop()
            obj = self.source.get_object(objgen)
            if isinstance(obj, pikepdf.Stream):
                data = obj.read_raw_bytes()
                head = obj.stream_dict
                if "/Length" in head:
                    del head.Length
                self.writer.add_stream(number, self._renumber(head.unparse()), data)
            else:
                self.writer.add(number, self._renumber(obj.unparse(resolved=True)))

    def _number(self, objgen: tuple[int, int]) -> int:
        number = self._numbers.get(objgen)
        if number is None:
            number = self._numbers[objgen] = self.writer.reserve()
            self._queue.append((objgen, number))
        return number

    def _renumber(self, text: bytes) -> bytes:
        def token(match: re.Match) -> bytes:
            if match.group(1) is None:
                return match.group(0)
            return b"%d 0 R" % self._number((int(match.group(1)), int(match.group(2))))

        return _TOKEN.sub(token, text)
