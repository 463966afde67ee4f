'use strict';
// Wire: the host's end of the line-delimited JSON pipe. Reads are synchronous (the host is in
// lockstep with its driver: while it waits for a line nothing else may run), writes are
// synchronous and unbuffered, so lines leave in exactly the order the host produced them.

const fs = require('fs');

const CHUNK = 1 << 16;

class Wire {
  constructor(in_fd = 0, out_fd = 1) {
    this.in_fd = in_fd;
    this.out_fd = out_fd;
    this._buffer = '';
    this._chunk = Buffer.allocUnsafe(CHUNK);
    this._eof = false;
    this._decoder = new (require('string_decoder').StringDecoder)('utf8');
    this._sleeper = new Int32Array(new SharedArrayBuffer(4));
    this.lines_read = 0;
  }

  /// The next line without its newline, or null at end of input. Blocks.
  read_line() {
    for (;;) {
      const newline = this._buffer.indexOf('\n');
      if (newline >= 0) {
        const line = this._buffer.slice(0, newline);
        this._buffer = this._buffer.slice(newline + 1);
        this.lines_read += 1;
        return line.endsWith('\r') ? line.slice(0, -1) : line;
      }
      if (this._eof) {
        if (this._buffer.length === 0) return null;
        const last = this._buffer;
        this._buffer = '';
        this.lines_read += 1;
        return last;
      }
      this._fill();
    }
  }

  _fill() {
    let n;
    try {
      n = fs.readSync(this.in_fd, this._chunk, 0, CHUNK, null);
    } catch (error) {
      if (error.code === 'EAGAIN') {  // a non-blocking pipe with nothing in it yet
        Atomics.wait(this._sleeper, 0, 0, 1);
        return;
      }
      if (error.code === 'EOF') n = 0;
      else throw error;
    }
    if (n === 0) {
      this._eof = true;
      this._buffer += this._decoder.end();
      return;
    }
    this._buffer += this._decoder.write(this._chunk.subarray(0, n));
  }

  /// Writes one JSON message as one line.
  send(message) {
    const data = Buffer.from(JSON.stringify(message) + '\n', 'utf8');
    let offset = 0;
    while (offset < data.length) {
      try {
        offset += fs.writeSync(this.out_fd, data, offset, data.length - offset);
      } catch (error) {
        if (error.code !== 'EAGAIN') throw error;
        Atomics.wait(this._sleeper, 0, 0, 1);
      }
    }
  }
}

module.exports = { Wire };
