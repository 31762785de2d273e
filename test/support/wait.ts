// Waiting for a condition instead of a fixed delay: the test goes on as soon
// as what it needs is observable, however loaded the machine is.

/** Resolves once `cond()` is true, checking every few ms (and letting the event loop run between checks). */
export async function until(cond: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
