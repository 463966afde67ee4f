// Newline-delimited JSON over a libp2p stream (libp2p 3's message streams: `send`, async
// iteration of chunks). One object per line; a line that is not JSON is skipped.
const encoder = new TextEncoder()

export function sendJson(stream, object) {
  try {
    return stream.send(encoder.encode(JSON.stringify(object) + '\n'))
  } catch {
    return false
  }
}

/// Calls `onObject` for every line the remote writes, until the stream ends; resolves then.
export async function readJsonLines(stream, onObject) {
  const decoder = new TextDecoder()
  let buffered = ''
  try {
    for await (const chunk of stream) {
      buffered += decoder.decode(chunk.subarray ? chunk.subarray() : chunk, { stream: true })
      let newline
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline)
        buffered = buffered.slice(newline + 1)
        let object
        try { object = JSON.parse(line) } catch { continue }
        onObject(object)
      }
    }
  } catch {
    // the stream was reset or its connection closed: the reader ends
  }
}
