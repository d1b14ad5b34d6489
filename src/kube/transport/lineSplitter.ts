// Watch events and log lines arrive in chunks cut anywhere: mid-line, between \r and \n, even in
// the middle of a multi-byte UTF-8 character. This reassembles whole lines.

export async function* splitLines(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  for await (const chunk of chunks) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n', start)) {
      const end = nl > start && pending.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield pending.slice(start, end);
      start = nl + 1;
    }
    pending = pending.slice(start);
  }
  pending += decoder.decode();
  // A last line without a newline is still a line; a trailing newline does not make an empty one.
  if (pending.endsWith('\r')) pending = pending.slice(0, -1);
  if (pending.length > 0) yield pending;
}
